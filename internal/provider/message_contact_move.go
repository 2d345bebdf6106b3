package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Moving state from the alicloud provider.
//
// A `moved` block from alicloud_resource_manager_message_contact (provider
// aliyun/alicloud) to resourcedirectory_message_contact hands this resource
// the incumbent's state (Terraform 1.8+, OpenTofu 1.10+). The move is a pure
// function of that state: it calls no API, so it cannot fail on the network
// and makes no write. What only the API knows and the incumbent never
// recorded, the pending email address and phone number, starts null; status
// and create_date start as the incumbent last read them. The refresh that
// follows the move in the same plan (every plan refreshes unless
// -refresh=false) reads the contact from the API and fills them, with the
// same batched reads as any refresh, so moving N contacts costs what
// refreshing them costs.
//
// This provider's own arguments take the values an unchanged configuration
// gives them (send_verification's default true, retain_contact_in_members_on_destroy's
// default false, no resend_verification_trigger), and the incumbent's
// timeouts block carries over, so the first plan after the move shows the
// move and no change. Values this provider rejects (a title the incumbent
// never checked, an invalid email address) move as they are: the
// configuration holds them too, and the next plan reports them there with
// the validators' own errors.

// Where moves come from.
const (
	incumbentContactType      = "alicloud_resource_manager_message_contact"
	incumbentProviderNS       = "aliyun"
	incumbentProviderType     = "alicloud"
	incumbentSchemaVersion    = 0
	incumbentProviderFullName = incumbentProviderNS + "/" + incumbentProviderType
)

var _ resource.ResourceWithMoveState = (*messageContactResource)(nil)

// incumbentContactModel is the state of alicloud_resource_manager_message_contact,
// schema version 0 (terraform-plugin-sdk v1; the SDK adds id and timeouts).
type incumbentContactModel struct {
	ID           types.String       `tfsdk:"id"`
	Name         types.String       `tfsdk:"message_contact_name"`
	EmailAddress types.String       `tfsdk:"email_address"`
	PhoneNumber  types.String       `tfsdk:"phone_number"`
	Title        types.String       `tfsdk:"title"`
	MessageTypes types.List         `tfsdk:"message_types"`
	Status       types.String       `tfsdk:"status"`
	CreateTime   types.String       `tfsdk:"create_time"`
	Timeouts     *incumbentTimeouts `tfsdk:"timeouts"`
}

type incumbentTimeouts struct {
	Create types.String `tfsdk:"create"`
	Update types.String `tfsdk:"update"`
	Delete types.String `tfsdk:"delete"`
}

// incumbentContactSchema is the incumbent's resource schema, version 0, as
// `terraform providers schema -json` reports it (TestIncumbentSchema holds
// it to that output).
func incumbentContactSchema() schema.Schema {
	str := func(required, optional, computed bool) schema.StringAttribute {
		return schema.StringAttribute{Required: required, Optional: optional, Computed: computed}
	}
	return schema.Schema{
		Version: incumbentSchemaVersion,
		Attributes: map[string]schema.Attribute{
			"id":                   str(false, true, true),
			"message_contact_name": str(true, false, false),
			"email_address":        str(true, false, false),
			"phone_number":         str(false, true, false),
			"title":                str(true, false, false),
			"message_types":        schema.ListAttribute{Required: true, ElementType: types.StringType},
			"status":               str(false, false, true),
			"create_time":          str(false, false, true),
		},
		Blocks: map[string]schema.Block{
			"timeouts": schema.SingleNestedBlock{Attributes: map[string]schema.Attribute{
				"create": str(false, true, false),
				"update": str(false, true, false),
				"delete": str(false, true, false),
			}},
		},
	}
}

// MoveState accepts the state of alicloud_resource_manager_message_contact.
// Its one mover answers every request, so that a source it cannot move gets
// an error that says what it can move.
func (r *messageContactResource) MoveState(_ context.Context) []resource.StateMover {
	source := incumbentContactSchema()
	return []resource.StateMover{{SourceSchema: &source, StateMover: moveFromIncumbent}}
}

// moveFromIncumbent maps the incumbent's state onto this resource.
func moveFromIncumbent(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	if !isIncumbentSource(req.SourceProviderAddress, req.SourceTypeName) {
		resp.Diagnostics.AddError("Unable to Move Resource State", fmt.Sprintf(
			"%s can take over the state of %s of the provider %s only; this moved block's source is %s of the "+
				"provider %q.\n\nTo manage an existing message contact that was not created with %s, import it "+
				"instead (an import block with its ID, c-...).",
			contactType, incumbentContactType, incumbentProviderFullName, req.SourceTypeName,
			req.SourceProviderAddress, incumbentContactType))
		return
	}
	if req.SourceSchemaVersion != incumbentSchemaVersion {
		resp.Diagnostics.AddError("Unable to Move Resource State", fmt.Sprintf(
			"The state of this %s was written with its schema version %d; this version of the provider moves "+
				"schema version %d only. Upgrade the resourcedirectory provider, or report the new version "+
				"at the provider's issue tracker.", incumbentContactType, req.SourceSchemaVersion, incumbentSchemaVersion))
		return
	}
	if req.SourceState == nil {
		resp.Diagnostics.AddError("Unable to Move Resource State", fmt.Sprintf(
			"The state of this %s does not have the shape of its schema version %d: %s",
			incumbentContactType, incumbentSchemaVersion, incumbentDecodeError(ctx, req.SourceRawState)))
		return
	}
	var src incumbentContactModel
	resp.Diagnostics.Append(req.SourceState.Get(ctx, &src)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if src.ID.ValueString() == "" {
		resp.Diagnostics.AddError("Unable to Move Resource State", fmt.Sprintf(
			"The state of this %s has no id, so there is no message contact to take over. Import the contact "+
				"instead (an import block with its ID, c-...).", incumbentContactType))
		return
	}
	dst, diags := src.moved(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, &dst)...)
	setIdentity(ctx, resp.TargetIdentity, dst.ID.ValueString(), &resp.Diagnostics)
}

// isIncumbentSource reports whether a move's source is the incumbent's
// contact. The CLIs name the source provider in three ways:
//   - aliyun/alicloud on its registry host (registry.terraform.io, or
//     registry.opentofu.org, or a private mirror's);
//   - the bare type prefix "alicloud", which OpenTofu 1.10.0-1.11.11 and
//     1.12.0-1.12.3 send instead of the provider's address (opentofu#4280);
//   - this provider's own address, which the CLIs send (seen on Terraform
//     1.11.4 and 1.15.9 and OpenTofu 1.12.6) when a moved block moves a
//     whole resource that has count instances (TestMigrateFromAlicloud's audit
//     contacts): the resource's provider is already the target's.
//
// The type name is what identifies the incumbent, and the state must still
// decode with its schema.
func isIncumbentSource(providerAddress, typeName string) bool {
	if typeName != incumbentContactType {
		return false
	}
	if providerAddress == incumbentProviderType {
		return true
	}
	parts := strings.Split(providerAddress, "/")
	if len(parts) != 3 || parts[0] == "" {
		return false
	}
	return strings.EqualFold(parts[1], incumbentProviderNS) && strings.EqualFold(parts[2], incumbentProviderType) ||
		strings.EqualFold(parts[2], providerTypeName)
}

// incumbentDecodeError says why a raw state does not decode with the
// incumbent's schema (the framework logs it at DEBUG only).
func incumbentDecodeError(ctx context.Context, raw *tfprotov6.RawState) string {
	if raw == nil {
		return "the CLI sent no state"
	}
	_, err := raw.UnmarshalWithOpts(incumbentContactSchema().Type().TerraformType(ctx),
		tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err == nil {
		return "the framework could not decode it"
	}
	return err.Error()
}

// moved is the state of resourcedirectory_message_contact for src.
func (src incumbentContactModel) moved(ctx context.Context) (messageContactResourceModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	dst := messageContactResourceModel{
		messageContactModel: messageContactModel{
			ID:           src.ID,
			Name:         src.Name,
			EmailAddress: src.EmailAddress,
			// The incumbent records an absent number as "", this resource
			// as null (an unset optional argument).
			PhoneNumber: nullIfEmpty(src.PhoneNumber),
			Title:       src.Title,
			Status:      src.Status,
			// Neither the incumbent nor the API's contact record the pending
			// targets; the refresh after the move reads them.
			PendingEmailAddress: types.StringNull(),
			PendingPhoneNumber:  types.StringNull(),
			CreateDate:          src.CreateTime,
		},
		SendVerification:                types.BoolValue(true),
		ResendVerificationTrigger:       types.StringNull(),
		RetainContactInMembersOnDestroy: types.BoolValue(false),
		Timeouts:                        src.Timeouts.moved(),
	}
	dst.MessageTypes, diags = messageTypesSet(ctx, src.MessageTypes)
	return dst, diags
}

// messageTypesSet turns the incumbent's list of message types into this
// resource's set: the order goes, and so does a type listed twice.
func messageTypesSet(ctx context.Context, l types.List) (types.Set, diag.Diagnostics) {
	if l.IsNull() || l.IsUnknown() {
		return types.SetNull(types.StringType), nil
	}
	var elems []types.String
	diags := l.ElementsAs(ctx, &elems, false)
	if diags.HasError() {
		return types.SetNull(types.StringType), diags
	}
	var out []attr.Value
	for _, e := range elems {
		if !slices.ContainsFunc(out, func(v attr.Value) bool { return v.Equal(e) }) {
			out = append(out, e)
		}
	}
	s, d := types.SetValue(types.StringType, out)
	diags.Append(d...)
	return s, diags
}

// moved is this resource's timeouts block for the incumbent's: the same
// create, update and delete; read, which the incumbent lacks, unset.
func (t *incumbentTimeouts) moved() timeouts.Value {
	attrTypes := map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	}
	if t == nil {
		return timeouts.Value{Object: types.ObjectNull(attrTypes)}
	}
	return timeouts.Value{Object: types.ObjectValueMust(attrTypes, map[string]attr.Value{
		"create": t.Create, "read": types.StringNull(), "update": t.Update, "delete": t.Delete,
	})}
}

func nullIfEmpty(s types.String) types.String {
	if s.IsNull() || s.IsUnknown() || s.ValueString() == "" {
		return types.StringNull()
	}
	return s
}
