package rdapi

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
)

// The credential chain: which source a client's credentials come from.
// ResolveCredentials makes no network call; sources that need the network
// (STS, OIDC, the ECS metadata service, a credentials URI) are contacted
// only when the client asks for credentials, before an attempt.

// CredentialSettings selects the credentials, after the caller has applied
// its environment fallbacks (the provider's arguments and their variables).
type CredentialSettings struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
	// KeyOrigin says where AccessKey came from, for error messages.
	KeyOrigin             string
	Profile               string
	SharedCredentialsFile string
	Region                string
	AssumeRole            *AssumeRole
}

// AssumeRole is a RAM role to assume (STS AssumeRole) with the credentials
// found otherwise.
type AssumeRole struct {
	RoleARN           string
	SessionName       string
	SessionExpiration int // seconds
	ExternalID        string
	Policy            string
}

// ResolvedCredentials is a credentials provider plus a description of where
// it comes from (Options.CredentialSource), for logs and error messages.
type ResolvedCredentials struct {
	Provider CredentialsProvider
	Source   string
}

// CredentialError is a credential configuration that cannot be used.
// Setting names the configuration argument at fault (access_key,
// secret_key, profile, shared_credentials_file, assume_role), or is empty
// when no single one is; Title is a short title-case summary.
type CredentialError struct {
	Setting string
	Title   string
	Detail  string
}

func (e *CredentialError) Error() string { return e.Title + ": " + e.Detail }

// Environment is where credential resolution reads environment variables
// and the home directory; tests replace it.
type Environment struct {
	Getenv  func(string) string
	HomeDir func() (string, error)
}

// OSEnvironment is the process's environment.
func OSEnvironment() Environment {
	return Environment{Getenv: os.Getenv, HomeDir: os.UserHomeDir}
}

// First returns the first non-empty value among the named variables.
func (e Environment) First(names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(e.Getenv(n)); v != "" {
			return v
		}
	}
	return ""
}

// FirstName returns the first of the named variables that is set.
func (e Environment) FirstName(names ...string) string {
	for _, n := range names {
		if strings.TrimSpace(e.Getenv(n)) != "" {
			return n
		}
	}
	return ""
}

func (e Environment) isTrue(name string) bool {
	return strings.EqualFold(strings.TrimSpace(e.Getenv(name)), "true")
}

// ResolveCredentials picks the credential source, in this order: explicit
// keys, an explicit profile or shared credentials file, then the standard
// default chain. An assume role is applied on top of whichever source is
// found. A configuration that cannot be used is a *CredentialError.
func ResolveCredentials(s CredentialSettings, env Environment) (ResolvedCredentials, error) {
	switch {
	case s.AccessKey != "" || s.SecretKey != "":
		if s.AccessKey == "" || s.SecretKey == "" {
			missing, other := "access_key", "secret_key"
			if s.SecretKey == "" {
				missing, other = "secret_key", "access_key"
			}
			return ResolvedCredentials{}, &CredentialError{Setting: missing, Title: "Incomplete Access Key",
				Detail: fmt.Sprintf("%s is set (in the configuration or the environment) but %s is not. Set both, "+
					"or neither to use another credential source.", other, missing)}
		}
		base := ResolvedCredentials{Provider: StaticCredentials(s.AccessKey, s.SecretKey, s.SecurityToken), Source: "static access key"}
		if s.SecurityToken != "" {
			base.Source = "static STS token"
		}
		if s.KeyOrigin != "" {
			base.Source += " from " + s.KeyOrigin
		}
		if s.AssumeRole == nil {
			return base, nil
		}
		// Assume role needs a credentials-go provider as its source.
		var cp providers.CredentialsProvider
		var err error
		if s.SecurityToken != "" {
			cp, err = providers.NewStaticSTSCredentialsProviderBuilder().
				WithAccessKeyId(s.AccessKey).WithAccessKeySecret(s.SecretKey).WithSecurityToken(s.SecurityToken).Build()
		} else {
			cp, err = providers.NewStaticAKCredentialsProviderBuilder().
				WithAccessKeyId(s.AccessKey).WithAccessKeySecret(s.SecretKey).Build()
		}
		if err != nil {
			return ResolvedCredentials{}, &CredentialError{Title: "Invalid Credentials", Detail: err.Error()}
		}
		return assumeRole(s, cp, base.Source)

	case s.Profile != "" || s.SharedCredentialsFile != "":
		cp, source, err := profileCredentials(s, env)
		if err != nil {
			return ResolvedCredentials{}, err
		}
		if s.AssumeRole != nil {
			return assumeRole(s, cp, source)
		}
		return fromCredentialsGo(cp, source), nil
	}

	cp, source, tried := defaultChain(s, env)
	if cp == nil {
		return ResolvedCredentials{}, &CredentialError{Title: "Unable to Find Credentials", Detail: noCredentialsDetail(tried)}
	}
	if s.AssumeRole != nil {
		return assumeRole(s, cp, source)
	}
	return fromCredentialsGo(cp, source), nil
}

func fromCredentialsGo(cp providers.CredentialsProvider, source string) ResolvedCredentials {
	locked := &lockedProvider{inner: cp}
	return ResolvedCredentials{
		Provider: CredentialsGo(credentials.FromCredentialsProvider(cp.GetProviderName(), locked)),
		Source:   source,
	}
}

func assumeRole(s CredentialSettings, source providers.CredentialsProvider, sourceName string) (ResolvedCredentials, error) {
	ar := s.AssumeRole
	b := providers.NewRAMRoleARNCredentialsProviderBuilder().
		WithCredentialsProvider(source).
		WithRoleArn(ar.RoleARN).
		WithRoleSessionName(ar.SessionName).
		WithDurationSeconds(ar.SessionExpiration)
	if ar.ExternalID != "" {
		b = b.WithExternalId(ar.ExternalID)
	}
	if ar.Policy != "" {
		b = b.WithPolicy(ar.Policy)
	}
	if s.Region != "" {
		b = b.WithStsRegionId(s.Region)
	}
	cp, err := b.Build()
	if err != nil {
		return ResolvedCredentials{}, &CredentialError{Setting: "assume_role", Title: "Invalid Assume Role Configuration", Detail: err.Error()}
	}
	return fromCredentialsGo(cp, fmt.Sprintf("assume role %s from %s", ar.RoleARN, sourceName)), nil
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
func profileCredentials(s CredentialSettings, env Environment) (providers.CredentialsProvider, string, error) {
	file := s.SharedCredentialsFile
	const fileSetting = "shared_credentials_file"
	if file == "" {
		file = env.First("ALIBABA_CLOUD_CONFIG_FILE")
		if file == "" {
			home, err := env.HomeDir()
			if err != nil || home == "" {
				return nil, "", &CredentialError{Setting: "profile", Title: "Unable to Locate Profile",
					Detail: fmt.Sprintf("Profile %s cannot be read: the home directory is unknown, so ~/.aliyun/config.json "+
						"cannot be found. Set shared_credentials_file.", profileLabel(s.Profile))}
			}
			file = filepath.Join(home, ".aliyun", "config.json")
		}
	}
	cfg, err := readCLIConfig(file)
	if notCLI, ok := errors.AsType[*notCLIConfigError](err); ok {
		if env.First("ALIBABA_CLOUD_CREDENTIALS_FILE") == file {
			b := providers.NewProfileCredentialsProviderBuilder()
			if s.Profile != "" {
				b = b.WithProfileName(s.Profile)
			}
			cp, err := b.Build()
			if err != nil {
				return nil, "", &CredentialError{Setting: fileSetting, Title: "Invalid Shared Credentials File", Detail: err.Error()}
			}
			return cp, fmt.Sprintf("credentials file %s", file), nil
		}
		return nil, "", &CredentialError{Setting: fileSetting, Title: "Invalid Shared Credentials File",
			Detail: fmt.Sprintf("%s is not an Alibaba Cloud CLI config.json file (JSON with a \"profiles\" list): %s. "+
				"INI credentials files (~/.alibabacloud/credentials format) are read only through the "+
				"ALIBABA_CLOUD_CREDENTIALS_FILE environment variable.", file, notCLI.err)}
	}
	if err != nil {
		return nil, "", &CredentialError{Setting: fileSetting, Title: "Unable to Read Shared Credentials File",
			Detail: fmt.Sprintf("Reading profile %s from %s failed: %s. Create it with `aliyun configure`, or point "+
				"shared_credentials_file (ALIBABA_CLOUD_CREDENTIALS_FILE) at an existing Alibaba Cloud CLI config.json.",
				profileLabel(s.Profile), file, err)}
	}
	profile := s.Profile
	if profile == "" {
		profile = cfg.Current
	}
	if !cfg.has(profile) {
		return nil, "", &CredentialError{Setting: "profile", Title: "Profile Not Found",
			Detail: fmt.Sprintf("Profile %q is not defined in %s. Profiles found: %s.", profile, file, strings.Join(cfg.names(), ", "))}
	}
	cp, err := providers.NewCLIProfileCredentialsProviderBuilder().WithProfileFile(file).WithProfileName(profile).Build()
	if err != nil {
		return nil, "", &CredentialError{Setting: "profile", Title: "Invalid Profile",
			Detail: fmt.Sprintf("Profile %q in %s cannot be used: %s", profile, file, err)}
	}
	return cp, fmt.Sprintf("CLI profile %q in %s", profile, file), nil
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
func defaultChain(s CredentialSettings, env Environment) (providers.CredentialsProvider, string, []string) {
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

	if env.First("ALIBABA_CLOUD_OIDC_PROVIDER_ARN") != "" && env.First("ALIBABA_CLOUD_OIDC_TOKEN_FILE") != "" &&
		env.First("ALIBABA_CLOUD_ROLE_ARN") != "" {
		b := providers.NewOIDCCredentialsProviderBuilder()
		if s.Region != "" {
			b = b.WithStsRegionId(s.Region)
		}
		cp, err := b.Build()
		add(cp, err, "OIDC role (ALIBABA_CLOUD_OIDC_*)")
	} else {
		tried = append(tried, "OIDC: ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE and "+
			"ALIBABA_CLOUD_ROLE_ARN are not all set")
	}

	home, homeErr := env.HomeDir()
	inHome := func(parts ...string) string {
		if homeErr != nil || home == "" {
			return ""
		}
		return filepath.Join(append([]string{home}, parts...)...)
	}

	if env.isTrue("ALIBABA_CLOUD_CLI_PROFILE_DISABLED") {
		tried = append(tried, "CLI profile: disabled by ALIBABA_CLOUD_CLI_PROFILE_DISABLED")
	} else {
		file := env.First("ALIBABA_CLOUD_CONFIG_FILE")
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

	iniFile := env.First("ALIBABA_CLOUD_CREDENTIALS_FILE")
	if iniFile == "" {
		iniFile = inHome(".alibabacloud", "credentials")
	}
	if _, err := os.Stat(iniFile); iniFile != "" && err == nil {
		cp, err := providers.NewProfileCredentialsProviderBuilder().Build()
		add(cp, err, fmt.Sprintf("credentials file %s", iniFile))
	} else {
		tried = append(tried, fmt.Sprintf("credentials file: %s not found", orUnknown(iniFile)))
	}

	switch role := env.First("ALIBABA_CLOUD_ECS_METADATA", "ALICLOUD_ECS_ROLE_NAME"); {
	case env.isTrue("ALIBABA_CLOUD_ECS_METADATA_DISABLED"):
		tried = append(tried, "ECS RAM role: disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED")
	case role == "":
		tried = append(tried, "ECS RAM role: ALIBABA_CLOUD_ECS_METADATA (role name) not set")
	default:
		cp, err := providers.NewECSRAMRoleCredentialsProviderBuilder().WithRoleName(role).Build()
		add(cp, err, fmt.Sprintf("ECS RAM role %q", role))
	}

	if uri := env.First("ALIBABA_CLOUD_CREDENTIALS_URI", "ALICLOUD_CREDENTIALS_URI"); uri != "" {
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
