//go:build tools

// Package tofu pins the older OpenTofu CLI of the CI matrix (the newest is
// pinned in tools/tofu). `make test TOFU_MODULE=tools/tofu-1.11` builds it
// from source through the Go module proxy and runs the suite on it.
package tofu

import _ "github.com/opentofu/opentofu/cmd/tofu"
