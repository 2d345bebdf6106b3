// Command terraform-provider-resourcedirectory is a Terraform and OpenTofu
// provider that manages Alibaba Cloud Resource Directory message contacts.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/provider"
)

// version is set at release time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/rdcontact/resourcedirectory",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
