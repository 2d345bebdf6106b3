# Adopt an existing message contact by its ID (Terraform 1.5+, OpenTofu 1.6+).
import {
  to = resourcedirectory_message_contact.example
  id = "c-qL4HqKONzOM7abcd"
}
