package provider

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

var (
	_ resource.ResourceWithConfigure   = (*messageContactResource)(nil)
	_ resource.ResourceWithImportState = (*messageContactResource)(nil)
	_ resource.ResourceWithIdentity    = (*messageContactResource)(nil)
)

// Default operation timeouts; each bounds every API call and retry of the
// operation.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

// messageContactResource is resourcedirectory_message_contact.
type messageContactResource struct {
	client *rdapi.Client
}

// NewMessageContactResource returns the resourcedirectory_message_contact resource.
func NewMessageContactResource() resource.Resource {
	return &messageContactResource{}
}

// messageContactResourceModel maps the resource schema.
type messageContactResourceModel struct {
	messageContactModel
	SendVerification                types.Bool     `tfsdk:"send_verification"`
	ResendVerificationTrigger       types.String   `tfsdk:"resend_verification_trigger"`
	RetainContactInMembersOnDestroy types.Bool     `tfsdk:"retain_contact_in_members_on_destroy"`
	Timeouts                        timeouts.Value `tfsdk:"timeouts"`
}

// messageContactIdentityModel maps the resource identity schema.
type messageContactIdentityModel struct {
	ID types.String `tfsdk:"id"`
}

func (r *messageContactResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_message_contact"
}

func (r *messageContactResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A message contact of the resource directory: a person who receives the messages " +
			"(billing, faults, security, ...) of the accounts it is bound to.\n\n" +
			"Every argument is updated in place (`UpdateMessageContact`); only changed fields are sent, so an " +
			"unchanged email address or phone number never restarts its verification. A new email address or phone " +
			"number takes effect only after its recipient verifies it out of band; meanwhile `status` is `Verifying` " +
			"and `pending_email_address`/`pending_phone_number` show the target, and plans stay empty.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: descContactID,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: descName + " Changing it renames the contact in place.",
				Validators: []validator.String{stringvalidator.RegexMatches(contactNamePattern,
					"must be 2 to 12 characters, English letters or Chinese characters only (no digits, spaces or punctuation)")},
			},
			"email_address": schema.StringAttribute{
				Required: true,
				MarkdownDescription: descEmail + " When `send_verification` is true, the provider asks the API to send " +
					"the verification email after a create or a change.",
				Validators:    []validator.String{emailValidator{}},
				PlanModifiers: []planmodifier.String{emailCaseChangeWarning{}},
			},
			"phone_number": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: descPhone + " When `send_verification` is true, the provider asks the API to send " +
					"the verification SMS after a create or a change. Removing the argument clears the number (the " +
					"provider sends an empty `PhoneNumber`).",
				Validators: []validator.String{phoneValidator{}},
			},
			"title": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: descTitle,
				Validators:          []validator.String{titleValidator},
			},
			"message_types": schema.SetAttribute{
				Required:            true,
				ElementType:         types.StringType,
				MarkdownDescription: descMessageTypes + " The API replaces the whole list on update.",
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					messageTypesValidator,
				},
			},
			"send_verification": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Whether to ask the API to send verification to a new email address or phone " +
					"number, after a create or after a change of `email_address` or `phone_number`. Defaults to `true`. " +
					"If the account's daily sending limit is reached, the apply succeeds with a warning; resend the " +
					"verification later with `resend_verification_trigger`. Changing only this argument sends nothing.",
			},
			"resend_verification_trigger": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Any value; whenever it changes (including from unset to set), the provider sends " +
					"the verification again to whatever of the contact still awaits verification: its pending email " +
					"address, its pending phone number, or both, whatever `send_verification` says. Use it when a " +
					"recipient lost the message, for example `resend_verification_trigger = \"2026-12-02\"`. When " +
					"nothing is pending, nothing is sent and the apply warns; the account's daily sending limit is a " +
					"warning too. Setting it on create sends nothing beyond what `send_verification` sends.",
			},
			"retain_contact_in_members_on_destroy": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Whether, on destroy, the contact is kept in the contact settings of the members " +
					"it is bound to (so it keeps receiving their messages). Defaults to `false`: destroy really stops the " +
					"messages. The API then deletes asynchronously and the provider waits for the deletion to finish; a " +
					"failed deletion is an error listing the member accounts and message types concerned. A contact bound " +
					"to nothing when it is destroyed (its member sets and bindings go first) is deleted at once either way.",
			},
			"status": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: descStatus,
				PlanModifiers:       []planmodifier.String{verificationStateUnlessTargetsChange{}},
			},
			"pending_email_address": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: descPendingEmail,
				PlanModifiers:       []planmodifier.String{verificationStateUnlessTargetsChange{}},
			},
			"pending_phone_number": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: descPendingPhone,
				PlanModifiers:       []planmodifier.String{verificationStateUnlessTargetsChange{}},
			},
			"create_date": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: descCreateDate,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": withPositiveTimeouts(timeouts.Block(ctx, timeouts.Opts{
				Create: true, Read: true, Update: true, Delete: true,
				CreateDescription: "Time allowed for the create, including retries and sending verification (default `10m`).",
				ReadDescription:   "Time allowed for a refresh, including retries (default `5m`).",
				UpdateDescription: "Time allowed for an update, including retries and sending verification (default `10m`).",
				DeleteDescription: "Time allowed for the deletion, including waiting for an asynchronous deletion (default `10m`).",
			})),
		},
	}
}

func (r *messageContactResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "ID of the message contact (c-...).",
			},
		},
	}
}

func (r *messageContactResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd, ok := configuredFrom(req.ProviderData, &resp.Diagnostics); ok {
		r.client = pd.client
	}
}

func (r *messageContactResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan messageContactResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	messageTypes, diags := stringSet(ctx, plan.MessageTypes)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := r.client.AddMessageContact(ctx, rdapi.AddMessageContactInput{
		Name:         plan.Name.ValueString(),
		EmailAddress: plan.EmailAddress.ValueString(),
		PhoneNumber:  plan.PhoneNumber.ValueString(),
		Title:        plan.Title.ValueString(),
		MessageTypes: messageTypes,
	})
	if err != nil {
		r.createError(ctx, &resp.Diagnostics, plan.Name.ValueString(), err)
		return
	}
	ctx = tflog.SetField(ctx, "contact_id", out.ContactID)
	tflog.Debug(ctx, "created message contact", map[string]any{"recovered": out.Recovered})

	// Save the ID at once: whatever fails below, Terraform must not lose
	// track of the contact that now exists.
	plan.ID = types.StringValue(out.ContactID)
	if out.CreateDate != "" {
		plan.CreateDate = types.StringValue(out.CreateDate)
	}
	partial := plan
	partial.nullUnknowns()
	resp.Diagnostics.Append(resp.State.Set(ctx, &partial)...)
	setIdentity(ctx, resp.Identity, out.ContactID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	if out.Recovered && ctx.Err() != nil {
		// The timeout or an interrupt ended the create while the Add that
		// committed was in flight; the contact was found afterwards. Record
		// it as listed rather than fail (a failed create would be tainted
		// and replaced).
		r.recordInterruptedCreate(ctx, resp, plan, *out.Contact)
		return
	}
	v, err := r.client.ReadNewContact(ctx, out.ContactID)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Message Contact After Create",
			fmt.Sprintf("Message contact %s was created, but reading it back failed: %s", out.ContactID, err))
		return
	}
	resolveMasked(v, verifiedTargets{}, []string{plan.EmailAddress.ValueString()}, []string{plan.PhoneNumber.ValueString()})
	if plan.SendVerification.ValueBool() {
		r.sendVerifications(ctx, &resp.Diagnostics, v, true, true)
	}
	recordVerified(ctx, resp.Private, v, &resp.Diagnostics)
	resp.Diagnostics.Append(plan.fromAPI(ctx, v)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// legacyReadMemoKey is the private-state key under which builds before
// 2026-12-06 stored a hash of a read's inputs (the read memo, since
// removed). Read drops it, so that no state keeps a stale hash.
const legacyReadMemoKey = "read_memo"

func (r *messageContactResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state messageContactResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	id := state.ID.ValueString()
	ctx = tflog.SetField(ctx, "contact_id", id)

	v, err := readContact(ctx, r.client, id, req.Private, resp.Private, &resp.Diagnostics)
	switch {
	case rdapi.IsNotFound(err):
		tflog.Warn(ctx, "message contact no longer exists; removing it from state")
		resp.State.RemoveResource(ctx)
		// NOTE: the framework (v1.19) insists on a non-null identity after
		// every successful Read, even a removal; CLIs without identity
		// support (Terraform < 1.12) send none, so set it here.
		setIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
		return
	case err != nil:
		resp.Diagnostics.AddError("Unable to Read Message Contact", err.Error())
		return
	}
	before := state
	resolveMasked(v, loadVerified(ctx, req.Private), []string{state.EmailAddress.ValueString()}, []string{state.PhoneNumber.ValueString()})
	resp.Diagnostics.Append(state.fromAPI(ctx, v)...)
	recordVerified(ctx, resp.Private, v, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, legacyReadMemoKey, nil)...)
	// After an import, the provider-only arguments have no value yet.
	state.defaultProviderArguments()
	// The response starts as the current state and identity. When the read
	// changed nothing (a drift check's common case) they are left as they
	// are: setting them again costs the framework's reflection for nothing.
	if !reflect.DeepEqual(state, before) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
	if req.Identity == nil || !req.Identity.Raw.IsFullyKnown() || req.Identity.Raw.IsNull() {
		setIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
	}
}

func (r *messageContactResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state messageContactResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	id := state.ID.ValueString()
	ctx = tflog.SetField(ctx, "contact_id", id)

	in, changed, diags := updateInput(ctx, plan.messageContactModel, state.messageContactModel)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !r.cancelReverted(ctx, resp.Private, plan.messageContactModel, state.messageContactModel, &in, &changed, &resp.Diagnostics) {
		return
	}
	emailChanged := slices.Contains(changed, "email_address")
	phoneChanged := slices.Contains(changed, "phone_number")
	if len(changed) > 0 {
		tflog.Debug(ctx, "updating message contact", map[string]any{"changed": changed})
		if err := r.client.UpdateMessageContact(ctx, in); err != nil {
			if rdapi.IsCode(err, rdapi.CodeNameAlreadyUsed) {
				r.addNameTaken(ctx, &resp.Diagnostics, plan.Name.ValueString(), err, false)
				return
			}
			if interrupted(err) {
				addUpdateInterrupted(&resp.Diagnostics, id, err)
				return
			}
			addAPIError(&resp.Diagnostics, "Unable to Update Message Contact", err, contactArgumentForCode)
			return
		}
	}

	v, err := r.client.ReadContact(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Message Contact After Update", err.Error())
		return
	}
	resolveMasked(v, loadVerified(ctx, req.Private), []string{plan.EmailAddress.ValueString()}, []string{plan.PhoneNumber.ValueString()})
	sendChanged := plan.SendVerification.ValueBool()
	if sendChanged && (emailChanged || phoneChanged) {
		r.sendVerifications(ctx, &resp.Diagnostics, v, emailChanged, phoneChanged)
	}
	if !plan.ResendVerificationTrigger.Equal(state.ResendVerificationTrigger) {
		r.resendPending(ctx, &resp.Diagnostics, v, sendChanged && emailChanged, sendChanged && phoneChanged)
	}
	recordVerified(ctx, resp.Private, v, &resp.Diagnostics)

	// Computed values the plan already knows (kept from state because
	// nothing they depend on changed) stay as planned, so that a concurrent
	// change, such as a recipient verifying during the apply, cannot make
	// the result inconsistent with the plan. The next refresh reports it.
	planned := plan.messageContactModel
	resp.Diagnostics.Append(plan.fromAPI(ctx, v)...)
	plan.keepKnownComputed(planned)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
}

func (r *messageContactResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state messageContactResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	id := state.ID.ValueString()
	ctx = tflog.SetField(ctx, "contact_id", id)

	retain := state.RetainContactInMembersOnDestroy.ValueBool()
	// Bindings this configuration manages depend on the contact and are
	// destroyed first; any left now were made elsewhere. The operation's
	// listing, less what this process has unbound since, tells them without
	// a call; a retained contact's (for a warning) and, with batching off,
	// every contact's are read fresh. Otherwise the deletion's wait, which
	// lists the contact Deleting, tells them.
	snap := r.client.Snapshot()
	boundElsewhere, known := snap.Bindings(ctx, id)
	if !known && (retain || !snap.Batching()) {
		if mc, err := snap.Contact(ctx, id); err == nil {
			boundElsewhere, known = mc.Members, true
		}
	}
	// A contact bound to nothing has no member to be kept in or removed
	// from: RetainContactInMembers has nothing to act on, and true lets the
	// API delete it at once, where false starts an asynchronous deletion
	// that the destroy must wait for (two listings, which at
	// -parallelism=10 halve the rate of a whole directory's destroy).
	send := retain || (known && len(boundElsewhere) == 0)
	out, err := r.client.DeleteMessageContact(ctx, rdapi.DeleteMessageContactInput{
		ContactID:              id,
		RetainContactInMembers: &send,
	})
	switch {
	case rdapi.IsNotFound(err):
		tflog.Debug(ctx, "message contact already deleted")
		return
	case rdapi.IsCode(err, rdapi.CodeStatusMismatch):
		// An earlier deletion is still running: wait for it.
		tflog.Debug(ctx, "message contact deletion already in progress")
	case interrupted(err):
		r.deleteInterrupted(ctx, &resp.Diagnostics, id, err, boundElsewhere, retain)
		return
	case err != nil:
		resp.Diagnostics.AddError("Unable to Delete Message Contact", err.Error())
		return
	case out.Status == rdapi.DeletionStatusDeleted:
		addUnmanagedBindingsWarning(&resp.Diagnostics, id, boundElsewhere, retain)
		return
	}
	seen, err := r.client.WaitForDeletion(ctx, id)
	if !known && seen != nil {
		boundElsewhere = seen.Members
	}
	if err != nil {
		if failed, ok := errors.AsType[*rdapi.DeletionFailedError](err); ok {
			resp.Diagnostics.AddError("Message Contact Deletion Failed", deletionFailedDetail(failed))
			return
		}
		if interrupted(err) {
			r.deleteInterrupted(ctx, &resp.Diagnostics, id, err, boundElsewhere, retain)
			return
		}
		resp.Diagnostics.AddError("Unable to Delete Message Contact",
			fmt.Sprintf("Waiting for the deletion of message contact %s to finish failed: %s", id, err))
		return
	}
	tflog.Debug(ctx, "message contact deletion finished")
	addUnmanagedBindingsWarning(&resp.Diagnostics, id, boundElsewhere, retain)
}

// deletionFailedDetail explains an asynchronous deletion that the API
// reports as Failed, and how to get past it.
func deletionFailedDetail(e *rdapi.DeletionFailedError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "The API reports that the deletion of message contact %s failed: it could not be removed from "+
		"the contact settings of these member accounts:\n", e.ContactID)
	for _, r := range e.Reasons {
		fmt.Fprintf(&b, "  - account %s: message types %s\n", r.AccountID, strings.Join(r.MessageTypes, ", "))
	}
	if len(e.Reasons) == 0 {
		b.WriteString("  (the API gave no details)\n")
	}
	b.WriteString("\nThe contact still exists. Fix the accounts' contact settings, or set " +
		"retain_contact_in_members_on_destroy = true, then destroy again.")
	return b.String()
}

func (r *messageContactResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := req.ID
	if id == "" && req.Identity != nil {
		var ident messageContactIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
		if resp.Diagnostics.HasError() {
			return
		}
		id = ident.ID.ValueString()
	}
	if !contactIDPattern.MatchString(id) {
		resp.Diagnostics.AddError("Invalid Message Contact ID",
			fmt.Sprintf("Expected a message contact ID such as c-qL4HqKONzOM7abcd (\"c-\" followed by letters and "+
				"digits), got %q. Find the ID in the Resource Directory console or with the "+
				"resourcedirectory_message_contacts data source.", id))
		return
	}
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
	markImported(ctx, resp.Private, &resp.Diagnostics)
}

// sendVerifications asks the API to send verification to the pending email
// address and/or phone number of v. Failures are warnings: the contact is in
// the state Terraform expects, and verification can be resent later.
func (r *messageContactResource) sendVerifications(ctx context.Context, diags *diag.Diagnostics, v *rdapi.Contact, email, phone bool) {
	if email && v.PendingEmailAddress != "" {
		err := r.client.SendEmailVerificationForMessageContact(ctx, v.ContactID, v.PendingEmailAddress)
		handleSendResult(ctx, diags, "email address", v.PendingEmailAddress, err)
	}
	if phone && v.PendingPhoneNumber != "" {
		err := r.client.SendPhoneVerificationForMessageContact(ctx, v.ContactID, v.PendingPhoneNumber)
		handleSendResult(ctx, diags, "phone number", v.PendingPhoneNumber, err)
	}
}

func handleSendResult(ctx context.Context, diags *diag.Diagnostics, kind, target string, err error) {
	switch {
	case err == nil:
		tflog.Info(ctx, "sent verification", map[string]any{"channel": kind})
	case rdapi.IsCode(err, rdapi.CodeVerificationNotFound):
		// The target is no longer pending: it was verified in the meantime.
		tflog.Debug(ctx, "verification not needed any more", map[string]any{"channel": kind})
	case rdapi.IsCode(err, rdapi.CodeSendLimit):
		addSendLimitWarning(diags, kind, target, err)
	default:
		diags.AddWarning("Unable to Send Verification",
			fmt.Sprintf("The contact is saved, but sending the verification to the %s %s failed; its %s stays "+
				"pending until verified. Resend it by changing resend_verification_trigger, or with the "+
				"resourcedirectory_send_verification action (Terraform 1.14 and later).\n\n%s", kind, target, kind, err))
	}
}

// addNameTaken reports InvalidParameter.Name.AlreadyUsed on name, naming the
// contact that holds the name and, on create, how to import it; when this
// run created the holder, two resources declare the same name, which an
// import would not fix.
func (r *messageContactResource) addNameTaken(ctx context.Context, diags *diag.Diagnostics, name string, apiErr error, onCreate bool) {
	holder := ""
	mc, err := r.client.FindContactByName(ctx, name)
	switch {
	case err != nil:
		tflog.Warn(ctx, "unable to look up the contact holding the name", map[string]any{"error": err.Error()})
	case mc != nil:
		holder = mc.ContactID
	}
	if holder != "" && r.client.Created(holder) {
		// A sibling resource of this configuration created the holder in
		// this run: importing it would put two resources on one contact.
		diags.AddAttributeError(path.Root("name"), "Duplicate Message Contact Name",
			fmt.Sprintf("Two resources in this configuration declare the name %q: this run has just created message "+
				"contact %s with it for another resourcedirectory_message_contact resource, and names are unique "+
				"within the resource directory. Give each resource its own name (with for_each or count, derive it "+
				"from each.key or count.index).\n\n%s", name, rdapi.Printable(holder, 64), apiErr))
		return
	}
	var b strings.Builder
	if holder != "" {
		fmt.Fprintf(&b, "Message contact %s already has the name %q; names are unique within the resource directory.", rdapi.Printable(holder, 64), name)
	} else {
		fmt.Fprintf(&b, "Another message contact already has the name %q; names are unique within the resource directory.", name)
	}
	if onCreate && holder != "" {
		fmt.Fprintf(&b, "\n\nTo manage the existing contact with this configuration instead, %s", importHint(holder))
	} else {
		b.WriteString("\n\nChoose another name.")
	}
	fmt.Fprintf(&b, "\n\n%s", apiErr)
	diags.AddAttributeError(path.Root("name"), "Message Contact Name Already Used", b.String())
}

// setIdentity records the resource identity when the CLI supports it.
func setIdentity(ctx context.Context, ident interface {
	Set(context.Context, any) diag.Diagnostics
}, id string, diags *diag.Diagnostics) {
	if ident == nil || id == "" {
		return
	}
	diags.Append(ident.Set(ctx, messageContactIdentityModel{ID: types.StringValue(id)})...)
}
