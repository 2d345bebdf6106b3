# Adopt an existing message contact by its resource identity (Terraform 1.12+,
# OpenTofu 1.12+).
import {
  to = resourcedirectory_message_contact.example
  identity = {
    id = "c-qL4HqKONzOM7abcd"
  }
}
