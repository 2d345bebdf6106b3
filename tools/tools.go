//go:build tools

// Package tools pins the development tools that the GNUmakefile builds into
// .tools/: golangci-lint (make lint), tfplugindocs (make docs, make
// docs-check) and GoReleaser (make release-snapshot). Each is built from the
// Go module proxy at the versions recorded in this module's go.mod, and the
// GNUmakefile caches the binaries keyed by this module's go.sum.
package tools

import (
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
	_ "github.com/goreleaser/goreleaser/v2"
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
