# The README's quick start: one contact, bound to the whole resource
# directory. Where to reach the API, and the keys, come from the environment.
terraform {
  required_providers {
    resourcedirectory = {
      source = "rdcontact/resourcedirectory"
    }
  }
}

provider "resourcedirectory" {}

resource "resourcedirectory_message_contact" "finance" {
  name          = "FinanceTeam"
  email_address = "finance@example.com"
  title         = "FinanceDirector"
  message_types = ["AccountExpenses", "ServiceMessage"]
}

resource "resourcedirectory_message_contact_binding" "finance_directory" {
  contact_id = resourcedirectory_message_contact.finance.id
  member_id  = "rd-k3Ux9d" # the emulator's directory; yours is in the console or `aliyun resourcemanager GetResourceDirectory`
}
