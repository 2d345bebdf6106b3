package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

var (
	_ datasource.DataSourceWithConfigure        = (*messageContactDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*messageContactDataSource)(nil)
)

// NewMessageContactDataSource returns the resourcedirectory_message_contact data source.
func NewMessageContactDataSource() datasource.DataSource {
	return &messageContactDataSource{}
}

type messageContactDataSource struct {
	dataSourceClient
}

type messageContactDataSourceModel struct {
	messageContactDataModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (d *messageContactDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_message_contact"
}

func (d *messageContactDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := contactDataSourceAttributes()
	attributes["id"] = schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		MarkdownDescription: descContactID + " Set it to look the contact up by ID (exactly one of `id` and `name`).",
		Validators: []validator.String{
			stringvalidator.RegexMatches(contactIDPattern, bindingContactIDRule),
		},
	}
	attributes["name"] = schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		MarkdownDescription: descName + " Set it to look the contact up by name (exactly one of `id` and `name`).",
		Validators: []validator.String{
			stringvalidator.RegexMatches(contactNamePattern,
				"must be 2 to 12 characters, English letters or Chinese characters only, as contact names are"),
		},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one message contact of the resource directory, found by `id` or by `name` " +
			"(set exactly one). Reading fails when no contact matches.\n\n" +
			"`email_address` and `phone_number` are the values last submitted, even while they await " +
			"verification; `pending_email_address` and `pending_phone_number` show what still awaits it.",
		Attributes: attributes,
		Blocks: map[string]schema.Block{
			"timeouts": withPositiveReadTimeout(timeouts.Block(ctx)),
		},
	}
}

func (d *messageContactDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *messageContactDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data messageContactDataSourceModel
	ctx, cancel, ok := startRead(ctx, req, resp, &data, func() timeouts.Value { return data.Timeouts })
	if !ok {
		return
	}
	defer cancel()

	var (
		view   *rdapi.Contact
		found  bool
		err    error
		filter string
	)
	if id := data.ID.ValueString(); id != "" {
		filter = fmt.Sprintf("id %q", id)
		ctx = tflog.SetField(ctx, "contact_id", id)
		view, err = d.client.Snapshot().Contact(ctx, id)
		found = err == nil
		if rdapi.IsNotFound(err) {
			err = nil
		}
	} else {
		name := data.Name.ValueString()
		filter = fmt.Sprintf("name %q", name)
		ctx = tflog.SetField(ctx, "contact_name", name)
		view, err = d.client.Snapshot().ContactByName(ctx, name)
		found = err == nil && view != nil
	}
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Unable to Read Message Contact", err.Error())
		return
	case !found:
		resp.Diagnostics.AddError("No Message Contact Found",
			fmt.Sprintf("no message contact found with %s in the resource directory.", filter))
		return
	}

	resp.Diagnostics.Append(data.fromAPI(ctx, view)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}
