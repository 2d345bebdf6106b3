package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

var (
	_ resource.ResourceWithConfigure   = (*messageContactBindingResource)(nil)
	_ resource.ResourceWithImportState = (*messageContactBindingResource)(nil)
)

// Default timeouts of the binding resource. Read is shorter: it is one call.
const (
	bindingCreateTimeout = 10 * time.Minute
	bindingReadTimeout   = 5 * time.Minute
	bindingDeleteTimeout = 10 * time.Minute
)

const (
	bindingContactIDRule = "must be a message contact ID: \"c-\" followed by letters and digits"
	bindingMemberIDRule  = "must be the resource directory root ID (rd-…), a folder ID (fd-…) or a 16-digit member account ID"
)

// NewMessageContactBindingResource returns the resourcedirectory_message_contact_binding resource.
func NewMessageContactBindingResource() resource.Resource {
	return &messageContactBindingResource{}
}

type messageContactBindingResource struct {
	client *rdapi.Client
}

type messageContactBindingModel struct {
	ID        types.String   `tfsdk:"id"`
	ContactID types.String   `tfsdk:"contact_id"`
	MemberID  types.String   `tfsdk:"member_id"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
}

func (r *messageContactBindingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_message_contact_binding"
}

func (r *messageContactBindingResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Binds a message contact to the resource directory root, a folder or a member account " +
			"(API operations `AssociateMembers` and `DisassociateMembers`). One resource manages one binding, so a " +
			"module can bind a contact that is defined elsewhere.\n\n" +
			"A contact bound to the root or to a folder applies to every member account below it, including accounts " +
			"that join later. The data sources' `members` attribute lists the objects a contact is bound to directly. " +
			"A binding added outside Terraform is not reported: use `resourcedirectory_message_contact_members` to " +
			"own all of a contact's bindings, never together with this resource for the same contact. " +
			"Both arguments force a new binding when they change. A binding removed outside Terraform is detected " +
			"on refresh and planned for creation again.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The binding's ID: `<contact_id>:<member_id>`. Also the import ID.",
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
				},
			},
			"contact_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The ID of the message contact to bind (`c-…`), typically " +
					"`resourcedirectory_message_contact.<name>.id`. Changing it replaces the binding.",
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.RequiresReplace(),
				},
				Validators: []validator.String{
					stringvalidator.RegexMatches(contactIDPattern, bindingContactIDRule),
				},
			},
			"member_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The object to bind the contact to: the resource directory root ID (`rd-…`), " +
					"a folder ID (`fd-…`) or a 16-digit member account ID. The API rejects IDs that do not belong " +
					"to your resource directory (`InvalidMember`). Changing it replaces the binding.",
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.RequiresReplace(),
				},
				Validators: []validator.String{
					stringvalidator.RegexMatches(memberIDPattern, bindingMemberIDRule),
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": withPositiveTimeouts(timeouts.Block(ctx, timeouts.Opts{
				Create: true,
				Read:   true,
				Delete: true,
				CreateDescription: "How long to keep trying to bind, retries of throttled or conflicting calls " +
					"included (a [duration string](https://pkg.go.dev/time#ParseDuration); default `10m`).",
				ReadDescription: "How long to keep trying to read the binding (default `5m`).",
				DeleteDescription: "How long to keep trying to unbind, retries of throttled or conflicting calls " +
					"included (default `10m`).",
			})),
		},
	}
}

func (r *messageContactBindingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd, ok := configuredFrom(req.ProviderData, &resp.Diagnostics); ok {
		r.client = pd.client
	}
}

func (r *messageContactBindingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan messageContactBindingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	contactID, memberID := plan.ContactID.ValueString(), plan.MemberID.ValueString()
	ctx = bindingLogFields(ctx, contactID, memberID)

	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, bindingCreateTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	if err := r.client.AssociateMembers(ctx, contactID, []string{memberID}); err != nil {
		addBindingAPIError(&resp.Diagnostics, "Unable to Create Message Contact Binding", contactID, memberID, err)
		return
	}
	tflog.Debug(ctx, "message contact bound")

	plan.ID = types.StringValue(bindingID(contactID, memberID))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *messageContactBindingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state messageContactBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	contactID, memberID := state.ContactID.ValueString(), state.MemberID.ValueString()
	ctx = bindingLogFields(ctx, contactID, memberID)

	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, bindingReadTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	mc, err := readContact(ctx, r.client, contactID, req.Private, resp.Private, &resp.Diagnostics)
	switch {
	case rdapi.IsNotFound(err):
		// No warning: a configuration that still declares the binding plans
		// to create it again, with the contact when that is re-created too;
		// when it cannot be (contact_id names a contact that does not
		// exist), ModifyPlan says so, as an error.
		tflog.Info(ctx, "message contact no longer exists; removing binding from state")
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		resp.Diagnostics.AddError("Unable to Read Message Contact Binding",
			fmt.Sprintf("Reading message contact %s to find its binding to %s failed: %s", contactID, memberID, err))
		return
	}
	if !slices.Contains(mc.Members, memberID) {
		tflog.Warn(ctx, "message contact is no longer bound to the member; removing binding from state",
			map[string]any{"bound_members": mc.Members})
		resp.State.RemoveResource(ctx)
		return
	}

	state.ID = types.StringValue(bindingID(contactID, memberID))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only ever sees a change of the timeouts block: both arguments
// require replacement, so there is nothing to send to the API.
func (r *messageContactBindingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan messageContactBindingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = types.StringValue(bindingID(plan.ContactID.ValueString(), plan.MemberID.ValueString()))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *messageContactBindingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state messageContactBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	contactID, memberID := state.ContactID.ValueString(), state.MemberID.ValueString()
	ctx = bindingLogFields(ctx, contactID, memberID)

	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, bindingDeleteTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	err := r.client.DisassociateMembers(ctx, contactID, []string{memberID})
	if err == nil || rdapi.IsNotFound(err) {
		tflog.Debug(ctx, "message contact unbound")
		return
	}
	if gone, why := r.bindingGone(ctx, contactID, memberID, err); gone {
		// NOTE: the API does not document what DisassociateMembers answers
		// for a member that is not bound, so the error alone is not trusted:
		// the binding is gone if a fresh read no longer shows it.
		tflog.Debug(ctx, "binding already gone; unbind error ignored", map[string]any{"reason": why, "error": err.Error()})
		return
	}
	addBindingAPIError(&resp.Diagnostics, "Unable to Delete Message Contact Binding", contactID, memberID, err)
}

// bindingGone reports whether, after a failed unbind, the binding no longer
// exists anyway: the contact is gone or being deleted, or no longer lists the
// member. Throttling or a cancelled context never count as gone.
func (r *messageContactBindingResource) bindingGone(ctx context.Context, contactID, memberID string, unbindErr error) (bool, string) {
	if ctx.Err() != nil || rdapi.IsThrottled(unbindErr) {
		return false, ""
	}
	if _, ok := errors.AsType[*rdapi.APIError](unbindErr); !ok {
		return false, ""
	}
	mc, err := r.client.GetMessageContact(ctx, contactID)
	switch {
	case rdapi.IsNotFound(err):
		return true, "contact no longer exists"
	case err != nil:
		return false, ""
	case mc.Status == rdapi.StatusDeleting:
		return true, "contact is being deleted"
	case !slices.Contains(mc.Members, memberID):
		return true, "member is not bound"
	}
	return false, ""
}

func (r *messageContactBindingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	contactID, memberID, err := parseBindingID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Message Contact Binding Import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), bindingID(contactID, memberID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("contact_id"), contactID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("member_id"), memberID)...)
	markImported(ctx, resp.Private, &resp.Diagnostics)
}

// bindingID is the resource ID of a binding, also its import ID.
func bindingID(contactID, memberID string) string {
	return contactID + ":" + memberID
}

// parseBindingID splits and validates an import ID "<contact_id>:<member_id>".
func parseBindingID(id string) (contactID, memberID string, err error) {
	const want = "The import ID must be \"<contact_id>:<member_id>\", for example \"c-qL4HqKONzOM7abcd:fd-Prod4Nz7Qa\""
	contactID, memberID, ok := strings.Cut(id, ":")
	switch {
	case !ok || contactID == "" || memberID == "":
		return "", "", fmt.Errorf("%s; got %q", want, id)
	case !contactIDPattern.MatchString(contactID):
		return "", "", fmt.Errorf("%s; the contact ID %q %s", want, contactID, bindingContactIDRule)
	case !memberIDPattern.MatchString(memberID):
		return "", "", fmt.Errorf("%s; the member ID %q %s", want, memberID, bindingMemberIDRule)
	}
	return contactID, memberID, nil
}

// addBindingAPIError turns an AssociateMembers/DisassociateMembers error into
// a diagnostic, attached to the argument it concerns when the code says so.
func addBindingAPIError(diags *diag.Diagnostics, summary, contactID, memberID string, err error) {
	switch {
	case rdapi.IsInvalidMember(err):
		diags.AddAttributeError(path.Root("member_id"), summary, fmt.Sprintf(
			"The API rejected member %q: it is not the root, a folder or a member account of this resource "+
				"directory. Check the ID (and that the provider manages the directory's management account). %s\n\n%s",
			memberID, treeCheckHint, err))
	case rdapi.IsNotFound(err) || rdapi.IsCode(err, rdapi.CodeInvalidContactID):
		diags.AddAttributeError(path.Root("contact_id"), summary, fmt.Sprintf(
			"Message contact %q does not exist.\n\n%s", contactID, err))
	case rdapi.IsMembersLimit(err):
		diags.AddAttributeError(path.Root("contact_id"), summary, fmt.Sprintf(
			"Message contact %q is already bound to the maximum number of objects the API allows. "+
				"Remove another binding of this contact first, or bind the contact to a common parent folder "+
				"or the directory root instead: a binding there applies to every member account below it.\n\n%s",
			contactID, err))
	case rdapi.IsCode(err, rdapi.CodeStatusMismatch):
		diags.AddAttributeError(path.Root("contact_id"), summary, fmt.Sprintf(
			"The status of message contact %q does not allow changing its bindings now (for example, "+
				"it is being deleted).\n\n%s", contactID, err))
	default:
		diags.AddError(summary, fmt.Sprintf("Message contact %s, member %s: %s", contactID, memberID, err))
	}
}

// bindingLogFields adds the binding's identifiers to every log entry.
func bindingLogFields(ctx context.Context, contactID, memberID string) context.Context {
	ctx = tflog.SetField(ctx, "contact_id", contactID)
	return tflog.SetField(ctx, "member_id", memberID)
}
