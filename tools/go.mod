module github.com/rdcontact/terraform-provider-resourcedirectory/tools

go 1.26
