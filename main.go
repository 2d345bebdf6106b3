// Command terraform-provider-resourcedirectory is a Terraform and OpenTofu
// provider that manages Alibaba Cloud Resource Directory message contacts.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/provider"
)

// version is set at release time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/rdcontact/resourcedirectory", provider.NewProtocol6(version), opts...)
	if err != nil {
		log.Fatal(err)
	}
}
