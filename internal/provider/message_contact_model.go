package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

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

// contactView is a contact as the provider presents it: the API's view plus
// the targets still awaiting verification, which only
// ListMessageContactVerifications reveals.
type contactView struct {
	rdapi.MessageContact
	PendingEmail string
	PendingPhone string
}

// effectiveEmail is the address the practitioner last submitted: the pending
// target if there is one (by definition the latest submitted value), else
// what the API reports. This is correct whether the API echoes the submitted
// or the last verified value while a change is pending.
func (v contactView) effectiveEmail() string {
	if v.PendingEmail != "" {
		return v.PendingEmail
	}
	return v.EmailAddress
}

// effectivePhone is effectiveEmail for the phone number.
func (v contactView) effectivePhone() string {
	if v.PendingPhone != "" {
		return v.PendingPhone
	}
	return v.PhoneNumber
}

// loadContact reads one contact and its pending verification targets.
func loadContact(ctx context.Context, client *rdapi.Client, id string) (contactView, error) {
	mc, err := client.GetMessageContact(ctx, id)
	if err != nil {
		return contactView{}, err
	}
	return withPending(ctx, client, *mc)
}

// withPending adds the pending verification targets of mc. Only a contact
// that is not Active can have any, so an Active contact costs no extra call.
func withPending(ctx context.Context, client *rdapi.Client, mc rdapi.MessageContact) (contactView, error) {
	v := contactView{MessageContact: mc}
	if mc.Status == rdapi.StatusActive {
		return v, nil
	}
	for cv, err := range client.ListMessageContactVerifications(ctx, mc.ContactID) {
		if err != nil {
			return contactView{}, fmt.Errorf("listing pending verifications of %s: %w", mc.ContactID, err)
		}
		// The record does not say which channel a target is; only an email
		// address contains "@".
		if strings.Contains(cv.Target, "@") {
			if v.PendingEmail == "" {
				v.PendingEmail = cv.Target
			}
		} else if v.PendingPhone == "" {
			v.PendingPhone = cv.Target
		}
	}
	return v, nil
}

// fromAPI sets every attribute of m from v.
func (m *messageContactModel) fromAPI(ctx context.Context, v contactView) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(v.ContactID)
	m.Name = types.StringValue(v.Name)
	m.EmailAddress = types.StringValue(v.effectiveEmail())
	m.PhoneNumber = stringOrNull(v.effectivePhone())
	m.Title = types.StringValue(v.Title)
	m.Status = types.StringValue(v.Status)
	m.PendingEmailAddress = stringOrNull(v.PendingEmail)
	m.PendingPhoneNumber = stringOrNull(v.PendingPhone)
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
