package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

func TestProvider_invalidConfig(t *testing.T) {
	t.Parallel()
	c := newContact("test")
	withProvider := func(lines string) string {
		return fmt.Sprintf("provider \"resourcedirectory\" {\n  access_key = \"a\"\n  secret_key = \"b\"\n%s\n}\n%s", lines, c)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config:      withProvider(`  site = "mars"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)site is "mars", which is not a site the API accepts\.\s+It\s+must\s+be\s+one\s+of:\s+china,\s+international`),
			},
			{
				Config:      withProvider("  assume_role {\n    role_arn = \"acs:ram::1:role/r\"\n    session_expiration = 600\n  }"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`session_expiration\s+value\s+must\s+be\s+between\s+900\s+and\s+43200,\s+got:\s+600`),
			},
			{
				Config:      withProvider("  assume_role {\n    role_arn = \"acs:ram::1:role/r\"\n    session_expiration = 50000\n  }"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`session_expiration\s+value\s+must\s+be\s+between\s+900\s+and\s+43200,\s+got:\s+50000`),
			},
			{
				Config:      withProvider(`  max_retries = -1`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`max_retries\s+value\s+must\s+be\s+between\s+0\s+and\s+100`),
			},
			{
				Config:      withProvider(`  endpoint = "http://resourcedirectory.example.com"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Endpoint.*resourcedirectory.example.com`),
			},
		},
	})
}

// TestProvider_endpointFromEnvironment (issue 21): an endpoint that came
// from ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER is reported as the
// variable's, not as an error of the provider block's endpoint argument.
func TestProvider_endpointFromEnvironment(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER", "127.0.0.1:8787")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config:   "provider \"resourcedirectory\" {\n  access_key = \"a\"\n  secret_key = \"b\"\n}\n" + newContact("test").String(),
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Invalid Endpoint.*The environment variable\s+ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER\s+sets\s+the\s+endpoint.*` +
				`"http://127.0.0.1:8787".*Fix\s+the\s+variable`),
		}},
	})
}

func TestProvider_incompleteAccessKey(t *testing.T) {
	clearCredentialEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config:      "provider \"resourcedirectory\" {\n  access_key = \"a\"\n}\n" + newContact("test").String(),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Incomplete Access Key.*secret_key`),
		}},
	})
}

func TestProvider_noCredentialsFound(t *testing.T) {
	clearCredentialEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config:   "provider \"resourcedirectory\" {}\n" + newContact("test").String(),
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Unable to Find Credentials.*ALIBABA_CLOUD_ACCESS_KEY_ID.*OIDC.*` +
				`CLI profile.*credentials file.*ECS RAM role.*credentials URI.*To fix this`),
		}},
	})
}

func TestProvider_unknownConfigValue(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	c := newContact("test")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "terraform_data" "endpoint" {
  input = %q
}

provider "resourcedirectory" {
  endpoint   = terraform_data.endpoint.output
  access_key = %q
  secret_key = %q
}
%s`, env.endpoint, env.accessKey, env.secretKey, c),
			ExpectError: regexp.MustCompile(`(?s)Unknown Provider Configuration Value.*endpoint is unknown`),
		}},
	})
}

func TestProvider_profileCredentials(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator("writes the emulator's keys into a CLI profile")
	clearCredentialEnv(t)
	file := filepath.Join(t.TempDir(), "config.json")
	profiles := fmt.Sprintf(`{
  "current": "default",
  "profiles": [
    {"name": "default", "mode": "AK", "access_key_id": "wrong", "access_key_secret": "wrong"},
    {"name": "emulator", "mode": "AK", "access_key_id": %q, "access_key_secret": %q}
  ]
}`, env.accessKey, env.secretKey)
	if err := os.WriteFile(file, []byte(profiles), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newContact("test")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"resourcedirectory\" {\n  endpoint = %q\n  profile = \"emulator\"\n  shared_credentials_file = %q\n}\n%s",
				env.endpoint, file, c),
			ConfigStateChecks: contactChecks(c),
		}},
	})
}

func TestProvider_stsCredentials(t *testing.T) {
	t.Parallel()
	const id, secret, token = "sts-key-id", "sts-key-secret", "sts-security-token"
	env := newTestEnv(t, emulator.WithSTSCredential(id, secret, token))
	env.requireEmulator("issues an STS credential")
	c := newContact("test")
	provider := func(tok string) string {
		return fmt.Sprintf("provider \"resourcedirectory\" {\n  endpoint = %q\n  access_key = %q\n  secret_key = %q\n  security_token = %q\n}\n",
			env.endpoint, id, secret, tok)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: provider("not-the-token") + c.String(), ExpectError: regexp.MustCompile(`InvalidSecurityToken`)},
			{Config: provider(token) + c.String(), ConfigStateChecks: contactChecks(c)},
		},
	})
}

func TestLogAPIEventLevels(t *testing.T) {
	tests := []struct {
		name      string
		ev        rdapi.LogEvent
		wantLevel string
	}{
		{"success", rdapi.LogEvent{Action: "GetMessageContact", Attempt: 1, StatusCode: 200, RequestID: "R1"}, "debug"},
		{"throttled, retrying", rdapi.LogEvent{Action: "AddMessageContact", Attempt: 1, StatusCode: 400,
			Code: "Throttling.User", Retrying: true, Wait: time.Second}, "warn"},
		{"concurrent call", rdapi.LogEvent{Action: "DeleteMessageContact", Attempt: 2, StatusCode: 429,
			Code: rdapi.CodeConcurrentCall}, "warn"},
		{"server error, retrying", rdapi.LogEvent{Action: "GetMessageContact", Attempt: 1, StatusCode: 500,
			Code: "InternalError", Retrying: true}, "debug"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			logAPIEvent(tflogtest.RootLogger(context.Background(), &buf), tt.ev)
			entries, err := tflogtest.MultilineJSONDecode(&buf)
			if err != nil || len(entries) != 1 {
				t.Fatalf("log entries: %v, %v", entries, err)
			}
			e := entries[0]
			if e["@level"] != tt.wantLevel {
				t.Errorf("level = %v, want %s", e["@level"], tt.wantLevel)
			}
			if e["action"] != tt.ev.Action || e["attempt"] != float64(tt.ev.Attempt) {
				t.Errorf("entry lacks action/attempt: %v", e)
			}
			if tt.ev.Code != "" && e["error_code"] != tt.ev.Code {
				t.Errorf("error_code = %v, want %s", e["error_code"], tt.ev.Code)
			}
		})
	}
}

func TestProvider_maxRetriesZeroDisablesRetries(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator("injects throttling")
	c := newContact("test")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			PreConfig:   func() { env.emulated().FailNext("AddMessageContact", "Throttling.User", 1) },
			Config:      env.providerHCL("max_retries = 0") + c.String(),
			ExpectError: regexp.MustCompile(`Throttling.User`),
		}, {
			Config: env.providerHCL("max_retries = 0") + c.String(),
			Check: func(*terraform.State) error {
				if got := env.emulated().Stats().Calls["AddMessageContact"]; got != 2 {
					return fmt.Errorf("AddMessageContact calls: got %d, want 2 (no retry of the throttled one)", got)
				}
				return nil
			},
		}},
	})
}
