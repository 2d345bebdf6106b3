# A small module of the kind a platform team writes: the directory's message
# contacts, each bound to the directory root, with one team rule (someone must
# receive security notices). tests/contacts.tftest.hcl tests it offline
# against the emulator; see "Testing your own modules offline" in the README.

terraform {
  required_providers {
    resourcedirectory = {
      source  = "rdcontact/resourcedirectory"
      version = "~> 0.1"
    }
  }
}

variable "directory_root_id" {
  description = "ID of the resource directory root (rd-...); every contact is bound to it."
  type        = string
}

variable "contacts" {
  description = "Message contacts by key."
  type = map(object({
    name          = string
    email_address = string
    title         = string
    message_types = set(string)
  }))

  validation {
    condition     = anytrue([for c in values(var.contacts) : contains(c.message_types, "SecurityMessage")])
    error_message = "At least one contact must receive SecurityMessage: add it to the message_types of your security lead."
  }
}

resource "resourcedirectory_message_contact" "this" {
  for_each = var.contacts

  name          = each.value.name
  email_address = each.value.email_address
  title         = each.value.title
  message_types = each.value.message_types
}

resource "resourcedirectory_message_contact_binding" "root" {
  for_each = var.contacts

  contact_id = resourcedirectory_message_contact.this[each.key].id
  member_id  = var.directory_root_id
}

output "contact_ids" {
  description = "Contact IDs by key."
  value       = { for k, c in resourcedirectory_message_contact.this : k => c.id }
}

output "statuses" {
  description = "Verification status by key: Verifying until the recipient confirms, then Active."
  value       = { for k, c in resourcedirectory_message_contact.this : k => c.status }
}
