//go:build tools

// Package actionlint pins actionlint, the linter `make lint` runs on
// .github/workflows/. The GNUmakefile builds it from the Go module proxy
// into .tools/, keyed by this module's go.sum.
package actionlint

import _ "github.com/rhysd/actionlint/cmd/actionlint"
