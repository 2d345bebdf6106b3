package rdapi

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/credenvtest"
)

func TestResolveCredentials(t *testing.T) {
	home := t.TempDir()
	emptyHome := t.TempDir()
	cliFile := writeFile(t, filepath.Join(home, ".aliyun", "config.json"), cliConfigJSON)
	iniFile := writeFile(t, filepath.Join(t.TempDir(), "credentials"),
		"[default]\ntype = access_key\naccess_key_id = id-ini\naccess_key_secret = secret-ini\n")
	damagedHome := t.TempDir()
	damagedFile := writeFile(t, filepath.Join(damagedHome, ".aliyun", "config.json"), `{"current": "main", "profiles": [}`)
	wrongShapeFile := writeFile(t, filepath.Join(t.TempDir(), "config.json"), `{"current": "main", "profiles": {"name": "main"}}`)

	tests := []struct {
		name       string
		settings   CredentialSettings
		home       string
		vars       map[string]string
		wantSource string // substring of the source
		wantKeyID  string // checked when non-empty and no network is needed
		wantError  string // substring of the error
		wantArg    string // the setting the error names, checked with wantError
	}{
		{
			name:       "static keys",
			settings:   CredentialSettings{AccessKey: "ak", SecretKey: "sk"},
			home:       emptyHome,
			wantSource: "static access key",
			wantKeyID:  "ak",
		},
		{
			name:       "static STS token",
			settings:   CredentialSettings{AccessKey: "ak", SecretKey: "sk", SecurityToken: "tok"},
			home:       emptyHome,
			wantSource: "static STS token",
			wantKeyID:  "ak",
		},
		{
			name:      "access key without secret",
			settings:  CredentialSettings{AccessKey: "ak"},
			home:      emptyHome,
			wantError: "secret_key",
			wantArg:   "secret_key",
		},
		{
			name:       "explicit profile in explicit file",
			settings:   CredentialSettings{Profile: "other", SharedCredentialsFile: cliFile},
			home:       emptyHome,
			wantSource: `CLI profile "other"`,
			wantKeyID:  "id-other",
		},
		{
			name:       "explicit profile in the default CLI file",
			settings:   CredentialSettings{Profile: "main"},
			home:       home,
			wantSource: `CLI profile "main"`,
			wantKeyID:  "id-main",
		},
		{
			name:      "unknown profile lists the profiles",
			settings:  CredentialSettings{Profile: "nope", SharedCredentialsFile: cliFile},
			home:      emptyHome,
			wantError: "Profiles found: main, other",
			wantArg:   "profile",
		},
		{
			name:      "missing shared credentials file",
			settings:  CredentialSettings{SharedCredentialsFile: filepath.Join(emptyHome, "missing.json")},
			home:      emptyHome,
			wantError: "Unable to Read Shared Credentials File",
			wantArg:   "shared_credentials_file",
		},
		{
			name:      "INI file through the attribute is refused",
			settings:  CredentialSettings{SharedCredentialsFile: iniFile},
			home:      emptyHome,
			wantError: "is not an Alibaba Cloud CLI config.json",
			wantArg:   "shared_credentials_file",
		},
		{
			name:      "damaged config.json reports the decode error",
			settings:  CredentialSettings{SharedCredentialsFile: damagedFile},
			home:      emptyHome,
			wantError: `(JSON with a "profiles" list): invalid character '}'`,
			wantArg:   "shared_credentials_file",
		},
		{
			name:      "config.json of the wrong shape reports the decode error",
			settings:  CredentialSettings{SharedCredentialsFile: wrongShapeFile},
			home:      emptyHome,
			wantError: "cannot unmarshal object",
			wantArg:   "shared_credentials_file",
		},
		{
			name:      "default chain reports a damaged config.json",
			home:      damagedHome,
			vars:      map[string]string{"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"},
			wantError: "CLI profile: " + damagedFile + " is not an Alibaba Cloud CLI config.json file: invalid character '}'",
		},
		{
			name:       "INI file through ALIBABA_CLOUD_CREDENTIALS_FILE",
			settings:   CredentialSettings{SharedCredentialsFile: iniFile},
			home:       emptyHome,
			vars:       map[string]string{"ALIBABA_CLOUD_CREDENTIALS_FILE": iniFile},
			wantSource: "credentials file " + iniFile,
		},
		{
			name:       "default chain finds the CLI profile",
			home:       home,
			wantSource: `CLI profile "main"`,
			wantKeyID:  "id-main",
		},
		{
			name:       "CLI profile disabled falls through to the ECS role",
			home:       home,
			vars:       map[string]string{"ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "true", "ALIBABA_CLOUD_ECS_METADATA": "my-role"},
			wantSource: `ECS RAM role "my-role"`,
		},
		{
			name: "OIDC and credentials URI chain",
			home: emptyHome,
			vars: map[string]string{
				"ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1:oidc-provider/p", "ALIBABA_CLOUD_OIDC_TOKEN_FILE": "/tmp/token",
				"ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1:role/r", "ALIBABA_CLOUD_CREDENTIALS_URI": "http://127.0.0.1:1/creds",
			},
			wantSource: "default chain (OIDC role (ALIBABA_CLOUD_OIDC_*), credentials URI)",
		},
		{
			name:       "assume role on top of static keys",
			settings:   CredentialSettings{AccessKey: "ak", SecretKey: "sk", AssumeRole: &AssumeRole{RoleARN: "acs:ram::1:role/r", SessionName: "s", SessionExpiration: 900}},
			home:       emptyHome,
			wantSource: "assume role acs:ram::1:role/r from static access key",
		},
		{
			name:      "nothing found lists what was tried",
			home:      emptyHome,
			vars:      map[string]string{"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"},
			wantError: "Unable to Find Credentials",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// credentials-go's builders read the process environment too.
			credenvtest.Clear(t)
			for k, v := range tt.vars {
				t.Setenv(k, v)
			}
			got, err := ResolveCredentials(tt.settings, fakeEnv(tt.home, tt.vars))
			if tt.wantError != "" {
				ce, ok := errors.AsType[*CredentialError](err)
				if !ok || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("error %v does not contain %q", err, tt.wantError)
				}
				if ce.Setting != tt.wantArg {
					t.Errorf("error names setting %q, want %q", ce.Setting, tt.wantArg)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !strings.Contains(got.Source, tt.wantSource) {
				t.Errorf("source = %q, want it to contain %q", got.Source, tt.wantSource)
			}
			if tt.wantKeyID != "" {
				c, err := got.Provider.Credential(context.Background())
				if err != nil {
					t.Fatalf("Credential: %v", err)
				}
				if c.AccessKeyID != tt.wantKeyID {
					t.Errorf("access key ID = %q, want %q", c.AccessKeyID, tt.wantKeyID)
				}
			}
		})
	}
}

func TestNoCredentialsDetailListsEverySource(t *testing.T) {
	home := t.TempDir()
	credenvtest.Clear(t)
	_, err := ResolveCredentials(CredentialSettings{}, fakeEnv(home, nil))
	if ce, ok := errors.AsType[*CredentialError](err); !ok || ce.Title != "Unable to Find Credentials" || ce.Setting != "" {
		t.Fatalf("error = %#v, want a CredentialError titled Unable to Find Credentials, on no setting", err)
	}
	text := err.Error()
	for _, want := range []string{
		"access_key/secret_key", "ALIBABA_CLOUD_ACCESS_KEY_ID", "OIDC", "CLI profile: " + filepath.Join(home, ".aliyun", "config.json"),
		"credentials file: " + filepath.Join(home, ".alibabacloud", "credentials"), "ECS RAM role", "credentials URI",
		"To fix this",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("detail lacks %q:\n%s", want, text)
		}
	}
}

func TestChainProviderSticksToTheFirstWorkingSource(t *testing.T) {
	broken := &stubProvider{err: errors.New("no file")}
	working := &stubProvider{cc: &providers.Credentials{AccessKeyId: "id"}}
	never := &stubProvider{cc: &providers.Credentials{AccessKeyId: "other"}}
	c := &chainProvider{chain: []providers.CredentialsProvider{broken, working, never}, names: []string{"a", "b", "c"}}
	for range 2 {
		cc, err := c.GetCredentials()
		if err != nil || cc.AccessKeyId != "id" {
			t.Fatalf("GetCredentials = %v, %v", cc, err)
		}
	}
	if broken.calls != 1 || working.calls != 2 || never.calls != 0 {
		t.Errorf("calls: broken %d, working %d, never %d; want 1, 2, 0", broken.calls, working.calls, never.calls)
	}

	allBroken := &chainProvider{
		chain: []providers.CredentialsProvider{&stubProvider{err: errors.New("first")}, &stubProvider{err: errors.New("second")}},
		names: []string{"one", "two"},
	}
	_, err := allBroken.GetCredentials()
	if err == nil || !strings.Contains(err.Error(), "one: first") || !strings.Contains(err.Error(), "two: second") {
		t.Errorf("error = %v, want both failures", err)
	}
}

// fakeEnv is an Environment over a map and a home directory.
func fakeEnv(home string, vars map[string]string) Environment {
	return Environment{
		Getenv:  func(k string) string { return vars[k] },
		HomeDir: func() (string, error) { return home, nil },
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

const cliConfigJSON = `{
  "current": "main",
  "profiles": [
    {"name": "main", "mode": "AK", "access_key_id": "id-main", "access_key_secret": "secret-main"},
    {"name": "other", "mode": "AK", "access_key_id": "id-other", "access_key_secret": "secret-other"}
  ]
}`

// stubProvider is a credentials-go provider with a fixed answer.
type stubProvider struct {
	cc    *providers.Credentials
	err   error
	calls int
}

func (s *stubProvider) GetCredentials() (*providers.Credentials, error) {
	s.calls++
	return s.cc, s.err
}

func (s *stubProvider) GetProviderName() string { return "stub" }
