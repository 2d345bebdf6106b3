data "resourcedirectory_directory" "this" {}

# Every member account but the management account, every message type.
data "resourcedirectory_message_coverage" "all" {
  exclude_account_ids = [data.resourcedirectory_directory.this.management_account_id]
}

# Warn on every plan and apply, listing each account and message type that no
# verified contact receives.
check "message_coverage" {
  assert {
    condition     = data.resourcedirectory_message_coverage.all.covered
    error_message = "Accounts without a verified contact:\n${join("\n", data.resourcedirectory_message_coverage.all.gap_messages)}"
  }
}

# Fail the plan (for CI that must block) when an account in Production, at
# any depth, has no verified contact for faults or security notices.
data "resourcedirectory_message_coverage" "production" {
  folder_id     = data.resourcedirectory_directory.this.folders["Production"].id
  message_types = ["FaultMessage", "SecurityMessage"]

  lifecycle {
    postcondition {
      condition     = self.covered
      error_message = "Production accounts without a verified contact:\n${join("\n", self.gap_messages)}"
    }
  }
}
