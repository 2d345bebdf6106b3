# Every contact bound directly to the Production folder.
data "resourcedirectory_message_contacts" "production" {
  member = "fd-Prod4Nz7Qa"
}

# Contacts whose email address or phone number still awaits verification.
data "resourcedirectory_message_contacts" "unverified" {
  status = "Verifying"
}

# Contacts named like "Ops", "FinanceOps", "SecOps"...
data "resourcedirectory_message_contacts" "ops" {
  name_regex = "Ops$"
}

output "production_contact_ids" {
  value = data.resourcedirectory_message_contacts.production.ids
}

output "awaiting_verification" {
  value = {
    for c in data.resourcedirectory_message_contacts.unverified.contacts : c.name => {
      email = c.pending_email_address
      phone = c.pending_phone_number
    }
  }
}

output "ops_contact_emails" {
  value = [for c in data.resourcedirectory_message_contacts.ops.contacts : c.email_address]
}
