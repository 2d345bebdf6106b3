# The member set of a contact is imported by the contact's ID; the import
# reads every object the contact is bound to.
terraform import resourcedirectory_message_contact_members.security c-qL4HqKONzOM7abcd
