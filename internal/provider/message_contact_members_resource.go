package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
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
	_ resource.ResourceWithConfigure   = (*messageContactMembersResource)(nil)
	_ resource.ResourceWithImportState = (*messageContactMembersResource)(nil)
)

// maxMembersPerCall is the most objects AssociateMembers and
// DisassociateMembers accept in one call ("Valid values of N: 1 to 5").
const maxMembersPerCall = 5

// Default timeouts of the member set resource.
const (
	membersCreateTimeout = 10 * time.Minute
	membersReadTimeout   = 5 * time.Minute
	membersUpdateTimeout = 10 * time.Minute
	membersDeleteTimeout = 10 * time.Minute
)

// NewMessageContactMembersResource returns the resourcedirectory_message_contact_members resource.
func NewMessageContactMembersResource() resource.Resource {
	return &messageContactMembersResource{}
}

type messageContactMembersResource struct {
	client *rdapi.Client
}

type messageContactMembersModel struct {
	ID        types.String   `tfsdk:"id"`
	ContactID types.String   `tfsdk:"contact_id"`
	MemberIDs types.Set      `tfsdk:"member_ids"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
}

func (r *messageContactMembersResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_message_contact_members"
}

func (r *messageContactMembersResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The complete set of objects a message contact is bound to: the resource directory root, " +
			"folders and member accounts (API operations `AssociateMembers` and `DisassociateMembers`). This resource " +
			"is **authoritative**: after an apply the contact is bound to exactly `member_ids`, and a binding added or " +
			"removed outside Terraform shows as an in-place update of `member_ids` on the next plan.\n\n" +
			"Create and update send only the difference between the contact's current bindings and `member_ids`, in " +
			"batches of at most five (the API's limit per call); new bindings are added before old ones are removed, so " +
			"the contact never misses messages in between. Destroy unbinds the objects in `member_ids`.\n\n" +
			"~> **Do not manage the same contact with both this resource and " +
			"`resourcedirectory_message_contact_binding`.** This resource owns every binding of its contact: it would " +
			"remove the bindings the other resource creates, and the two would undo each other on every apply. Use " +
			"`resourcedirectory_message_contact_binding` when several modules each add one binding to a shared " +
			"contact; use this resource when one configuration decides all of them and should see every change made " +
			"outside Terraform.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The contact's ID, the same as `contact_id`. Also the import ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"contact_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The ID of the message contact (`c-…`), typically " +
					"`resourcedirectory_message_contact.<name>.id`. Changing it replaces the resource: the old contact " +
					"is unbound from `member_ids` and the new one bound.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.RegexMatches(contactIDPattern, bindingContactIDRule),
				},
			},
			"member_ids": schema.SetAttribute{
				Required:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Every object the contact is bound to: the resource directory root ID (`rd-…`), " +
					"folder IDs (`fd-…`) and 16-digit member account IDs. A contact bound to the root or to a folder " +
					"applies to every member account below it, including accounts that join later. An empty set unbinds " +
					"the contact from everything. The API rejects IDs that do not belong to your resource directory " +
					"(`InvalidMember`) and caps how many objects one contact may be bound to.",
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(stringvalidator.RegexMatches(memberIDPattern, bindingMemberIDRule)),
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": withPositiveTimeouts(timeouts.Block(ctx, timeouts.Opts{
				Create: true, Read: true, Update: true, Delete: true,
				CreateDescription: "Time allowed for binding, retries of throttled or conflicting calls included " +
					"(a [duration string](https://pkg.go.dev/time#ParseDuration); default `10m`).",
				ReadDescription:   "Time allowed for reading the contact's bindings (default `5m`).",
				UpdateDescription: "Time allowed for changing the bindings (default `10m`).",
				DeleteDescription: "Time allowed for unbinding (default `10m`).",
			})),
		},
	}
}

func (r *messageContactMembersResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd, ok := configuredFrom(req.ProviderData, &resp.Diagnostics); ok {
		r.client = pd.client
	}
}

func (r *messageContactMembersResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan messageContactMembersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	contactID := plan.ContactID.ValueString()
	ctx = tflog.SetField(ctx, "contact_id", contactID)
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, membersCreateTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	want, _ := r.reconcile(ctx, contactID, plan.MemberIDs, "Unable to Create Message Contact Members", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		// NOTE: on failure nothing is saved: Create starts from the API's
		// current bindings, so running it again converges.
		return
	}
	plan.ID = types.StringValue(contactID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setDeclared(ctx, resp.Private, want, &resp.Diagnostics)
}

func (r *messageContactMembersResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state messageContactMembersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	contactID := state.ContactID.ValueString()
	ctx = tflog.SetField(ctx, "contact_id", contactID)
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, membersReadTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	mc, err := readContact(ctx, r.client, contactID, req.Private, resp.Private, &resp.Diagnostics)
	switch {
	case rdapi.IsNotFound(err):
		// No warning, as for a binding: ModifyPlan reports a member set
		// that cannot be created again.
		tflog.Info(ctx, "message contact no longer exists; removing its member set from state")
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		resp.Diagnostics.AddError("Unable to Read Message Contact Members",
			fmt.Sprintf("Reading the bindings of message contact %s failed: %s", contactID, err))
		return
	}
	members, diags := types.SetValueFrom(ctx, types.StringType, nonNil(mc.Members))
	resp.Diagnostics.Append(diags...)
	state.ID = types.StringValue(contactID)
	state.MemberIDs = members
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *messageContactMembersResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state messageContactMembersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	contactID := state.ContactID.ValueString()
	ctx = tflog.SetField(ctx, "contact_id", contactID)
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Update, membersUpdateTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	want, bound := r.reconcile(ctx, contactID, plan.MemberIDs, "Unable to Update Message Contact Members", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		if bound != nil {
			// Record what the API now holds, so the next plan shows what
			// is still missing.
			var d diag.Diagnostics
			state.MemberIDs, d = types.SetValueFrom(ctx, types.StringType, bound)
			resp.Diagnostics.Append(d...)
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		}
		return
	}
	plan.ID = types.StringValue(contactID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setDeclared(ctx, resp.Private, want, &resp.Diagnostics)
}

func (r *messageContactMembersResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state messageContactMembersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	contactID := state.ContactID.ValueString()
	ctx = tflog.SetField(ctx, "contact_id", contactID)
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, membersDeleteTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	// What the configuration declared at the last apply: the state may
	// also hold objects bound outside Terraform since (a refresh records
	// them), which destroy leaves alone. Without a record (imported, never
	// applied) the state is what was taken over.
	declared, ok := getDeclared(ctx, req.Private, &resp.Diagnostics)
	if !ok {
		var diags diag.Diagnostics
		declared, diags = stringSet(ctx, state.MemberIDs)
		resp.Diagnostics.Append(diags...)
	}
	if resp.Diagnostics.HasError() || len(declared) == 0 {
		return
	}
	// Unbind what this resource declared and the contact still has; the
	// API does not document its answer for an object that is not bound.
	// The snapshot tells what the contact has (read fresh when this process
	// wrote its bindings since).
	mc, err := r.client.Snapshot().Contact(ctx, contactID)
	switch {
	case rdapi.IsNotFound(err):
		tflog.Debug(ctx, "message contact already deleted; nothing to unbind")
		return
	case err != nil:
		addMembersAPIError(&resp.Diagnostics, "Unable to Delete Message Contact Members", contactID, err)
		return
	case mc.Status == rdapi.StatusDeleting:
		tflog.Debug(ctx, "message contact is being deleted; nothing to unbind")
		return
	}
	remove := intersect(declared, mc.Members)
	for batch := range slices.Chunk(remove, maxMembersPerCall) {
		err := r.client.DisassociateMembers(ctx, contactID, batch)
		if err != nil && !rdapi.IsNotFound(err) {
			addMembersAPIError(&resp.Diagnostics, "Unable to Delete Message Contact Members", contactID, err)
			return
		}
	}
	tflog.Debug(ctx, "message contact unbound", map[string]any{"unbound": remove})
}

func (r *messageContactMembersResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !contactIDPattern.MatchString(req.ID) {
		resp.Diagnostics.AddError("Invalid Message Contact Members Import ID",
			fmt.Sprintf("The import ID is the ID of the message contact, such as c-qL4HqKONzOM7abcd (\"c-\" followed by "+
				"letters and digits); got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("contact_id"), req.ID)...)
	markImported(ctx, resp.Private, &resp.Diagnostics)
}

// reconcile binds contactID to exactly the declared members. It starts
// from the API's bindings, not the state: the plan may have been made
// without a refresh, unbinding an object that is not bound has an
// undocumented answer, and the set is authoritative from its create on
// (objects bound but not declared are unbound). It returns the declared
// set and, when a bind or unbind failed (reported in diags under summary),
// what the contact is bound to as far as the calls that succeeded tell
// (never nil then); nil otherwise.
func (r *messageContactMembersResource) reconcile(ctx context.Context, contactID string, members types.Set, summary string, diags *diag.Diagnostics) (want, bound []string) {
	want, d := stringSet(ctx, members)
	diags.Append(d...)
	if diags.HasError() {
		return nil, nil
	}
	mc, err := r.client.GetMessageContact(ctx, contactID)
	if err != nil {
		addMembersAPIError(diags, summary, contactID, err)
		return nil, nil
	}
	bound, err = r.converge(ctx, contactID, mc.Members, want)
	if err != nil {
		addMembersAPIError(diags, summary, contactID, err)
		return want, nonNil(bound)
	}
	return want, nil
}

// converge binds contactID to want, given that it is bound to have, with
// the fewest calls: the additions in batches of five, then the removals.
// It returns what the contact is bound to afterwards as far as the calls
// that succeeded tell, which on error is where it stopped.
func (r *messageContactMembersResource) converge(ctx context.Context, contactID string, have, want []string) ([]string, error) {
	add, remove := difference(want, have), difference(have, want)
	bound := slices.Clone(have)
	tflog.Debug(ctx, "changing message contact bindings", map[string]any{"bind": add, "unbind": remove})

	unbind := func() error {
		for batch := range slices.Chunk(remove, maxMembersPerCall) {
			if err := r.client.DisassociateMembers(ctx, contactID, batch); err != nil {
				return err
			}
			bound = difference(bound, batch)
		}
		remove = nil
		return nil
	}
	for len(add) > 0 {
		batch := add[:min(len(add), maxMembersPerCall)]
		err := r.client.AssociateMembers(ctx, contactID, batch)
		switch {
		case err == nil:
			bound = append(bound, batch...)
			add = add[len(batch):]
		case rdapi.IsMembersLimit(err) && len(remove) > 0:
			// The contact is at the API's cap: make room first.
			if err := unbind(); err != nil {
				return sorted(bound), err
			}
		default:
			return sorted(bound), err
		}
	}
	if err := unbind(); err != nil {
		return sorted(bound), err
	}
	return sorted(bound), nil
}

// difference returns the elements of a that are not in b, sorted.
func difference(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return sorted(out)
}

// intersect returns the elements of a that are also in b, sorted.
func intersect(a, b []string) []string {
	var out []string
	for _, s := range a {
		if slices.Contains(b, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return sorted(out)
}

func sorted(s []string) []string {
	s = nonNil(s)
	slices.Sort(s)
	return s
}

// privateGetter and privateSetter are the private state of the framework's
// requests and responses.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// declaredKey holds, in private state, the member_ids of the last apply.
const declaredKey = "declared"

func setDeclared(ctx context.Context, private privateSetter, members []string, diags *diag.Diagnostics) {
	b, err := json.Marshal(nonNil(members))
	if err != nil {
		diags.AddError("Unable to Record Declared Members", err.Error())
		return
	}
	diags.Append(private.SetKey(ctx, declaredKey, b)...)
}

func getDeclared(ctx context.Context, private privateGetter, diags *diag.Diagnostics) ([]string, bool) {
	if private == nil {
		return nil, false
	}
	b, d := private.GetKey(ctx, declaredKey)
	diags.Append(d...)
	if len(b) == 0 {
		return nil, false
	}
	var members []string
	if err := json.Unmarshal(b, &members); err != nil {
		return nil, false
	}
	return members, true
}

// addMembersAPIError reports an AssociateMembers/DisassociateMembers (or
// GetMessageContact) error, on the argument it concerns when the code says.
func addMembersAPIError(diags *diag.Diagnostics, summary, contactID string, err error) {
	switch {
	case rdapi.IsInvalidMember(err):
		diags.AddAttributeError(path.Root("member_ids"), summary, fmt.Sprintf(
			"The API rejected a member of member_ids: each must be the root, a folder or a member account of this "+
				"resource directory. Check the IDs (and that the provider manages the directory's management "+
				"account). %s\n\n%s", treeCheckHint, err))
	case rdapi.IsNotFound(err) || rdapi.IsCode(err, rdapi.CodeInvalidContactID):
		diags.AddAttributeError(path.Root("contact_id"), summary, fmt.Sprintf(
			"Message contact %q does not exist.\n\n%s", contactID, err))
	case rdapi.IsMembersLimit(err):
		diags.AddAttributeError(path.Root("member_ids"), summary, fmt.Sprintf(
			"Message contact %q would be bound to more objects than the API allows. Bind it to a common parent "+
				"folder or the directory root instead: a binding there applies to every member account below it.\n\n%s",
			contactID, err))
	case rdapi.IsCode(err, rdapi.CodeStatusMismatch):
		diags.AddAttributeError(path.Root("contact_id"), summary, fmt.Sprintf(
			"The status of message contact %q does not allow changing its bindings now (for example, it is being "+
				"deleted).\n\n%s", contactID, err))
	default:
		diags.AddError(summary, fmt.Sprintf("Message contact %s: %s", contactID, err))
	}
}
