# Adopt every message contact of the resource directory, and the bindings
# of each, in one apply (OpenTofu 1.7+ or Terraform 1.7+:
# import blocks with for_each).

# Every contact the directory has today.
data "resourcedirectory_message_contacts" "existing" {}

locals {
  # Every contact, except those being deleted.
  existing = [
    for c in data.resourcedirectory_message_contacts.existing.contacts : c
    if c.status != "Deleting"
  ]

  # Contacts by name (names are unique within a resource directory), with
  # what the resources below take and nothing more: the CLI evaluates a
  # resource's for_each again for each of its instances, so a lean map keeps
  # the plan of a large directory fast.
  contacts = {
    for c in local.existing : c.name => {
      id            = c.id
      email_address = c.email_address
      phone_number  = c.phone_number
      title         = c.title
      message_types = c.message_types
    }
  }

  # The contacts bound to anything: each gets its complete set of bindings.
  bound = {
    for c in local.existing : c.name => { id = c.id, members = c.members }
    if length(c.members) > 0
  }
}

import {
  for_each = local.contacts
  to       = resourcedirectory_message_contact.adopted[each.key]
  id       = each.value.id
}

resource "resourcedirectory_message_contact" "adopted" {
  for_each = local.contacts

  name          = each.key
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

  # The contact's ID as listed: a reference to
  # resourcedirectory_message_contact.adopted[each.key] would have the CLI
  # decode every adopted contact for each member set. depends_on keeps the
  # order a reference gives (member sets are destroyed before contacts).
  contact_id = each.value.id
  member_ids = each.value.members

  depends_on = [resourcedirectory_message_contact.adopted]
}

# The adopted contacts as literal values: save this output as
# contacts.auto.tfvars.json to stop deriving the configuration from the
# directory (see the guide).
output "contacts" {
  value = {
    for c in local.existing : c.name => {
      email_address = c.email_address
      phone_number  = c.phone_number
      title         = c.title
      message_types = c.message_types
      members       = c.members
    }
  }
}
