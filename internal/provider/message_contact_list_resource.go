package provider

import (
	"context"
	"fmt"
	"iter"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

var (
	_ list.ListResourceWithConfigure = (*messageContactListResource)(nil)
)

// messageContactListResource is the list resource
// resourcedirectory_message_contact, for `terraform query` (Terraform 1.14+).
type messageContactListResource struct {
	client *rdapi.Client
}

// NewMessageContactListResource returns the resourcedirectory_message_contact
// list resource.
func NewMessageContactListResource() list.ListResource {
	return &messageContactListResource{}
}

// messageContactListModel maps the list block's config.
type messageContactListModel struct {
	NameRegex types.String `tfsdk:"name_regex"`
	Member    types.String `tfsdk:"member"`
	Status    types.String `tfsdk:"status"`
}

func (l *messageContactListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_message_contact"
}

func (l *messageContactListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the message contacts of the resource directory for `terraform query` " +
			"(Terraform 1.14 and later), optionally filtered. Each result carries the contact's resource identity " +
			"and, with `include_resource = true` or `-generate-config-out`, every attribute of the " +
			"`resourcedirectory_message_contact` resource. Contacts come from the paged `ListMessageContacts` " +
			"calls, not one call per contact; only contacts that are not `Active` cost one more call, for their " +
			"pending targets, and only when the resource object is asked for.",
		Attributes: map[string]schema.Attribute{
			"name_regex": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only contacts whose name matches this regular expression " +
					"([RE2 syntax](https://github.com/google/re2/wiki/Syntax); unanchored, so use `^…$` for a full match).",
				Validators: []validator.String{regexSyntaxValidator{}},
			},
			"member": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only contacts bound directly to this object: the resource directory root (`rd-…`), " +
					"a folder (`fd-…`) or a 16-digit member account ID. An object that does not exist is an error.",
				Validators: []validator.String{stringvalidator.RegexMatches(memberIDPattern, bindingMemberIDRule)},
			},
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only contacts with this status: `Verifying`, `Active` or `Deleting`.",
				Validators: []validator.String{
					statusValidator,
				},
			},
		},
	}
}

func (l *messageContactListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd, ok := configuredFrom(req.ProviderData, &resp.Diagnostics); ok {
		l.client = pd.client
	}
}

func (l *messageContactListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg messageContactListModel
	// NOTE: a list block without a config block may arrive as no config at
	// all, which means no filters.
	if !req.Config.Raw.IsNull() {
		if diags := req.Config.Get(ctx, &cfg); diags.HasError() {
			stream.Results = list.ListResultsStreamDiagnostics(diags)
			return
		}
	}
	filter, diags := newContactFilter(cfg.Member, cfg.NameRegex, cfg.Status)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	if l.client == nil {
		stream.Results = list.ListResultsStreamDiagnostics(diag.Diagnostics{diag.NewErrorDiagnostic(
			"Unconfigured Provider", "The provider was not configured before listing. This is a bug in the provider.")})
		return
	}
	ctx = tflog.SetField(ctx, "member", filter.member)

	stream.Results = func(push func(list.ListResult) bool) {
		var n int64
		for mc, err := range filter.contacts(ctx, l.client) {
			if err != nil {
				push(list.ListResult{Diagnostics: diag.Diagnostics{filter.listError(err)}})
				return
			}
			result := req.NewListResult(ctx)
			result.DisplayName = fmt.Sprintf("%s (%s)", mc.Name, mc.ContactID)
			result.Diagnostics.Append(result.Identity.Set(ctx, messageContactIdentityModel{ID: types.StringValue(mc.ContactID)})...)
			if req.IncludeResource && !result.Diagnostics.HasError() {
				l.setResource(ctx, &result, mc)
			}
			if !push(result) {
				return
			}
			if n++; req.Limit > 0 && n >= req.Limit {
				tflog.Debug(ctx, "list limit reached", map[string]any{"limit": req.Limit})
				return
			}
		}
	}
}

// setResource fills result.Resource with mc as the resource would read it.
func (l *messageContactListResource) setResource(ctx context.Context, result *list.ListResult, mc rdapi.MessageContact) {
	v, err := l.client.WithPending(ctx, mc)
	if err != nil {
		result.Diagnostics.AddError("Unable to List Message Contacts", err.Error())
		return
	}
	m := messageContactResourceModel{Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}}
	result.Diagnostics.Append(m.fromAPI(ctx, v)...)
	m.defaultProviderArguments()
	result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
}

// defaultProviderArguments gives the arguments that exist only in the
// provider (not in the API) their defaults when they have no value, as
// after an import or in a list result.
func (m *messageContactResourceModel) defaultProviderArguments() {
	if m.SendVerification.IsNull() {
		m.SendVerification = types.BoolValue(true)
	}
	if m.RetainContactInMembersOnDestroy.IsNull() {
		m.RetainContactInMembersOnDestroy = types.BoolValue(false)
	}
}

// contactFilter is the filter of the plural data source and the list
// resource: the API filters by member, the provider by name and status.
type contactFilter struct {
	member string
	status string
	nameRe *regexp.Regexp
}

// newContactFilter builds a filter from configuration values (null means no
// filter).
func newContactFilter(member, nameRegex, status types.String) (contactFilter, diag.Diagnostics) {
	var diags diag.Diagnostics
	f := contactFilter{member: member.ValueString(), status: status.ValueString()}
	if s := nameRegex.ValueString(); s != "" {
		re, err := regexp.Compile(s)
		if err != nil { // the validator already rejects it; kept for values unknown at validation
			diags.AddAttributeError(path.Root("name_regex"), "Invalid Regular Expression", err.Error())
			return f, diags
		}
		f.nameRe = re
	}
	return f, diags
}

// matches reports whether mc passes the filters the API does not apply.
func (f contactFilter) matches(mc rdapi.MessageContact) bool {
	return (f.status == "" || mc.Status == f.status) && (f.nameRe == nil || f.nameRe.MatchString(mc.Name))
}

// contacts yields the matching contacts, page by page.
func (f contactFilter) contacts(ctx context.Context, client *rdapi.Client) iter.Seq2[rdapi.MessageContact, error] {
	return func(yield func(rdapi.MessageContact, error) bool) {
		for mc, err := range client.ListMessageContacts(ctx, rdapi.ListMessageContactsInput{Member: f.member}) {
			if err != nil {
				yield(rdapi.MessageContact{}, err)
				return
			}
			if f.matches(mc) && !yield(mc, nil) {
				return
			}
		}
	}
}

// listError is the diagnostic for a failed listing: an unknown member is an
// error on the member argument.
func (f contactFilter) listError(err error) diag.Diagnostic {
	const summary = "Unable to List Message Contacts"
	if f.member != "" && rdapi.IsInvalidMember(err) {
		return diag.NewAttributeErrorDiagnostic(path.Root("member"), summary,
			fmt.Sprintf("Member %q does not exist in the resource directory.\n\n%s", f.member, err))
	}
	return diag.NewErrorDiagnostic(summary, err.Error())
}
