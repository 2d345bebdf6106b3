package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
)

// started is one run of the command.
type started struct {
	base string // http://127.0.0.1:PORT
	stop func() // cancels the run and waits for it to return nil
}

// start runs the command with args and waits for its first line.
func start(t *testing.T, args ...string) started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-listen", "127.0.0.1:0"}, args...), pw, io.Discard)
		_ = pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("reading first line: %v (run returned %v)", err, <-done)
	}
	base := strings.TrimSpace(line)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line = %q, want http://127.0.0.1:PORT", base)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	stopped := false
	stop := func() {
		t.Helper()
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run returned %v after cancel", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("run did not return after cancel")
		}
	}
	t.Cleanup(stop)
	return started{base: base, stop: stop}
}

// call makes one signed API call with the official SDK.
func call(t *testing.T, base, id, secret, action string, query map[string]string) (map[string]any, error) {
	t.Helper()
	cl, err := openapi.NewClient(&openapi.Config{
		AccessKeyId: dara.String(id), AccessKeySecret: dara.String(secret),
		Endpoint: dara.String(strings.TrimPrefix(base, "http://")), Protocol: dara.String("HTTP"),
	})
	if err != nil {
		t.Fatal(err)
	}
	q := map[string]*string{}
	for k, v := range query {
		q[k] = dara.String(v)
	}
	out, err := cl.CallApi(&openapiutil.Params{
		Action: dara.String(action), Version: dara.String("2022-04-19"),
		Protocol: dara.String("HTTP"), Pathname: dara.String("/"), Method: dara.String("POST"),
		AuthType: dara.String("AK"), Style: dara.String("RPC"), ReqBodyType: dara.String("formData"),
		BodyType: dara.String("json"),
	}, &openapiutil.OpenApiRequest{Query: q}, &dara.RuntimeOptions{})
	if err != nil {
		return nil, err
	}
	body, _ := out["body"].(map[string]any)
	return body, nil
}

const (
	defaultID     = "emulator-access-key-id"
	defaultSecret = "emulator-access-key-secret"
)

func TestRun_servesSignedCallsUntilCancelled(t *testing.T) {
	emu := start(t, "-access-key-id", "test-id", "-access-key-secret", "test-secret")
	body, err := call(t, emu.base, "test-id", "test-secret", "ListMessageContacts", nil)
	if err != nil {
		t.Fatalf("signed call: %v", err)
	}
	if body["RequestId"] == nil {
		t.Fatalf("reply has no RequestId: %v", body)
	}
	// The default pair is replaced by the one given on the command line.
	_, err = call(t, emu.base, defaultID, defaultSecret, "ListMessageContacts", nil)
	var se *tea.SDKError
	if !errors.As(err, &se) || tea.StringValue(se.Code) != "InvalidAccessKeyId.NotFound" {
		t.Fatalf("default key: err = %v, want InvalidAccessKeyId.NotFound", err)
	}
	emu.stop()
}

func TestRun_stateFileSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := start(t, "-state-file", path)
	added, err := call(t, first.base, defaultID, defaultSecret, "AddMessageContact", map[string]string{
		"Name": "tom", "EmailAddress": "tom@example.com", "Title": "TechnicalDirector", "MessageTypes.1": "AccountExpenses",
	})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := added["Contact"].(map[string]any)["ContactId"].(string)
	if _, err := call(t, first.base, defaultID, defaultSecret, "AssociateMembers", map[string]string{
		"ContactId": id, "Members.1": "fd-Prod4Nz7Qa",
	}); err != nil {
		t.Fatal(err)
	}
	first.stop()

	second := start(t, "-state-file", path)
	got, err := call(t, second.base, defaultID, defaultSecret, "GetMessageContact", map[string]string{"ContactId": id})
	if err != nil {
		t.Fatalf("the contact created before the restart: %v", err)
	}
	c, _ := got["Contact"].(map[string]any)
	if c["Name"] != "tom" || c["EmailAddress"] != "tom@example.com" || c["Status"] != "Verifying" ||
		len(c["Members"].([]any)) != 1 || c["Members"].([]any)[0] != "fd-Prod4Nz7Qa" {
		t.Errorf("after the restart: %v", c)
	}
	// The name is still taken, and a new contact gets another ID.
	if _, err := call(t, second.base, defaultID, defaultSecret, "AddMessageContact", map[string]string{
		"Name": "tom", "EmailAddress": "t@example.com", "Title": "CEO", "MessageTypes.1": "AccountExpenses",
	}); err == nil || !strings.Contains(err.Error(), "Name.AlreadyUsed") {
		t.Errorf("adding tom again: err = %v, want InvalidParameter.Name.AlreadyUsed", err)
	}
	other, err := call(t, second.base, defaultID, defaultSecret, "AddMessageContact", map[string]string{
		"Name": "ann", "EmailAddress": "ann@example.com", "Title": "CEO", "MessageTypes.1": "AccountExpenses",
	})
	if err != nil {
		t.Fatal(err)
	}
	if otherID := other["Contact"].(map[string]any)["ContactId"]; otherID == id {
		t.Errorf("the new contact reuses ID %s", id)
	}
	second.stop()

	// No temporary file is left beside it; a corrupt file stops the start.
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil || len(entries) != 1 {
		t.Errorf("files beside the state file: %v (%v)", entries, err)
	}
	if err := os.WriteFile(path, []byte(`{"format": 1, "contacts": [{"contact_id": "nope"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	err = run(context.Background(), []string{"-listen", "127.0.0.1:0", "-state-file", path}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "remove it to start empty") {
		t.Errorf("corrupt state file: err = %v, want one naming the file and the fix", err)
	}
}

func TestRun_rejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-read-mode", "latest"},
		{"-lock-scope", "global"},
		{"-message-types-order", "random"},
		{"-access-key-id", "only-id"},
		{"-server-error-rate", "2"},
		{"-latency", "-1s"},
		{"-rate-limit", "many"},
		{"-directory", "/nonexistent/dir.json"},
		{"extra"},
	} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q) succeeded, want an error", args)
		}
	}
}

func TestRun_exampleDirectory(t *testing.T) {
	emu := start(t, "-directory", "../../examples/emulator/directory.json")
	added, err := call(t, emu.base, defaultID, defaultSecret, "AddMessageContact", map[string]string{
		"Name": "tom", "EmailAddress": "tom@example.com", "Title": "TechnicalDirector", "MessageTypes.1": "AccountExpenses",
	})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := added["Contact"].(map[string]any)["ContactId"].(string)
	bind := func(member string) error {
		_, err := call(t, emu.base, defaultID, defaultSecret, "AssociateMembers", map[string]string{"ContactId": id, "Members.1": member})
		return err
	}
	for _, member := range []string{"rd-Acme1", "fd-PlatformDb1", "1700000000000004"} {
		if err := bind(member); err != nil {
			t.Errorf("binding %s of the example directory: %v", member, err)
		}
	}
	if err := bind("fd-Prod4Nz7Qa"); err == nil || !strings.Contains(err.Error(), "InvalidMember") {
		t.Errorf("binding a folder of the default directory: err = %v, want InvalidMember", err)
	}
}
