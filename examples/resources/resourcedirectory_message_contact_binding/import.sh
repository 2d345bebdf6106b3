# A binding is imported by "<contact_id>:<member_id>", where member_id is the
# resource directory root (rd-…), a folder (fd-…) or a 16-digit account ID.
terraform import resourcedirectory_message_contact_binding.production c-qL4HqKONzOM7abcd:fd-Prod4Nz7Qa
