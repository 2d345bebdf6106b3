data "resourcedirectory_directory" "this" {}

# Folders are keyed by their path of names: "Production", "Production/Databases".
output "production_folder_id" {
  value = data.resourcedirectory_directory.this.folders["Production"].id
}

# The directory's own ID (rd-…) binds a contact to every member account; the
# root folder (r-…) is only the parent of the top-level folders and accounts.
output "directory_id" {
  value = data.resourcedirectory_directory.this.id
}

output "accounts_in_production" {
  value = [
    for a in data.resourcedirectory_directory.this.accounts : a.name
    if a.folder_path == "Production" || startswith(a.folder_path, "Production/")
  ]
}
