resource "resourcedirectory_message_contact" "finance" {
  name          = "FinanceOps"
  email_address = "finance-ops@example.com"
  title         = "FinanceDirector"
  message_types = ["AccountExpenses"]
}

# The directory's ID (rd-…), its folders by path and its member accounts.
data "resourcedirectory_directory" "this" {}

# The whole resource directory: every member account, including accounts
# that join later, gets this contact.
resource "resourcedirectory_message_contact_binding" "root" {
  contact_id = resourcedirectory_message_contact.finance.id
  member_id  = data.resourcedirectory_directory.this.id
}

# One folder: the accounts in it and in its subfolders. This binding stays in
# effect if the root binding above is removed.
resource "resourcedirectory_message_contact_binding" "production" {
  contact_id = resourcedirectory_message_contact.finance.id
  member_id  = data.resourcedirectory_directory.this.folders["Production"].id
}
