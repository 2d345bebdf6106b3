//go:build unix

package harness

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWorkspace_environment runs a stand-in CLI that prints its
// environment: the user's cloud credentials and CLI settings stay out, and
// the workspace's own are in.
func TestWorkspace_environment(t *testing.T) {
	for k, v := range map[string]string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID": "user-key", "ALICLOUD_PROFILE": "p", "ALIBABACLOUD_ACCESS_KEY_ID": "y",
		"RESOURCEDIRECTORYMASTER_ENDPOINT": "z", "TF_CLI_CONFIG_FILE": "/etc/rc", "TF_DATA_DIR": "/d", "TF_LOG": "debug",
		"TF_LOG_PATH": "/l", "TF_PLUGIN_CACHE_DIR": "/cache", "HOME": "/home/user",
	} {
		t.Setenv(k, v)
	}
	cli := filepath.Join(t.TempDir(), "terraform")
	if err := os.WriteFile(cli, []byte("#!/bin/sh\nenv\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := NewCLI(cli)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ws, err := NewWorkspace(WorkspaceConfig{CLI: c, Dir: dir, CLIConfig: "cli.tfrc", Endpoint: "http://127.0.0.1:1234",
		Env: map[string]string{"RESOURCEDIRECTORY_BATCH_READS": "false"}})
	if err != nil {
		t.Fatal(err)
	}
	cmd, err := ws.Start()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.Wait()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for line := range strings.Lines(out) {
		if name, _, _ := strings.Cut(line, "="); name != "PATH" && name != "PWD" && name != "SHLVL" && name != "_" {
			got = append(got, strings.TrimSpace(line))
		}
	}
	slices.Sort(got)
	rc, _ := filepath.Abs("cli.tfrc")
	want := []string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID=emulator-access-key-id",
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator-access-key-secret",
		"ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER=http://127.0.0.1:1234",
		"CHECKPOINT_DISABLE=1",
		"HOME=" + filepath.Join(dir, ".home"),
		"RESOURCEDIRECTORY_BATCH_READS=false",
		"TF_CLI_CONFIG_FILE=" + rc,
		"TF_IN_AUTOMATION=1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the CLI's environment (-want +got):\n%s", diff)
	}
}
