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
// own arguments; the data sources add members (messageContactDataModel).
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
	CreateDate          types.String `tfsdk:"create_date"`
}

// messageContactDataModel is a contact as the data sources report it: the
// shared attributes plus the objects it is bound to. The resource has no
// members: bindings belong to the binding and member set resources, and a
// computed copy on the contact would change whenever they do, a change that
// `plan -refresh-only` reports as drift.
type messageContactDataModel struct {
	messageContactModel
	Members types.Set `tfsdk:"members"`
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
	return diags
}

// fromAPI sets every attribute of m from v, members included.
func (m *messageContactDataModel) fromAPI(ctx context.Context, v *rdapi.Contact) diag.Diagnostics {
	diags := m.messageContactModel.fromAPI(ctx, v)
	var d diag.Diagnostics
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

// setStrings returns the known elements of a set of strings, in the set's
// order, skipping unknown ones: unlike stringSet, it serves a plan-time
// check of a set that may still hold values known only after apply.
func setStrings(s types.Set) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	for _, v := range s.Elements() {
		if str, ok := v.(types.String); ok && !str.IsNull() && !str.IsUnknown() {
			out = append(out, str.ValueString())
		}
	}
	return out
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

// updateInput builds the UpdateMessageContact request from the difference
// between plan and state, and names the changed arguments. Only what changed
// is sent: resending an unchanged email address or phone number could
// restart its verification.
func updateInput(ctx context.Context, plan, state messageContactModel) (rdapi.UpdateMessageContactInput, []string, diag.Diagnostics) {
	var diags diag.Diagnostics
	in := rdapi.UpdateMessageContactInput{ContactID: state.ID.ValueString()}
	var changed []string
	if !plan.Name.Equal(state.Name) {
		in.Name = plan.Name.ValueStringPointer()
		changed = append(changed, "name")
	}
	if !plan.EmailAddress.Equal(state.EmailAddress) {
		in.EmailAddress = plan.EmailAddress.ValueStringPointer()
		changed = append(changed, "email_address")
	}
	if !plan.PhoneNumber.Equal(state.PhoneNumber) {
		// NOTE: a removed phone_number is sent as an empty PhoneNumber, which
		// clears the number.
		phone := plan.PhoneNumber.ValueString()
		in.PhoneNumber = &phone
		changed = append(changed, "phone_number")
	}
	if !plan.Title.Equal(state.Title) {
		in.Title = plan.Title.ValueStringPointer()
		changed = append(changed, "title")
	}
	if !plan.MessageTypes.Equal(state.MessageTypes) {
		mt, d := stringSet(ctx, plan.MessageTypes)
		diags.Append(d...)
		in.MessageTypes = mt
		changed = append(changed, "message_types")
	}
	return in, changed, diags
}

// nullUnknowns replaces unknown computed values with null, so a partial
// state can be saved.
func (m *messageContactModel) nullUnknowns() {
	for _, s := range []*types.String{&m.ID, &m.Status, &m.PendingEmailAddress, &m.PendingPhoneNumber, &m.CreateDate} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
}

// keepKnownComputed restores the computed values that planned knew.
func (m *messageContactModel) keepKnownComputed(planned messageContactModel) {
	keep := func(dst *types.String, p types.String) {
		if !p.IsUnknown() {
			*dst = p
		}
	}
	keep(&m.Status, planned.Status)
	keep(&m.PendingEmailAddress, planned.PendingEmailAddress)
	keep(&m.PendingPhoneNumber, planned.PendingPhoneNumber)
	keep(&m.CreateDate, planned.CreateDate)
}
