package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// messageContactModel holds the attributes a message contact has in the
// resource and in both data sources. The resource embeds it and adds its
// own arguments.
type messageContactModel struct {
	ID                  types.String `tfsdk:"id"`
	Name                types.String `tfsdk:"name"`
	EmailAddress        types.String `tfsdk:"email_address"`
	PhoneNumber         types.String `tfsdk:"phone_number"`
	Title               types.String `tfsdk:"title"`
	MessageTypes        types.Set    `tfsdk:"message_types"`
	Status              types.String `tfsdk:"status"`
	PendingEmailAddress types.String `tfsdk:"pending_email_address"`
	PendingPhoneNumber  types.String `tfsdk:"pending_phone_number"`
	Members             types.Set    `tfsdk:"members"`
	CreateDate          types.String `tfsdk:"create_date"`
}

// fromAPI sets every attribute of m from v: a pure conversion (rdapi reads
// the contact and its pending targets).
func (m *messageContactModel) fromAPI(ctx context.Context, v *rdapi.Contact) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(v.ContactID)
	m.Name = types.StringValue(v.Name)
	m.EmailAddress = types.StringValue(v.LatestEmailAddress())
	m.PhoneNumber = stringOrNull(v.LatestPhoneNumber())
	m.Title = types.StringValue(v.Title)
	m.Status = types.StringValue(v.Status)
	m.PendingEmailAddress = stringOrNull(v.PendingEmailAddress)
	m.PendingPhoneNumber = stringOrNull(v.PendingPhoneNumber)
	m.CreateDate = types.StringValue(v.CreateDate)

	var d diag.Diagnostics
	m.MessageTypes, d = types.SetValueFrom(ctx, types.StringType, nonNil(v.MessageTypes))
	diags.Append(d...)
	m.Members, d = types.SetValueFrom(ctx, types.StringType, nonNil(v.Members))
	diags.Append(d...)
	return diags
}

// stringSet returns the elements of a known set of strings, sorted.
func stringSet(ctx context.Context, s types.Set) ([]string, diag.Diagnostics) {
	if s.IsNull() || s.IsUnknown() {
		return nil, nil
	}
	var out []string
	diags := s.ElementsAs(ctx, &out, false)
	slices.Sort(out)
	return out, diags
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
