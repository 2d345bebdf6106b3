# Adopt an existing binding ("<contact_id>:<member_id>") with an import block.
import {
  to = resourcedirectory_message_contact_binding.production
  id = "c-qL4HqKONzOM7abcd:fd-Prod4Nz7Qa"
}

resource "resourcedirectory_message_contact_binding" "production" {
  contact_id = "c-qL4HqKONzOM7abcd"
  member_id  = "fd-Prod4Nz7Qa"
}
