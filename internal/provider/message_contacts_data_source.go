package provider

import (
	"cmp"
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

var _ datasource.DataSourceWithConfigure = (*messageContactsDataSource)(nil)

// NewMessageContactsDataSource returns the resourcedirectory_message_contacts data source.
func NewMessageContactsDataSource() datasource.DataSource {
	return &messageContactsDataSource{}
}

type messageContactsDataSource struct {
	dataSourceClient
}

type messageContactsDataSourceModel struct {
	Member    types.String   `tfsdk:"member"`
	NameRegex types.String   `tfsdk:"name_regex"`
	Status    types.String   `tfsdk:"status"`
	IDs       types.List     `tfsdk:"ids"`
	Contacts  types.List     `tfsdk:"contacts"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
}

func (d *messageContactsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_message_contacts"
}

func (d *messageContactsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the message contacts of the resource directory, optionally filtered, sorted by name. " +
			"An empty result is not an error.",
		Attributes: map[string]schema.Attribute{
			"member": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only contacts bound directly to this object: the resource directory root (`rd-…`), " +
					"a folder (`fd-…`) or a 16-digit member account ID. The API filters; contacts that apply to a member " +
					"only through a parent folder or the root are not included. An object that does not exist is an error.",
				Validators: []validator.String{
					stringvalidator.RegexMatches(memberIDPattern, bindingMemberIDRule),
				},
			},
			"name_regex": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only contacts whose name matches this regular expression " +
					"([RE2 syntax](https://github.com/google/re2/wiki/Syntax); unanchored, so use `^…$` for a full match).",
				Validators: []validator.String{regexSyntaxValidator{}},
			},
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only contacts with this status: `Verifying`, `Active` or `Deleting`.",
				Validators: []validator.String{
					statusValidator,
				},
			},
			"ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "IDs of the matching contacts, in the order of `contacts`.",
			},
			"contacts": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching contacts, sorted by name, with every attribute the contact has.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: contactDataSourceAttributes(),
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": withPositiveReadTimeout(timeouts.Block(ctx)),
		},
	}
}

func (d *messageContactsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data messageContactsDataSourceModel
	ctx, cancel, ok := startRead(ctx, req, resp, &data, func() timeouts.Value { return data.Timeouts })
	if !ok {
		return
	}
	defer cancel()

	filter, diags := newContactFilter(data.Member, data.NameRegex, data.Status)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = tflog.SetField(ctx, "member", filter.member)

	var (
		matched  []*rdapi.Contact
		err      error
		snapshot = d.client.Snapshot()
	)
	if filter.member == "" || snapshot.Enabled() {
		matched, err = snapshot.Contacts(ctx, func(mc *rdapi.MessageContact) bool {
			return (filter.member == "" || slices.Contains(mc.Members, filter.member)) && filter.matches(*mc)
		})
	}
	if err == nil && filter.member != "" && len(matched) == 0 {
		// The API filters by member itself, and says when the member does
		// not exist.
		matched, err = d.listByMember(ctx, filter)
	}
	if err != nil {
		resp.Diagnostics.Append(filter.listError(err))
		return
	}
	slices.SortStableFunc(matched, func(a, b *rdapi.Contact) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ContactID, b.ContactID))
	})

	ids := make([]string, 0, len(matched))
	contacts := make([]attr.Value, 0, len(matched))
	objType := types.ObjectType{AttrTypes: messageContactAttrTypes()}
	for _, view := range matched {
		var m messageContactDataModel
		resp.Diagnostics.Append(m.fromAPI(ctx, view)...)
		obj, diags := types.ObjectValueFrom(ctx, objType.AttrTypes, m)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		ids = append(ids, view.ContactID)
		contacts = append(contacts, obj)
	}
	tflog.Debug(ctx, "listed message contacts", map[string]any{"count": len(ids)})

	var d1, d2 diag.Diagnostics
	data.IDs, d1 = types.ListValueFrom(ctx, types.StringType, ids)
	data.Contacts, d2 = types.ListValue(objType, contacts)
	resp.Diagnostics.Append(d1...)
	resp.Diagnostics.Append(d2...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

// listByMember lists, without the snapshot, the contacts the API reports
// bound directly to the filter's member, with their pending targets.
func (d *messageContactsDataSource) listByMember(ctx context.Context, filter contactFilter) ([]*rdapi.Contact, error) {
	var out []*rdapi.Contact
	for mc, err := range filter.contacts(ctx, d.client) {
		if err != nil {
			return nil, err
		}
		v, err := d.client.WithPending(ctx, mc)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
