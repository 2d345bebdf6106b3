# A contact that receives billing, fault and security messages. The email
# address and phone number stay pending (status "Verifying") until their
# recipient follows the verification the provider asks the API to send.
resource "resourcedirectory_message_contact" "example" {
  name          = "Ops"
  email_address = "ops@example.com"
  phone_number  = "86-13800138000"
  title         = "TechnicalDirector"
  message_types = ["AccountExpenses", "FaultMessage", "SecurityMessage"]
}

output "contact_status" {
  value = resourcedirectory_message_contact.example.status
}
