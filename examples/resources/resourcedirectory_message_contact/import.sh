# A message contact is imported by its ID.
terraform import resourcedirectory_message_contact.example c-qL4HqKONzOM7abcd
