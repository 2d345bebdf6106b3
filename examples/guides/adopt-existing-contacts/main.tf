# Adopt every message contact of the resource directory, and the bindings
# of each, in one apply (OpenTofu 1.7+ or Terraform 1.7+:
# import blocks with for_each).

# Every contact the directory has today.
data "resourcedirectory_message_contacts" "existing" {}

locals {
  # Contacts by name (names are unique within a resource directory), except
  # those being deleted.
  contacts = {
    for c in data.resourcedirectory_message_contacts.existing.contacts : c.name => c
    if c.status != "Deleting"
  }

  # The contacts bound to anything: each gets its complete set of bindings.
  bound = { for name, c in local.contacts : name => c if length(c.members) > 0 }
}

import {
  for_each = local.contacts
  to       = resourcedirectory_message_contact.adopted[each.key]
  id       = each.value.id
}

resource "resourcedirectory_message_contact" "adopted" {
  for_each = local.contacts

  name          = each.value.name
  email_address = each.value.email_address
  phone_number  = each.value.phone_number
  title         = each.value.title
  message_types = each.value.message_types
}

import {
  for_each = local.bound
  to       = resourcedirectory_message_contact_members.adopted[each.key]
  id       = each.value.id
}

# Authoritative: a binding added or removed outside Terraform later shows up
# in the plan.
resource "resourcedirectory_message_contact_members" "adopted" {
  for_each = local.bound

  contact_id = resourcedirectory_message_contact.adopted[each.key].id
  member_ids = each.value.members
}

# The adopted contacts as literal values: save this output as
# contacts.auto.tfvars.json to stop deriving the configuration from the
# directory (see the guide).
output "contacts" {
  value = {
    for name, c in local.contacts : name => {
      email_address = c.email_address
      phone_number  = c.phone_number
      title         = c.title
      message_types = c.message_types
      members       = c.members
    }
  }
}
