terraform {
  required_providers {
    resourcedirectory = {
      source = "rdcontact/resourcedirectory"
    }
  }
}

# Credentials come from the environment (ALIBABA_CLOUD_ACCESS_KEY_ID and
# ALIBABA_CLOUD_ACCESS_KEY_SECRET), an Alibaba Cloud CLI profile, or the rest of
# the default chain; never write them in configuration.
provider "resourcedirectory" {
  # "international" for accounts of the International site (alibabacloud.com).
  site = "china"
}
