// Package provider implements the resourcedirectory Terraform provider: its
// configuration, the message contact resource, the binding resource and the
// data sources.
package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

var (
	_ provider.Provider                  = (*resourceDirectoryProvider)(nil)
	_ provider.ProviderWithListResources = (*resourceDirectoryProvider)(nil)
	_ provider.ProviderWithActions       = (*resourceDirectoryProvider)(nil)
)

// resourceDirectoryProvider is the resourcedirectory provider.
type resourceDirectoryProvider struct {
	version string
	// env is the process environment; tests replace it.
	env rdapi.Environment
}

// providerTypeName is the provider's type name, the prefix of its
// resources' type names.
const providerTypeName = "resourcedirectory"

// contactType is the type name of the message contact resource.
const contactType = providerTypeName + "_message_contact"

// newProvider returns the provider, reporting version (set at release time)
// to Terraform and in the API client's User-Agent.
func newProvider(version string) *resourceDirectoryProvider {
	return &resourceDirectoryProvider{version: version, env: rdapi.OSEnvironment()}
}

// providerModel maps the provider schema.
type providerModel struct {
	AccessKey             types.String      `tfsdk:"access_key"`
	SecretKey             types.String      `tfsdk:"secret_key"`
	SecurityToken         types.String      `tfsdk:"security_token"`
	Profile               types.String      `tfsdk:"profile"`
	SharedCredentialsFile types.String      `tfsdk:"shared_credentials_file"`
	AssumeRole            []assumeRoleModel `tfsdk:"assume_role"`
	Site                  types.String      `tfsdk:"site"`
	Endpoint              types.String      `tfsdk:"endpoint"`
	Region                types.String      `tfsdk:"region"`
	MaxRetries            types.Int64       `tfsdk:"max_retries"`
	RequestTimeout        types.String      `tfsdk:"request_timeout"`
	BatchReads            types.Bool        `tfsdk:"batch_reads"`
}

// assumeRoleModel maps the assume_role block.
type assumeRoleModel struct {
	RoleARN           types.String `tfsdk:"role_arn"`
	SessionName       types.String `tfsdk:"session_name"`
	SessionExpiration types.Int64  `tfsdk:"session_expiration"`
	ExternalID        types.String `tfsdk:"external_id"`
	Policy            types.String `tfsdk:"policy"`
}

const (
	defaultSessionName       = "terraform"
	defaultSessionExpiration = 3600
)

func (p *resourceDirectoryProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = providerTypeName
	resp.Version = p.version
}

func (p *resourceDirectoryProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Alibaba Cloud Resource Directory message contacts (API `ResourceDirectoryMaster` " +
			"2022-04-19). Call it with the management account of the resource directory, or a RAM identity " +
			"allowed the `resourcemanager:*MessageContact*` actions.\n\n" +
			"Credentials are looked up in this order: `access_key`/`secret_key` (or their environment variables), " +
			"`profile`/`shared_credentials_file`, then the default chain (OIDC, the Alibaba Cloud CLI profile, the " +
			"credentials file, the ECS RAM role named by `ALIBABA_CLOUD_ECS_METADATA`, a credentials URI). " +
			"`assume_role` applies on top of whichever source is found. Configuring the provider makes no network " +
			"call; calls are retried on throttling, `ConcurrentCallNotSupported` and server errors with " +
			"exponential backoff, within each operation's timeout.",
		Attributes: map[string]schema.Attribute{
			"access_key": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "AccessKey ID. Falls back to `ALIBABA_CLOUD_ACCESS_KEY_ID`, then the legacy " +
					"`ALICLOUD_ACCESS_KEY`. Must be set together with `secret_key`.",
			},
			"secret_key": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "AccessKey secret. Falls back to `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, then the legacy " +
					"`ALICLOUD_SECRET_KEY`.",
			},
			"security_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "STS security token, for temporary credentials given with `access_key` and " +
					"`secret_key`. Falls back to `ALIBABA_CLOUD_SECURITY_TOKEN`, then `ALICLOUD_SECURITY_TOKEN`.",
			},
			"profile": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Profile of the Alibaba Cloud CLI configuration (`~/.aliyun/config.json`, or " +
					"`shared_credentials_file`) to take credentials from. All CLI modes are supported (AK, StsToken, " +
					"RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn, CloudSSO, OAuth, External). Falls back to " +
					"`ALIBABA_CLOUD_PROFILE`, then `ALICLOUD_PROFILE`; defaults to the file's current profile.",
			},
			"shared_credentials_file": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Path of an Alibaba Cloud CLI `config.json` to read `profile` from. Falls back to " +
					"`ALIBABA_CLOUD_CREDENTIALS_FILE` (which may also name an INI credentials file in the " +
					"`~/.alibabacloud/credentials` format), then `ALICLOUD_SHARED_CREDENTIALS_FILE`.",
			},
			"site": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Alibaba Cloud site of the account: `china` (default; endpoint " +
					"`resourcedirectory.aliyuncs.com`) or `international` (endpoint " +
					"`resourcedirectory-intl.aliyuncs.com`). Ignored when `endpoint` is set.",
				Validators: []validator.String{siteValidator},
			},
			"endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Endpoint of the ResourceDirectoryMaster API, as a URL (`https://host`) or a bare " +
					"host; plain `http://` is accepted only for loopback hosts (for example a local emulator). " +
					"Falls back to `ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER`, then the legacy " +
					"`RESOURCEDIRECTORYMASTER_ENDPOINT`; defaults to the endpoint of `site`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"region": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Region ID, for example `cn-hangzhou`. The Resource Directory API has one " +
					"endpoint per site, so this only selects the STS endpoint used by `assume_role` and OIDC. " +
					"Falls back to `ALIBABA_CLOUD_REGION`, then `ALICLOUD_REGION`.",
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Maximum number of retries of one API call after throttling " +
					"(`Throttling*`), `ConcurrentCallNotSupported`, `ServiceUnavailable`, 5xx replies or network " +
					"errors; `0` disables retries. Defaults to 8. Retries also stop at the operation's timeout.",
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
			"request_timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Time allowed for one HTTP attempt of an API call (connecting, sending and " +
					"receiving the whole reply), as a duration such as `30s`. Defaults to `30s`. An attempt that " +
					"takes longer is abandoned and retried like a network error; the operation's timeout still " +
					"bounds all attempts together.",
				Validators: []validator.String{positiveDuration{}},
			},
			"batch_reads": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Whether to serve the reads of one operation (plan, apply, refresh) from a snapshot " +
					"of the whole directory instead of one call per resource: the snapshot is built from " +
					"`ListMessageContacts` pages of 100 (plus `ListMessageContactVerifications` pages when some contact " +
					"awaits verification), so refreshing 500 contacts costs about 5 calls instead of 500 and leaves the " +
					"account's `GetMessageContact` quota to other tools. A snapshot serves one operation and is at most " +
					"5 minutes old; whatever the provider writes or creates is read fresh, imports share one snapshot started at the first import; a contact missing from the snapshot is " +
					"confirmed with `GetMessageContact` before it is removed from state. Defaults to `true`; falls back " +
					"to `" + batchReadsEnvVar + "` (`true` or `false`). Turn it off when the configuration manages a few " +
					"contacts of a directory that holds many more (one page of 100 then costs more than the few reads it " +
					"saves), or when the credentials may call `GetMessageContact` but not `ListMessageContacts` (a " +
					"refused listing also makes the provider fall back to one call per resource by itself).",
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.ListNestedBlock{
				MarkdownDescription: "Assume a RAM role (STS `AssumeRole`) with the credentials found otherwise. " +
					"The role ARN falls back to `ALICLOUD_ASSUME_ROLE_ARN` when this block is absent.",
				Validators: []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"role_arn": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "ARN of the RAM role, for example `acs:ram::123456789012****:role/terraform`.",
							Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
						},
						"session_name": schema.StringAttribute{
							Optional: true,
							MarkdownDescription: "Role session name. Falls back to `ALICLOUD_ASSUME_ROLE_SESSION_NAME`; " +
								"defaults to `terraform`.",
						},
						"session_expiration": schema.Int64Attribute{
							Optional: true,
							MarkdownDescription: "Session duration in seconds, 900 to 43200 (and at most the role's " +
								"maximum session duration). Falls back to `ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION`; " +
								"defaults to 3600.",
							Validators: []validator.Int64{int64validator.Between(900, 43200)},
						},
						"external_id": schema.StringAttribute{
							Optional:            true,
							MarkdownDescription: "External ID required by the role's trust policy, if any.",
						},
						"policy": schema.StringAttribute{
							Optional:            true,
							MarkdownDescription: "JSON policy that further restricts the assumed role's permissions.",
						},
					},
				},
			},
		},
	}
}

func (p *resourceDirectoryProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rejectUnknown(&cfg, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	env := p.env
	pick := func(v types.String, names ...string) string {
		if s := v.ValueString(); s != "" {
			return s
		}
		return env.First(names...)
	}
	settings := rdapi.CredentialSettings{
		AccessKey:             pick(cfg.AccessKey, "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY", "ALIBABACLOUD_ACCESS_KEY_ID"),
		SecretKey:             pick(cfg.SecretKey, "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY", "ALIBABACLOUD_ACCESS_KEY_SECRET"),
		SecurityToken:         pick(cfg.SecurityToken, "ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN", "ALIBABACLOUD_SECURITY_TOKEN"),
		Profile:               pick(cfg.Profile, "ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"),
		SharedCredentialsFile: pick(cfg.SharedCredentialsFile, "ALIBABA_CLOUD_CREDENTIALS_FILE", "ALICLOUD_SHARED_CREDENTIALS_FILE"),
		Region:                pick(cfg.Region, "ALIBABA_CLOUD_REGION", "ALICLOUD_REGION"),
	}
	if cfg.AccessKey.ValueString() != "" {
		settings.KeyOrigin = "the access_key and secret_key provider arguments"
	} else if n := env.FirstName("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY", "ALIBABACLOUD_ACCESS_KEY_ID"); n != "" {
		settings.KeyOrigin = "the environment variable " + n
	}
	settings.AssumeRole = assumeRoleFrom(cfg.AssumeRole, env, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	creds, err := rdapi.ResolveCredentials(settings, env)
	if err != nil {
		addCredentialError(&resp.Diagnostics, err)
		return
	}

	endpointVars := []string{"ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER", "RESOURCEDIRECTORYMASTER_ENDPOINT"}
	endpoint := pick(cfg.Endpoint, endpointVars...)
	site := rdapi.SiteChina
	if !cfg.Site.IsNull() {
		site = rdapi.Site(cfg.Site.ValueString())
	}
	maxRetries := 0 // rdapi default
	if !cfg.MaxRetries.IsNull() {
		maxRetries = int(cfg.MaxRetries.ValueInt64())
		if maxRetries == 0 {
			maxRetries = -1 // rdapi: negative disables retries
		}
	}

	var requestTimeout time.Duration // rdapi default
	if !cfg.RequestTimeout.IsNull() {
		requestTimeout, _ = time.ParseDuration(cfg.RequestTimeout.ValueString()) // validated at plan time
	}

	batch := true
	switch v := env.First(batchReadsEnvVar); {
	case !cfg.BatchReads.IsNull():
		batch = cfg.BatchReads.ValueBool()
	case v != "":
		b, err := strconv.ParseBool(v)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("batch_reads"), "Invalid Environment Variable",
				fmt.Sprintf("%s must be true or false, got %q.", batchReadsEnvVar, v))
			return
		}
		batch = b
	}

	client, err := rdapi.New(rdapi.Options{
		Endpoint:         endpoint,
		Site:             site,
		Credentials:      creds.Provider,
		MaxRetries:       maxRetries,
		HTTPTimeout:      requestTimeout,
		CredentialSource: creds.Source,
		UserAgent:        userAgent(p.version, req.TerraformVersion),
		Logger:           logAPIEvent,
		BatchReads:       batch,
	})
	if err != nil {
		if cfg.Endpoint.ValueString() == "" {
			// The endpoint came from the environment: the provider block
			// has nothing to fix.
			for _, name := range endpointVars {
				if env.First(name) != "" {
					resp.Diagnostics.AddError("Invalid Endpoint",
						fmt.Sprintf("The environment variable %s sets the endpoint, and it cannot be used: %s\n\nFix the "+
							"variable, or unset it to use the endpoint of the site.", name, err))
					return
				}
			}
		}
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid Endpoint",
			fmt.Sprintf("Unable to create the Resource Directory API client: %s", err))
		return
	}
	tflog.Info(ctx, "configured Resource Directory provider", map[string]any{
		"endpoint":          endpoint,
		"site":              string(site),
		"region":            settings.Region,
		"credential_source": creds.Source,
	})

	pd := &providerData{client: client}
	resp.ResourceData = pd
	resp.DataSourceData = pd
	resp.ListResourceData = pd
	resp.ActionData = pd
}

func userAgent(version, terraformVersion string) string {
	ua := "terraform-provider-resourcedirectory/" + version
	if terraformVersion != "" {
		ua += " terraform/" + terraformVersion
	}
	return ua
}

// assumeRoleFrom returns the assume-role settings from the block, or from
// ALICLOUD_ASSUME_ROLE_* when the block is absent, or nil.
func assumeRoleFrom(blocks []assumeRoleModel, env rdapi.Environment, diags *diag.Diagnostics) *rdapi.AssumeRole {
	ar := rdapi.AssumeRole{
		RoleARN:     env.First("ALICLOUD_ASSUME_ROLE_ARN"),
		SessionName: env.First("ALICLOUD_ASSUME_ROLE_SESSION_NAME"),
	}
	if v := env.First("ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 900 || n > 43200 {
			diags.AddAttributeError(path.Root("assume_role"), "Invalid Session Expiration",
				fmt.Sprintf("ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION must be a number of seconds between 900 and 43200, got %q.", v))
			return nil
		}
		ar.SessionExpiration = n
	}
	if len(blocks) == 1 {
		b := blocks[0]
		ar.RoleARN = b.RoleARN.ValueString()
		if s := b.SessionName.ValueString(); s != "" {
			ar.SessionName = s
		}
		if !b.SessionExpiration.IsNull() {
			ar.SessionExpiration = int(b.SessionExpiration.ValueInt64())
		}
		ar.ExternalID = b.ExternalID.ValueString()
		ar.Policy = b.Policy.ValueString()
	}
	if strings.TrimSpace(ar.RoleARN) == "" {
		return nil
	}
	if ar.SessionName == "" {
		ar.SessionName = defaultSessionName
	}
	if ar.SessionExpiration == 0 {
		ar.SessionExpiration = defaultSessionExpiration
	}
	return &ar
}

// rejectUnknown adds an attribute error for every configuration value that
// is unknown at configure time: credentials and endpoints must be known
// before any resource can be planned.
func rejectUnknown(cfg *providerModel, diags *diag.Diagnostics) {
	unknown := func(name string, known bool) {
		if !known {
			diags.AddAttributeError(path.Root(name), "Unknown Provider Configuration Value",
				fmt.Sprintf("The provider cannot be configured because %s is unknown at plan time. Set it to a "+
					"value known before apply (a literal, a variable or a data source), or set it through its "+
					"environment variable.", name))
		}
	}
	unknown("access_key", !cfg.AccessKey.IsUnknown())
	unknown("secret_key", !cfg.SecretKey.IsUnknown())
	unknown("security_token", !cfg.SecurityToken.IsUnknown())
	unknown("profile", !cfg.Profile.IsUnknown())
	unknown("shared_credentials_file", !cfg.SharedCredentialsFile.IsUnknown())
	unknown("site", !cfg.Site.IsUnknown())
	unknown("endpoint", !cfg.Endpoint.IsUnknown())
	unknown("region", !cfg.Region.IsUnknown())
	unknown("max_retries", !cfg.MaxRetries.IsUnknown())
	unknown("request_timeout", !cfg.RequestTimeout.IsUnknown())
	unknown("batch_reads", !cfg.BatchReads.IsUnknown())
	for i, b := range cfg.AssumeRole {
		for _, a := range []struct {
			name  string
			known bool
		}{
			{"role_arn", !b.RoleARN.IsUnknown()},
			{"session_name", !b.SessionName.IsUnknown()},
			{"session_expiration", !b.SessionExpiration.IsUnknown()},
			{"external_id", !b.ExternalID.IsUnknown()},
			{"policy", !b.Policy.IsUnknown()},
		} {
			if !a.known {
				diags.AddAttributeError(path.Root("assume_role").AtListIndex(i).AtName(a.name),
					"Unknown Provider Configuration Value",
					fmt.Sprintf("The provider cannot be configured because assume_role.%s is unknown at plan time.", a.name))
			}
		}
	}
}

// logAPIEvent routes the API client's per-attempt events to tflog: Debug for
// every attempt, Warn when the API throttles or rejects a concurrent call.
func logAPIEvent(ctx context.Context, ev rdapi.LogEvent) {
	fields := map[string]any{
		"action":      ev.Action,
		"attempt":     ev.Attempt,
		"duration_ms": ev.Duration.Milliseconds(),
	}
	if ev.StatusCode != 0 {
		fields["http_status"] = ev.StatusCode
	}
	if ev.Code != "" {
		fields["error_code"] = ev.Code
	}
	if ev.Message != "" {
		fields["error_message"] = ev.Message
	}
	if ev.RequestID != "" {
		fields["request_id"] = ev.RequestID
	}
	if ev.Err != nil {
		fields["error"] = ev.Err.Error()
	}
	if ev.Retrying {
		fields["retry_in_ms"] = ev.Wait.Milliseconds()
	}
	switch {
	case ev.Throttled() && ev.Retrying:
		tflog.Warn(ctx, "Resource Directory API throttled the call; retrying", fields)
	case ev.Throttled():
		tflog.Warn(ctx, "Resource Directory API throttled the call", fields)
	case ev.Retrying:
		tflog.Debug(ctx, "Resource Directory API call failed; retrying", fields)
	default:
		tflog.Debug(ctx, "Resource Directory API call", fields)
	}
}

func (p *resourceDirectoryProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewMessageContactResource,
		NewMessageContactBindingResource,
		NewMessageContactMembersResource,
	}
}

func (p *resourceDirectoryProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewMessageContactDataSource,
		NewMessageContactsDataSource,
		NewMessageCoverageDataSource,
		NewDirectoryDataSource,
	}
}

func (p *resourceDirectoryProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewMessageContactListResource,
	}
}

func (p *resourceDirectoryProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{
		NewSendVerificationAction,
		NewCancelPendingUpdateAction,
	}
}
