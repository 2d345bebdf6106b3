# Look a contact up by name (names are unique in a resource directory)...
data "resourcedirectory_message_contact" "finance" {
  name = "FinanceOps"
}

# ...or by ID.
data "resourcedirectory_message_contact" "by_id" {
  id = "c-qL4HqKONzOM7abcd"
}

output "finance_contact" {
  value = {
    id     = data.resourcedirectory_message_contact.finance.id
    status = data.resourcedirectory_message_contact.finance.status
    # Null once the recipient has verified the address.
    awaiting_verification = data.resourcedirectory_message_contact.finance.pending_email_address
    bound_to              = data.resourcedirectory_message_contact.by_id.members
  }
}
