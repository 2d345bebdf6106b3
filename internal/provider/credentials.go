package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// credentialSettings selects the credentials, after environment fallbacks
// have been applied to the provider configuration.
type credentialSettings struct {
	accessKey     string
	secretKey     string
	securityToken string
	profile       string
	// keyOrigin says where accessKey came from, for error messages.
	keyOrigin             string
	sharedCredentialsFile string
	region                string
	assumeRole            *assumeRoleSettings
}

// assumeRoleSettings is the assume_role block (or its ALICLOUD_ASSUME_ROLE_*
// environment equivalent).
type assumeRoleSettings struct {
	roleARN           string
	sessionName       string
	sessionExpiration int
	externalID        string
	policy            string
}

// resolvedCredentials is a credentials provider for rdapi plus a description
// of where it comes from, for logs and error messages. It never holds a
// secret in source.
type resolvedCredentials struct {
	provider rdapi.CredentialsProvider
	source   string
}

// credentialEnv abstracts the environment so tests can drive resolution
// without touching the process environment.
type credentialEnv struct {
	getenv  func(string) string
	homeDir func() (string, error)
}

func osCredentialEnv() credentialEnv {
	return credentialEnv{getenv: os.Getenv, homeDir: os.UserHomeDir}
}

// first returns the first non-empty value among the named variables.
func (e credentialEnv) first(names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(e.getenv(n)); v != "" {
			return v
		}
	}
	return ""
}

// firstName returns the first of the named variables that is set.
func (e credentialEnv) firstName(names ...string) string {
	for _, n := range names {
		if strings.TrimSpace(e.getenv(n)) != "" {
			return n
		}
	}
	return ""
}

func (e credentialEnv) isTrue(name string) bool {
	return strings.EqualFold(strings.TrimSpace(e.getenv(name)), "true")
}

// resolveCredentials picks the credential source, in this order: explicit
// keys, an explicit profile or shared credentials file, then the standard
// default chain. An assume_role block is applied on top of whichever source
// is found. It performs no network call: sources that need the network (STS,
// OIDC, the ECS metadata service, a credentials URI) are only contacted when
// the API client asks for credentials.
func resolveCredentials(s credentialSettings, env credentialEnv) (resolvedCredentials, diag.Diagnostics) {
	var diags diag.Diagnostics
	var base resolvedCredentials

	switch {
	case s.accessKey != "" || s.secretKey != "":
		if s.accessKey == "" || s.secretKey == "" {
			missing, other := "access_key", "secret_key"
			if s.secretKey == "" {
				missing, other = "secret_key", "access_key"
			}
			diags.AddAttributeError(path.Root(missing), "Incomplete Access Key",
				fmt.Sprintf("%s is set (in the configuration or the environment) but %s is not. Set both, "+
					"or neither to use another credential source.", other, missing))
			return resolvedCredentials{}, diags
		}
		base.provider = rdapi.StaticCredentials(s.accessKey, s.secretKey, s.securityToken)
		base.source = "static access key"
		if s.securityToken != "" {
			base.source = "static STS token"
		}
		if s.keyOrigin != "" {
			base.source += " from " + s.keyOrigin
		}
		if s.assumeRole == nil {
			return base, diags
		}
		// Assume role needs a credentials-go provider as its source.
		var cp providers.CredentialsProvider
		var err error
		if s.securityToken != "" {
			cp, err = providers.NewStaticSTSCredentialsProviderBuilder().
				WithAccessKeyId(s.accessKey).WithAccessKeySecret(s.secretKey).WithSecurityToken(s.securityToken).Build()
		} else {
			cp, err = providers.NewStaticAKCredentialsProviderBuilder().
				WithAccessKeyId(s.accessKey).WithAccessKeySecret(s.secretKey).Build()
		}
		if err != nil {
			diags.AddError("Invalid Credentials", err.Error())
			return resolvedCredentials{}, diags
		}
		return assumeRole(s, cp, base.source, diags)

	case s.profile != "" || s.sharedCredentialsFile != "":
		cp, source, d := profileCredentials(s, env)
		diags.Append(d...)
		if diags.HasError() {
			return resolvedCredentials{}, diags
		}
		if s.assumeRole != nil {
			return assumeRole(s, cp, source, diags)
		}
		return fromCredentialsGo(cp, source), diags
	}

	cp, source, tried := defaultChain(s, env)
	if cp == nil {
		diags.AddError("Unable to Find Credentials", noCredentialsDetail(tried))
		return resolvedCredentials{}, diags
	}
	if s.assumeRole != nil {
		return assumeRole(s, cp, source, diags)
	}
	return fromCredentialsGo(cp, source), diags
}

func fromCredentialsGo(cp providers.CredentialsProvider, source string) resolvedCredentials {
	locked := &lockedProvider{inner: cp}
	return resolvedCredentials{
		provider: rdapi.CredentialsGo(credentials.FromCredentialsProvider(cp.GetProviderName(), locked)),
		source:   source,
	}
}

func assumeRole(s credentialSettings, source providers.CredentialsProvider, sourceName string, diags diag.Diagnostics) (resolvedCredentials, diag.Diagnostics) {
	ar := s.assumeRole
	b := providers.NewRAMRoleARNCredentialsProviderBuilder().
		WithCredentialsProvider(source).
		WithRoleArn(ar.roleARN).
		WithRoleSessionName(ar.sessionName).
		WithDurationSeconds(ar.sessionExpiration)
	if ar.externalID != "" {
		b = b.WithExternalId(ar.externalID)
	}
	if ar.policy != "" {
		b = b.WithPolicy(ar.policy)
	}
	if s.region != "" {
		b = b.WithStsRegionId(s.region)
	}
	cp, err := b.Build()
	if err != nil {
		diags.AddAttributeError(path.Root("assume_role"), "Invalid Assume Role Configuration", err.Error())
		return resolvedCredentials{}, diags
	}
	return fromCredentialsGo(cp, fmt.Sprintf("assume role %s from %s", ar.roleARN, sourceName)), diags
}

// cliConfig is the part of the Alibaba Cloud CLI config.json that the
// provider checks at configure time: which profiles exist.
type cliConfig struct {
	Current  string `json:"current"`
	Profiles []struct {
		Name string `json:"name"`
	} `json:"profiles"`
}

// notCLIConfigError reports a file that was read but does not decode as a
// CLI config.json: one in another format (such as the INI credentials file),
// or a damaged config.json. err is the JSON decoder's error, kept so that the
// diagnostic can say what is wrong with the file.
type notCLIConfigError struct {
	file string
	err  error
}

func (e *notCLIConfigError) Error() string {
	return fmt.Sprintf("%s is not an Alibaba Cloud CLI config.json file: %s", e.file, e.err)
}

func (e *notCLIConfigError) Unwrap() error { return e.err }

// readCLIConfig reads the profiles of the CLI config.json file. A file that
// is read but does not decode yields a *notCLIConfigError.
func readCLIConfig(file string) (cliConfig, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return cliConfig{}, err
	}
	var cfg cliConfig
	if err := json.Unmarshal(b, &cfg); err != nil {
		return cliConfig{}, &notCLIConfigError{file: file, err: err}
	}
	return cfg, nil
}

func (c cliConfig) has(name string) bool {
	for _, p := range c.Profiles {
		if p.Name == name {
			return true
		}
	}
	return false
}

func (c cliConfig) names() []string {
	out := make([]string, 0, len(c.Profiles))
	for _, p := range c.Profiles {
		out = append(out, p.Name)
	}
	return out
}

// profileCredentials resolves an explicit profile and/or shared credentials
// file. The file is the Alibaba Cloud CLI config.json (as with the alicloud
// provider); an INI credentials file (~/.alibabacloud/credentials format) is
// accepted when it comes from ALIBABA_CLOUD_CREDENTIALS_FILE, because that is
// the only way credentials-go reads one.
func profileCredentials(s credentialSettings, env credentialEnv) (providers.CredentialsProvider, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	file := s.sharedCredentialsFile
	fileAttr := path.Root("shared_credentials_file")
	if file == "" {
		file = env.first("ALIBABA_CLOUD_CONFIG_FILE")
		if file == "" {
			home, err := env.homeDir()
			if err != nil || home == "" {
				diags.AddAttributeError(path.Root("profile"), "Unable to Locate Profile",
					fmt.Sprintf("Profile %s cannot be read: the home directory is unknown, so ~/.aliyun/config.json "+
						"cannot be found. Set shared_credentials_file.", profileLabel(s.profile)))
				return nil, "", diags
			}
			file = filepath.Join(home, ".aliyun", "config.json")
		}
	}
	cfg, err := readCLIConfig(file)
	if notCLI, ok := errors.AsType[*notCLIConfigError](err); ok {
		if env.first("ALIBABA_CLOUD_CREDENTIALS_FILE") == file {
			b := providers.NewProfileCredentialsProviderBuilder()
			if s.profile != "" {
				b = b.WithProfileName(s.profile)
			}
			cp, err := b.Build()
			if err != nil {
				diags.AddAttributeError(fileAttr, "Invalid Shared Credentials File", err.Error())
				return nil, "", diags
			}
			return cp, fmt.Sprintf("credentials file %s", file), diags
		}
		diags.AddAttributeError(fileAttr, "Invalid Shared Credentials File",
			fmt.Sprintf("%s is not an Alibaba Cloud CLI config.json file (JSON with a \"profiles\" list): %s. "+
				"INI credentials files (~/.alibabacloud/credentials format) are read only through the "+
				"ALIBABA_CLOUD_CREDENTIALS_FILE environment variable.", file, notCLI.err))
		return nil, "", diags
	}
	if err != nil {
		diags.AddAttributeError(fileAttr, "Unable to Read Shared Credentials File",
			fmt.Sprintf("Reading profile %s from %s failed: %s. Create it with `aliyun configure`, or point "+
				"shared_credentials_file (ALIBABA_CLOUD_CREDENTIALS_FILE) at an existing Alibaba Cloud CLI config.json.",
				profileLabel(s.profile), file, err))
		return nil, "", diags
	}
	profile := s.profile
	if profile == "" {
		profile = cfg.Current
	}
	if !cfg.has(profile) {
		diags.AddAttributeError(path.Root("profile"), "Profile Not Found",
			fmt.Sprintf("Profile %q is not defined in %s. Profiles found: %s.", profile, file, strings.Join(cfg.names(), ", ")))
		return nil, "", diags
	}
	cp, err := providers.NewCLIProfileCredentialsProviderBuilder().WithProfileFile(file).WithProfileName(profile).Build()
	if err != nil {
		diags.AddAttributeError(path.Root("profile"), "Invalid Profile",
			fmt.Sprintf("Profile %q in %s cannot be used: %s", profile, file, err))
		return nil, "", diags
	}
	return cp, fmt.Sprintf("CLI profile %q in %s", profile, file), diags
}

// profileLabel names a profile in an error: quoted, or as the file's
// current profile when none was given.
func profileLabel(name string) string {
	if name == "" {
		return "(the file's current profile)"
	}
	return fmt.Sprintf("%q", name)
}

// defaultChain builds the standard credential chain from the sources that
// are present, without contacting any of them. It returns a nil provider and
// the list of what was tried when none is present.
//
// NOTE: unlike credentials-go's own default chain, the ECS RAM role is used
// only when its role name is given (ALIBABA_CLOUD_ECS_METADATA or
// ALICLOUD_ECS_ROLE_NAME): discovering it would need a call to the metadata
// service at configure time.
func defaultChain(s credentialSettings, env credentialEnv) (providers.CredentialsProvider, string, []string) {
	var (
		chain   []providers.CredentialsProvider
		sources []string
		tried   []string
	)
	add := func(cp providers.CredentialsProvider, err error, source string) {
		if err != nil {
			tried = append(tried, fmt.Sprintf("%s: %s", source, err))
			return
		}
		chain = append(chain, cp)
		sources = append(sources, source)
	}

	tried = append(tried, "provider arguments access_key/secret_key: not set",
		"environment variables ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET "+
			"(or ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY): not set")

	if env.first("ALIBABA_CLOUD_OIDC_PROVIDER_ARN") != "" && env.first("ALIBABA_CLOUD_OIDC_TOKEN_FILE") != "" &&
		env.first("ALIBABA_CLOUD_ROLE_ARN") != "" {
		b := providers.NewOIDCCredentialsProviderBuilder()
		if s.region != "" {
			b = b.WithStsRegionId(s.region)
		}
		cp, err := b.Build()
		add(cp, err, "OIDC role (ALIBABA_CLOUD_OIDC_*)")
	} else {
		tried = append(tried, "OIDC: ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE and "+
			"ALIBABA_CLOUD_ROLE_ARN are not all set")
	}

	home, homeErr := env.homeDir()
	inHome := func(parts ...string) string {
		if homeErr != nil || home == "" {
			return ""
		}
		return filepath.Join(append([]string{home}, parts...)...)
	}

	if env.isTrue("ALIBABA_CLOUD_CLI_PROFILE_DISABLED") {
		tried = append(tried, "CLI profile: disabled by ALIBABA_CLOUD_CLI_PROFILE_DISABLED")
	} else {
		file := env.first("ALIBABA_CLOUD_CONFIG_FILE")
		if file == "" {
			file = inHome(".aliyun", "config.json")
		}
		switch cfg, err := readCLIConfig(file); {
		case file == "":
			tried = append(tried, "CLI profile: home directory unknown")
		case errors.Is(err, fs.ErrNotExist):
			tried = append(tried, fmt.Sprintf("CLI profile: %s not found", file))
		case err != nil:
			tried = append(tried, fmt.Sprintf("CLI profile: %s", err))
		case !cfg.has(cfg.Current):
			tried = append(tried, fmt.Sprintf("CLI profile: %s has no usable current profile", file))
		default:
			cp, err := providers.NewCLIProfileCredentialsProviderBuilder().WithProfileFile(file).Build()
			add(cp, err, fmt.Sprintf("CLI profile %q in %s", cfg.Current, file))
		}
	}

	iniFile := env.first("ALIBABA_CLOUD_CREDENTIALS_FILE")
	if iniFile == "" {
		iniFile = inHome(".alibabacloud", "credentials")
	}
	if _, err := os.Stat(iniFile); iniFile != "" && err == nil {
		cp, err := providers.NewProfileCredentialsProviderBuilder().Build()
		add(cp, err, fmt.Sprintf("credentials file %s", iniFile))
	} else {
		tried = append(tried, fmt.Sprintf("credentials file: %s not found", orUnknown(iniFile)))
	}

	switch role := env.first("ALIBABA_CLOUD_ECS_METADATA", "ALICLOUD_ECS_ROLE_NAME"); {
	case env.isTrue("ALIBABA_CLOUD_ECS_METADATA_DISABLED"):
		tried = append(tried, "ECS RAM role: disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED")
	case role == "":
		tried = append(tried, "ECS RAM role: ALIBABA_CLOUD_ECS_METADATA (role name) not set")
	default:
		cp, err := providers.NewECSRAMRoleCredentialsProviderBuilder().WithRoleName(role).Build()
		add(cp, err, fmt.Sprintf("ECS RAM role %q", role))
	}

	if uri := env.first("ALIBABA_CLOUD_CREDENTIALS_URI", "ALICLOUD_CREDENTIALS_URI"); uri != "" {
		cp, err := providers.NewURLCredentialsProviderBuilder().WithUrl(uri).Build()
		add(cp, err, "credentials URI")
	} else {
		tried = append(tried, "credentials URI: ALIBABA_CLOUD_CREDENTIALS_URI not set")
	}

	switch len(chain) {
	case 0:
		return nil, "", tried
	case 1:
		return chain[0], sources[0], nil
	default:
		return &chainProvider{chain: chain, names: sources}, "default chain (" + strings.Join(sources, ", ") + ")", nil
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "(home directory unknown)"
	}
	return s
}

func noCredentialsDetail(tried []string) string {
	var b strings.Builder
	b.WriteString("No Alibaba Cloud credentials were found. The provider tried, in order:\n")
	for _, t := range tried {
		b.WriteString("  - ")
		b.WriteString(t)
		b.WriteString("\n")
	}
	b.WriteString("\nTo fix this, do one of the following:\n" +
		"  - set access_key and secret_key in the provider block, or export ALIBABA_CLOUD_ACCESS_KEY_ID and " +
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET (plus ALIBABA_CLOUD_SECURITY_TOKEN for STS credentials);\n" +
		"  - run `aliyun configure` and optionally select a profile with profile or ALIBABA_CLOUD_PROFILE;\n" +
		"  - on an ECS instance, export ALIBABA_CLOUD_ECS_METADATA with the instance's RAM role name;\n" +
		"  - in a Kubernetes pod with RRSA, export ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE " +
		"and ALIBABA_CLOUD_ROLE_ARN.")
	return b.String()
}

// lockedProvider serialises calls to a credentials-go provider: several of
// them cache refreshed credentials in unsynchronised fields, and the API
// client asks for credentials from many goroutines.
type lockedProvider struct {
	mu    sync.Mutex
	inner providers.CredentialsProvider
}

func (p *lockedProvider) GetCredentials() (*providers.Credentials, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inner.GetCredentials()
}

func (p *lockedProvider) GetProviderName() string { return p.inner.GetProviderName() }

// chainProvider tries each provider in order and sticks to the first one that
// works, like credentials-go's default chain, but reports every failure and
// is safe for concurrent use.
type chainProvider struct {
	mu    sync.Mutex
	chain []providers.CredentialsProvider
	names []string
	last  providers.CredentialsProvider
}

func (c *chainProvider) GetCredentials() (*providers.Credentials, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last != nil {
		return c.last.GetCredentials()
	}
	var errs []error
	for i, p := range c.chain {
		cc, err := p.GetCredentials()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.names[i], err))
			continue
		}
		c.last = p
		return cc, nil
	}
	return nil, fmt.Errorf("no credential source in the chain worked: %w", errors.Join(errs...))
}

func (c *chainProvider) GetProviderName() string { return "default" }

// credentialEnvVars lists every environment variable that influences
// credential resolution, here or inside credentials-go.
var credentialEnvVars = []string{
	"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
	"ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN",
	"ALIBABACLOUD_ACCESS_KEY_ID", "ALIBABACLOUD_ACCESS_KEY_SECRET", "ALIBABACLOUD_SECURITY_TOKEN",
	"ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE", "ALIBABA_CLOUD_CONFIG_FILE", "ALIBABA_CLOUD_CLI_PROFILE_DISABLED",
	"ALIBABA_CLOUD_CREDENTIALS_FILE", "ALICLOUD_SHARED_CREDENTIALS_FILE",
	"ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", "ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_ROLE_SESSION_NAME",
	"ALIBABA_CLOUD_ECS_METADATA", "ALICLOUD_ECS_ROLE_NAME", "ALIBABA_CLOUD_ECS_METADATA_DISABLED",
	"ALIBABA_CLOUD_CREDENTIALS_URI", "ALICLOUD_CREDENTIALS_URI",
	"ALICLOUD_ASSUME_ROLE_ARN", "ALICLOUD_ASSUME_ROLE_SESSION_NAME", "ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION",
}
