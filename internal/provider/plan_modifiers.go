package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// verificationStateUnlessTargetsChange keeps the prior value of status and
// the pending_* attributes in the plan unless email_address or phone_number
// changes, in which case the API decides them and they are unknown.
type verificationStateUnlessTargetsChange struct{}

func (verificationStateUnlessTargetsChange) Description(context.Context) string {
	return "The value stays the same unless email_address or phone_number changes."
}

func (m verificationStateUnlessTargetsChange) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (verificationStateUnlessTargetsChange) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || !req.PlanValue.IsUnknown() {
		return
	}
	for _, name := range []string{"email_address", "phone_number"} {
		var planned, prior types.String
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(name), &planned)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(name), &prior)...)
		if resp.Diagnostics.HasError() || planned.IsUnknown() || !planned.Equal(prior) {
			return
		}
	}
	resp.PlanValue = req.StateValue
}
