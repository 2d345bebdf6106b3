package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
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

// messageContactAttrTypes is the object type of messageContactModel, for
// data sources that return contacts in a nested list.
func messageContactAttrTypes() map[string]attr.Type {
	return map[string]attr.Type{
		"id":                    types.StringType,
		"name":                  types.StringType,
		"email_address":         types.StringType,
		"phone_number":          types.StringType,
		"title":                 types.StringType,
		"message_types":         types.SetType{ElemType: types.StringType},
		"status":                types.StringType,
		"pending_email_address": types.StringType,
		"pending_phone_number":  types.StringType,
		"members":               types.SetType{ElemType: types.StringType},
		"create_date":           types.StringType,
	}
}

// Markdown descriptions shared by the resource and the data sources, so the
// generated docs say the same thing everywhere.
const (
	descContactID = "ID of the message contact (`c-` followed by letters and digits), assigned by the API."
	descName      = "Name of the contact: 2 to 12 characters, English letters or Chinese characters only, unique " +
		"within the resource directory."
	descEmail = "Email address that receives the messages. A new address takes effect only after the recipient " +
		"verifies it; until then `pending_email_address` shows it and messages keep going to the previous verified " +
		"address (if any)."
	descPhone = "Mobile phone number that receives the messages, as `<country code>-<number>`. The API accepts only " +
		"mainland China numbers (`86-1XXXXXXXXXX`). A new number takes effect only after the recipient verifies it; " +
		"until then `pending_phone_number` shows it."
	descTitle = "Job title of the contact: one of `FinanceDirector`, `TechnicalDirector`, `MaintenanceDirector`, " +
		"`CEO`, `ProjectDirector`, `Other`."
	descMessageTypes = "Types of messages the contact receives, at least one of `ServiceMessage`, `FaultMessage`, " +
		"`AccountExpenses`, `SecurityMessage`, `ActivityMessage`, `ProductMessage`."
	descStatus = "Status reported by the API: `Verifying` while an email address or phone number awaits " +
		"verification, `Active` once everything is verified, `Deleting` while an asynchronous deletion runs."
	descPendingEmail = "Email address that still awaits verification by its recipient, or null when none does. " +
		"Verification happens out of band (the recipient follows the link in the email); refresh to see it complete."
	descPendingPhone = "Phone number that still awaits verification by its recipient, or null when none does."
	descMembers      = "Objects the contact is bound to directly: the resource directory root (`rd-…`), folders " +
		"(`fd-…`) or member account IDs (16 digits). Manage bindings with `resourcedirectory_message_contact_binding`."
	descCreateDate = "Creation time as reported by the API, `yyyy-MM-dd HH:mm:ss` (the API gives no time zone)."
)

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
