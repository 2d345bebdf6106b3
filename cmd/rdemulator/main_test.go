package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
)

func TestRun_servesSignedCallsUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-access-key-id", "test-id", "-access-key-secret", "test-secret"}, pw, io.Discard)
		_ = pw.Close()
	}()

	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading first line: %v", err)
	}
	base := strings.TrimSpace(line)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line = %q, want http://127.0.0.1:PORT", base)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	call := func(id, secret string) (map[string]any, error) {
		cl, err := openapi.NewClient(&openapi.Config{
			AccessKeyId: dara.String(id), AccessKeySecret: dara.String(secret),
			Endpoint: dara.String(strings.TrimPrefix(base, "http://")), Protocol: dara.String("HTTP"),
		})
		if err != nil {
			t.Fatal(err)
		}
		return cl.CallApi(&openapiutil.Params{
			Action: dara.String("ListMessageContacts"), Version: dara.String("2022-04-19"),
			Protocol: dara.String("HTTP"), Pathname: dara.String("/"), Method: dara.String("POST"),
			AuthType: dara.String("AK"), Style: dara.String("RPC"), ReqBodyType: dara.String("formData"),
			BodyType: dara.String("json"),
		}, &openapiutil.OpenApiRequest{Query: map[string]*string{}}, &dara.RuntimeOptions{})
	}
	out, err := call("test-id", "test-secret")
	if err != nil {
		t.Fatalf("signed call: %v", err)
	}
	if body, _ := out["body"].(map[string]any); body["RequestId"] == nil {
		t.Fatalf("reply has no RequestId: %v", out)
	}
	// The default pair is replaced by the one given on the command line.
	_, err = call("emulator-access-key-id", "emulator-access-key-secret")
	var se *tea.SDKError
	if !errors.As(err, &se) || tea.StringValue(se.Code) != "InvalidAccessKeyId.NotFound" {
		t.Fatalf("default key: err = %v, want InvalidAccessKeyId.NotFound", err)
	}

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

func TestRun_rejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-read-mode", "latest"},
		{"-lock-scope", "global"},
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
