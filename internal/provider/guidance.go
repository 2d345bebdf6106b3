package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// emailCaseChangeWarning warns at plan time when email_address differs
// from the state only in letter case: the API treats it as a new address,
// so applying it sends a new verification and the contact waits for it.
type emailCaseChangeWarning struct{}

func (emailCaseChangeWarning) Description(context.Context) string {
	return "Warns when the email address changes only in letter case."
}

func (m emailCaseChangeWarning) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (emailCaseChangeWarning) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsUnknown() || req.PlanValue.IsNull() {
		return
	}
	prior, planned := req.StateValue.ValueString(), req.PlanValue.ValueString()
	if prior == planned || !strings.EqualFold(prior, planned) {
		return
	}
	resp.Diagnostics.AddAttributeWarning(req.Path, "Email Address Changes Only in Letter Case",
		fmt.Sprintf("email_address changes from %q to %q. The API treats this as a new address: applying it "+
			"sends a new verification email (when send_verification is true) and the contact stays Verifying until "+
			"the recipient confirms it. To keep the verified address, write it exactly as %q.", prior, planned, prior))
}

// addUnmanagedBindingsWarning warns that a contact being destroyed is still
// bound to objects: bindings managed by this configuration are destroyed
// before the contact, so the ones left were made elsewhere.
func addUnmanagedBindingsWarning(diags *diag.Diagnostics, id string, members []string, retained bool) {
	if len(members) == 0 {
		return
	}
	names := make([]string, len(members))
	for i, m := range members {
		names[i] = rdapi.Printable(m, 64)
	}
	effect := "It is removed from their contact settings and stops receiving their messages."
	if retained {
		effect = "retain_contact_in_members_on_destroy is true, so they keep it in their contact settings."
	}
	diags.AddWarning("Message Contact Still Bound Elsewhere",
		fmt.Sprintf("Message contact %s was deleted while still bound to %s, binding(s) not managed by this "+
			"configuration. %s", rdapi.Printable(id, 64), strings.Join(names, ", "), effect))
}

var (
	_ resource.ResourceWithModifyPlan = (*messageContactBindingResource)(nil)
	_ resource.ResourceWithModifyPlan = (*messageContactMembersResource)(nil)
)

// ModifyPlan refuses, at plan time, a binding to a contact that does not
// exist (see checkContactExists) or to a member that is not in the resource
// directory (see checkMembersInTree).
func (r *messageContactBindingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkContactExists(ctx, r.client, req, resp, "bound")
	if r.client == nil || req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return
	}
	var memberID types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("member_id"), &memberID)...)
	if !resp.Diagnostics.HasError() && !memberID.IsUnknown() && !memberID.IsNull() {
		checkMembersInTree(ctx, r.client, path.Root("member_id"), []string{memberID.ValueString()}, &resp.Diagnostics)
	}
}

// ModifyPlan refuses, at plan time, a member set of a contact that does not
// exist (see checkContactExists) or naming members that are not in the
// resource directory (see checkNewMembers).
func (r *messageContactMembersResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkContactExists(ctx, r.client, req, resp, "bound to anything")
	r.checkNewMembers(ctx, req, resp)
}

// checkContactExists refuses the creation of a binding or a member set
// whose contact_id names a contact that does not exist (deleted outside
// Terraform, or a mistyped literal ID): the create could only fail at apply
// time. This is the only diagnostic about a deleted contact's bindings: the
// read that finds them gone says nothing, because a configuration that
// re-creates the contact re-creates them too. A contact_id not known yet (a
// contact created in the same apply) is not checked.
func checkContactExists(ctx context.Context, client *rdapi.Client, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, what string) {
	if client == nil || req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return
	}
	var contactID types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("contact_id"), &contactID)...)
	if resp.Diagnostics.HasError() || contactID.IsUnknown() || contactID.IsNull() {
		return
	}
	// The snapshot serves the check (a contact missing from it is confirmed
	// with GetMessageContact): Terraform plans every binding twice in an
	// apply, and a fresh read each time would cost two calls per binding.
	_, err := client.Snapshot().Contact(ctx, contactID.ValueString())
	switch {
	case rdapi.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("contact_id"), "Message Contact Not Found",
			fmt.Sprintf("Message contact %s does not exist, so it cannot be %s. It may have been deleted outside "+
				"Terraform: point contact_id at an existing contact, or at a resourcedirectory_message_contact "+
				"resource that creates it.", rdapi.Printable(contactID.ValueString(), 64), what))
	case err != nil:
		tflog.Debug(ctx, "unable to check the contact at plan time", map[string]any{"error": err.Error()})
	}
}
