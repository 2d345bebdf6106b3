// Package credenvtest isolates tests from the credentials of the machine
// they run on: the variables that Alibaba Cloud credential chains read, and
// the home directory's files.
package credenvtest

import (
	"os"
	"strings"
	"testing"
)

// Clear empties, for the duration of t, every environment variable of the
// Alibaba Cloud credential chains (ALIBABA_CLOUD_*, ALICLOUD_*,
// ALIBABACLOUD_*; credentials-go reads the process environment itself) and
// points HOME at an empty directory.
func Clear(t testing.TB) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "ALIBABA_CLOUD_") || strings.HasPrefix(k, "ALICLOUD_") || strings.HasPrefix(k, "ALIBABACLOUD_") {
			t.Setenv(k, "")
		}
	}
	t.Setenv("HOME", t.TempDir())
}
