resource "resourcedirectory_message_contact" "security" {
  name          = "SecOps"
  email_address = "sec-ops@example.com"
  title         = "TechnicalDirector"
  message_types = ["SecurityMessage", "FaultMessage"]
}

# Everything the contact is bound to, in one place: the Production and
# Security folders (with their subfolders and accounts) and one account.
# A binding added or removed in the console shows up in the next plan.
resource "resourcedirectory_message_contact_members" "security" {
  contact_id = resourcedirectory_message_contact.security.id
  member_ids = [
    "fd-Prod4Nz7Qa",
    "fd-Sec6Tr1Hy",
    "1500000000000005",
  ]
}
