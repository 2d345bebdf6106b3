// Command terraform-provider-alicloud is a stand-in for the alicloud
// provider (aliyun/alicloud) in tests: a protocol-5 plugin serving the
// recorded schema of alicloud_resource_manager_message_contact and nothing
// else (package incumbent). It holds state for a migration test's moved
// blocks and never talks to an API.
package main

import (
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5/tf5server"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/incumbent"
)

func main() {
	if err := tf5server.Serve(incumbent.ProviderAddress, incumbent.NewStandIn); err != nil {
		log.Fatal(err)
	}
}
