//go:build tools

// Package tofu pins the OpenTofu CLI that the acceptance tests run against.
// It is built from source through the Go module proxy by the GNUmakefile's
// tofu target, because no release download is reachable from CI.
package tofu

import _ "github.com/opentofu/opentofu/cmd/tofu"
