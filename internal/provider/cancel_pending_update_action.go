package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

var (
	_ action.ActionWithConfigure  = (*cancelPendingUpdateAction)(nil)
	_ action.ActionWithModifyPlan = (*cancelPendingUpdateAction)(nil)
)

// cancelPendingUpdateAction is the action resourcedirectory_cancel_pending_update.
type cancelPendingUpdateAction struct {
	client *rdapi.Client
}

// NewCancelPendingUpdateAction returns the resourcedirectory_cancel_pending_update action.
func NewCancelPendingUpdateAction() action.Action {
	return &cancelPendingUpdateAction{}
}

// cancelPendingUpdateModel maps the action's config.
type cancelPendingUpdateModel struct {
	ContactID types.String `tfsdk:"contact_id"`
	Targets   types.Set    `tfsdk:"targets"`
}

func (a *cancelPendingUpdateAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cancel_pending_update"
}

func (a *cancelPendingUpdateAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Cancels a pending change of a message contact's email address and/or phone number " +
			"(`CancelMessageContactUpdate`): the contact keeps its last verified value and no verification link " +
			"stays valid (Terraform 1.14 and later; on other CLIs, revert `email_address` or `phone_number` of the " +
			"resource to the verified value). When nothing of the chosen targets is pending, nothing is cancelled " +
			"and a warning says so. Planning reads the contact and warns early when there is nothing to cancel.\n\n" +
			"If the resource still configures the cancelled value, its next plan proposes to submit it again.",
		Attributes: map[string]schema.Attribute{
			"contact_id": actionContactIDAttribute(),
			"targets": schema.SetAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Which pending changes to cancel: `email_address`, `phone_number` or both. " +
					"Omit it to cancel every pending change.",
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					channelsValidator,
				},
			},
		},
	}
}

func (a *cancelPendingUpdateAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	if pd, ok := configuredFrom(req.ProviderData, &resp.Diagnostics); ok {
		a.client = pd.client
	}
}

func (a *cancelPendingUpdateAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var cfg cancelPendingUpdateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || cfg.ContactID.IsUnknown() || cfg.Targets.IsUnknown() || a.client == nil {
		return
	}
	for _, e := range cfg.Targets.Elements() {
		if e.IsUnknown() {
			return
		}
	}
	channels, diags := stringSet(ctx, cfg.Targets)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	v, ok := actionContact(ctx, a.client, cfg.ContactID.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	if len(pendingTargets(v, channels)) == 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root("contact_id"), "Nothing To Cancel",
			nothingPendingDetail(v, channels, "Invoking the action now would cancel nothing."))
	}
}

func (a *cancelPendingUpdateAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg cancelPendingUpdateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	channels, diags := stringSet(ctx, cfg.Targets)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := cfg.ContactID.ValueString()
	ctx = tflog.SetField(ctx, "contact_id", id)
	progress(resp.SendProgress, "Looking up the pending changes of message contact %s", id)
	v, ok := actionContact(ctx, a.client, id, &resp.Diagnostics)
	if !ok {
		return
	}
	targets := pendingTargets(v, channels)
	if len(targets) == 0 {
		resp.Diagnostics.AddWarning("No Pending Update Cancelled", nothingPendingDetail(v, channels, "Nothing was cancelled."))
		return
	}
	in := rdapi.CancelMessageContactUpdateInput{ContactID: id}
	for _, t := range targets {
		progress(resp.SendProgress, "Cancelling the pending %s %s", t.kind, t.value)
		if t.channel == channelEmail {
			in.EmailAddress = t.value
		} else {
			in.PhoneNumber = t.value
		}
	}
	err := a.client.CancelMessageContactUpdate(ctx, in)
	switch {
	case rdapi.IsCode(err, rdapi.CodeStatusMismatch):
		resp.Diagnostics.AddWarning("No Pending Update Cancelled",
			fmt.Sprintf("The API reports that the status of message contact %s does not allow cancelling: its change "+
				"was verified meanwhile, or the contact is being deleted. Nothing was cancelled.\n\n%s", id, err))
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Unable to Cancel Pending Update", err, actionArgumentForCode)
		return
	}
	tflog.Info(ctx, "cancelled pending update", map[string]any{"targets": len(targets)})
	after, err := a.client.ReadContact(ctx, id)
	if err != nil {
		progress(resp.SendProgress, "Cancelled the pending change of message contact %s", id)
		return
	}
	progress(resp.SendProgress, "Cancelled; message contact %s now has status %s, email address %s",
		id, after.Status, after.LatestEmailAddress())
}
