# After the adoption: the same resources, derived from values you own
# instead of from what the directory holds. Save the adoption's output as
# contacts.auto.tfvars.json (the guide gives the commands) and use this
# file in place of the adoption configuration.

variable "contacts" {
  description = "Message contacts by name, with the objects each is bound to."
  type = map(object({
    email_address = string
    phone_number  = optional(string)
    title         = string
    message_types = set(string)
    members       = set(string)
  }))
}

resource "resourcedirectory_message_contact" "adopted" {
  for_each = var.contacts

  name          = each.key
  email_address = each.value.email_address
  phone_number  = each.value.phone_number
  title         = each.value.title
  message_types = each.value.message_types
}

# Each contact's ID by name, built once: a member set referring to
# resourcedirectory_message_contact.adopted[each.key] would have the CLI
# evaluate every contact for each member set.
locals {
  contact_ids = { for name, c in resourcedirectory_message_contact.adopted : name => c.id }
}

resource "resourcedirectory_message_contact_members" "adopted" {
  for_each = { for name, c in var.contacts : name => c if length(c.members) > 0 }

  contact_id = local.contact_ids[each.key]
  member_ids = each.value.members
}
