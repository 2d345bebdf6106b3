// Command terraform-provider-resourcedirectory is a Terraform and OpenTofu
// provider that manages Alibaba Cloud Resource Directory message contacts.
package main

import (
	"flag"
	"log"
	"os"

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
	} else {
		quietUnreadLogs(os.LookupEnv, os.Setenv)
	}
	err := tf6server.Serve("registry.terraform.io/rdcontact/resourcedirectory", provider.NewProtocol6(version), opts...)
	if err != nil {
		log.Fatal(err)
	}
}

// logEnvVars are the variables that make Terraform or OpenTofu keep a
// provider's logs (TF_LOG, TF_LOG_PROVIDER and its per-provider form), or
// that set the level of one of the provider's loggers.
var logEnvVars = []string{
	"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_RESOURCEDIRECTORY",
	"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK",
}

// quietLevels turn off the provider's loggers: the SDK root logger, its
// protocol and framework subsystems, and the provider's own.
var quietLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_RESOURCEDIRECTORY"}

// quietUnreadLogs turns the provider's logging off when nobody will read
// it. Without a level of its own, every logger of a plugin-framework
// provider writes at TRACE and leaves the filtering to the CLI, which
// discards the lines unless TF_LOG or TF_LOG_PROVIDER is set: formatting
// and piping them took a third of the provider's CPU in a refresh of 500
// contacts. The CLI passes its environment on, so any of logEnvVars set
// (TF_LOG=DEBUG, TF_LOG_PROVIDER=TRACE, …) leaves logging exactly as the
// framework sets it up.
func quietUnreadLogs(lookup func(string) (string, bool), set func(string, string) error) {
	for _, name := range logEnvVars {
		if v, ok := lookup(name); ok && v != "" {
			return
		}
	}
	for _, name := range quietLevels {
		_ = set(name, "OFF")
	}
}
