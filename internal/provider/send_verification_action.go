package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

var (
	_ action.ActionWithConfigure  = (*sendVerificationAction)(nil)
	_ action.ActionWithModifyPlan = (*sendVerificationAction)(nil)
)

// Channels of a pending verification, named after the resource arguments.
const (
	channelEmail = "email_address"
	channelPhone = "phone_number"
)

// sendVerificationAction is the action resourcedirectory_send_verification.
type sendVerificationAction struct {
	client *rdapi.Client
}

// NewSendVerificationAction returns the resourcedirectory_send_verification action.
func NewSendVerificationAction() action.Action {
	return &sendVerificationAction{}
}

// sendVerificationModel maps the action's config.
type sendVerificationModel struct {
	ContactID types.String `tfsdk:"contact_id"`
	Channel   types.String `tfsdk:"channel"`
}

func (a *sendVerificationAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_send_verification"
}

func (a *sendVerificationAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Sends the verification message again to what still awaits verification for a message " +
			"contact: its pending email address, its pending phone number, or both (Terraform 1.14 and later; " +
			"on other CLIs use the resource's `resend_verification_trigger`). When nothing of the chosen channel " +
			"is pending, nothing is sent and a warning says so; the account's daily limit of verification messages " +
			"is a warning too. Planning reads the contact and warns early when there is nothing to send.",
		Attributes: map[string]schema.Attribute{
			"contact_id": actionContactIDAttribute(),
			"channel": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Which pending target to send to: `email_address` or `phone_number`. " +
					"Omit it to send to every pending target.",
				Validators: []validator.String{channelValidator},
			},
		},
	}
}

func (a *sendVerificationAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	if pd, ok := configuredFrom(req.ProviderData, &resp.Diagnostics); ok {
		a.client = pd.client
	}
}

func (a *sendVerificationAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var cfg sendVerificationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || cfg.ContactID.IsUnknown() || cfg.Channel.IsUnknown() || a.client == nil {
		return
	}
	v, ok := actionContact(ctx, a.client, cfg.ContactID.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	if len(pendingTargets(v, channelsFrom(cfg.Channel))) == 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root("contact_id"), "Nothing To Send",
			nothingPendingDetail(v, channelsFrom(cfg.Channel), "Invoking the action now would send nothing."))
	}
}

func (a *sendVerificationAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg sendVerificationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := cfg.ContactID.ValueString()
	ctx = tflog.SetField(ctx, "contact_id", id)
	progress(resp.SendProgress, "Looking up what awaits verification for message contact %s", id)
	v, ok := actionContact(ctx, a.client, id, &resp.Diagnostics)
	if !ok {
		return
	}
	targets := pendingTargets(v, channelsFrom(cfg.Channel))
	if len(targets) == 0 {
		resp.Diagnostics.AddWarning("No Verification Sent", nothingPendingDetail(v, channelsFrom(cfg.Channel), "Nothing was sent."))
		return
	}
	for _, t := range targets {
		progress(resp.SendProgress, "Sending the verification to the %s %s", t.kind, t.value)
		err := sendTo(ctx, a.client, id, t)
		switch {
		case err == nil:
			tflog.Info(ctx, "sent verification", map[string]any{"channel": t.channel})
			progress(resp.SendProgress, "Sent the verification to the %s %s", t.kind, t.value)
		case rdapi.IsCode(err, rdapi.CodeVerificationNotFound):
			resp.Diagnostics.AddWarning("No Verification Sent",
				fmt.Sprintf("The %s %s of message contact %s no longer awaits verification (it was verified or "+
					"cancelled meanwhile), so nothing was sent to it.\n\n%s", t.kind, t.value, id, err))
		case rdapi.IsCode(err, rdapi.CodeSendLimit):
			addSendLimitWarning(&resp.Diagnostics, t.kind, t.value, err)
		default:
			addAPIError(&resp.Diagnostics, "Unable to Send Verification", err, actionArgumentForCode)
			return
		}
	}
}

// actionContactIDAttribute is the contact_id argument of both actions.
func actionContactIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Required: true,
		MarkdownDescription: "ID of the message contact (`c-…`), for example " +
			"`resourcedirectory_message_contact.example.id`.",
		Validators: []validator.String{stringvalidator.RegexMatches(contactIDPattern,
			`must be a message contact ID such as c-qL4HqKONzOM7abcd ("c-" followed by letters and digits)`)},
	}
}

// actionContact reads the contact an action addresses, with its pending
// targets. A missing contact is an error on contact_id.
func actionContact(ctx context.Context, client *rdapi.Client, id string, diags *diag.Diagnostics) (*rdapi.Contact, bool) {
	if client == nil {
		diags.AddError("Unconfigured Provider", "The provider was not configured before the action ran. This is a bug in the provider.")
		return nil, false
	}
	v, err := client.ReadContact(ctx, id)
	switch {
	case rdapi.IsNotFound(err):
		diags.AddAttributeError(path.Root("contact_id"), "Message Contact Not Found",
			fmt.Sprintf("Message contact %s does not exist in the resource directory. Check the ID, or list the "+
				"contacts with the resourcedirectory_message_contacts data source.\n\n%s", id, err))
		return nil, false
	case err != nil:
		addAPIError(diags, "Unable to Read Message Contact", err, actionArgumentForCode)
		return nil, false
	}
	return v, true
}

// actionArgumentForCode maps API error codes about the contact ID to the
// actions' contact_id argument.
func actionArgumentForCode(code string) (path.Path, bool) {
	if param, _ := rdapi.ContactParameter(code); param == rdapi.ParamContactID {
		return path.Root("contact_id"), true
	}
	return path.Empty(), false
}

// pendingTarget is an email address or phone number awaiting verification.
type pendingTarget struct {
	channel string // channelEmail or channelPhone
	kind    string // "email address" or "phone number", for messages
	value   string
}

// pendingTargets returns v's pending targets on the given channels (all
// channels when channels is empty), email first.
func pendingTargets(v *rdapi.Contact, channels []string) []pendingTarget {
	want := func(c string) bool { return len(channels) == 0 || slices.Contains(channels, c) }
	var out []pendingTarget
	if v.PendingEmailAddress != "" && want(channelEmail) {
		out = append(out, pendingTarget{channel: channelEmail, kind: "email address", value: v.PendingEmailAddress})
	}
	if v.PendingPhoneNumber != "" && want(channelPhone) {
		out = append(out, pendingTarget{channel: channelPhone, kind: "phone number", value: v.PendingPhoneNumber})
	}
	return out
}

// channelsFrom returns the one configured channel, or none (meaning all).
func channelsFrom(s types.String) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	return []string{s.ValueString()}
}

// nothingPendingDetail explains that nothing of v awaits verification on
// channels, then outcome.
func nothingPendingDetail(v *rdapi.Contact, channels []string, outcome string) string {
	what := "Nothing"
	if len(channels) == 1 {
		what = "No " + map[string]string{channelEmail: "email address", channelPhone: "phone number"}[channels[0]]
	}
	return fmt.Sprintf("%s of message contact %s awaits verification (status %s). %s", what, v.ContactID, v.Status, outcome)
}

// sendTo asks the API to send the verification to t.
func sendTo(ctx context.Context, client *rdapi.Client, contactID string, t pendingTarget) error {
	if t.channel == channelEmail {
		return client.SendEmailVerificationForMessageContact(ctx, contactID, t.value)
	}
	return client.SendPhoneVerificationForMessageContact(ctx, contactID, t.value)
}

// addSendLimitWarning reports the account's daily limit of verification
// messages, which is not an error: the target stays pending.
func addSendLimitWarning(diags *diag.Diagnostics, kind, target string, err error) {
	diags.AddWarning("Verification Not Sent: Daily Limit Reached",
		fmt.Sprintf("The API refused to send the verification to the %s %s because the account reached its daily "+
			"limit of verification messages; the %s stays pending. Resend it tomorrow: change "+
			"resend_verification_trigger of the resource, or invoke the resourcedirectory_send_verification action "+
			"(Terraform 1.14 and later).\n\n%s", kind, target, kind, err))
}

// progress sends a progress message, when the CLI listens for them.
func progress(send func(action.InvokeProgressEvent), format string, args ...any) {
	if send != nil {
		send(action.InvokeProgressEvent{Message: fmt.Sprintf(format, args...)})
	}
}
