# Tests of the contacts module against the Resource Directory API emulator,
# with `tofu test` or `terraform test` in the module's folder. The provider
# reaches the emulator through the environment only, as in the README's
# "Testing your own modules offline": ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER,
# ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET.
# The runs share one state and are destroyed at the end of the file.

variables {
  # The root of the emulator's built-in directory.
  directory_root_id = "rd-k3Ux9d"

  contacts = {
    security = {
      name          = "LinWei"
      email_address = "lin.wei@example.com"
      title         = "TechnicalDirector"
      message_types = ["FaultMessage", "SecurityMessage"]
    }
    finance = {
      name          = "ZhangMin"
      email_address = "zhang.min@example.com"
      title         = "FinanceDirector"
      message_types = ["AccountExpenses"]
    }
  }
}

run "requires_a_security_contact" {
  command = plan

  variables {
    contacts = {
      finance = {
        name          = "ZhangMin"
        email_address = "zhang.min@example.com"
        title         = "FinanceDirector"
        message_types = ["AccountExpenses"]
      }
    }
  }

  expect_failures = [var.contacts]
}

run "creates_contacts_awaiting_verification" {
  assert {
    condition     = alltrue([for id in values(output.contact_ids) : can(regex("^c-[A-Za-z0-9]{16}$", id))])
    error_message = "Contact IDs must look like c- and 16 letters or digits, got ${jsonencode(output.contact_ids)}."
  }

  assert {
    condition     = output.statuses == { security = "Verifying", finance = "Verifying" }
    error_message = "New contacts must await verification, got ${jsonencode(output.statuses)}."
  }

  assert {
    condition     = resourcedirectory_message_contact.this["security"].pending_email_address == "lin.wei@example.com"
    error_message = "The security lead's address must be pending verification."
  }

  assert {
    condition     = resourcedirectory_message_contact_binding.root["finance"].member_id == "rd-k3Ux9d"
    error_message = "Every contact must be bound to the directory root."
  }
}

# A replacement would leave the contact's ID unknown until apply, and an
# assertion on an unknown value fails: this plan passes only for an in-place
# update, which keeps the contact and its verification state.
run "plans_a_title_change_in_place" {
  command = plan

  variables {
    contacts = {
      security = {
        name          = "LinWei"
        email_address = "lin.wei@example.com"
        title         = "TechnicalDirector"
        message_types = ["FaultMessage", "SecurityMessage"]
      }
      finance = {
        name          = "ZhangMin"
        email_address = "zhang.min@example.com"
        title         = "Other"
        message_types = ["AccountExpenses"]
      }
    }
  }

  assert {
    condition     = can(regex("^c-", resourcedirectory_message_contact.this["finance"].id))
    error_message = "Changing a title must update the contact in place, keeping its ID."
  }
}

run "changes_a_title" {
  variables {
    contacts = {
      security = {
        name          = "LinWei"
        email_address = "lin.wei@example.com"
        title         = "TechnicalDirector"
        message_types = ["FaultMessage", "SecurityMessage"]
      }
      finance = {
        name          = "ZhangMin"
        email_address = "zhang.min@example.com"
        title         = "Other"
        message_types = ["AccountExpenses"]
      }
    }
  }

  assert {
    condition     = resourcedirectory_message_contact.this["finance"].title == "Other"
    error_message = "The new title must be applied."
  }

  assert {
    condition     = output.statuses.finance == "Verifying"
    error_message = "A title change must not touch the pending verification, got ${output.statuses.finance}."
  }
}
