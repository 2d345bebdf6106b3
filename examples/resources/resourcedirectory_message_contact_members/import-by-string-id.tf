# Take over all bindings of an existing contact with an import block.
import {
  to = resourcedirectory_message_contact_members.security
  id = "c-qL4HqKONzOM7abcd"
}

resource "resourcedirectory_message_contact_members" "security" {
  contact_id = "c-qL4HqKONzOM7abcd"
  member_ids = ["fd-Prod4Nz7Qa", "fd-Sec6Tr1Hy"]
}
