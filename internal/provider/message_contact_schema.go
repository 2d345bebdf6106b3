package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

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
		"Verification happens out of band (the recipient follows the link in the email); refresh to see it complete. " +
		"Should the API mask it (`someone***@example.com`, as its reference's examples do), this is the full address " +
		"that fits the mask when the provider knows one, else the mask."
	descPendingPhone = "Phone number that still awaits verification by its recipient, or null when none does. " +
		"A masked number (`86-139****1234`) is shown in full when the provider knows one that fits, else as the mask."
	descMembers = "Objects the contact is bound to directly: the resource directory root (`rd-…`), folders " +
		"(`fd-…`) or member account IDs (16 digits). Manage bindings with `resourcedirectory_message_contact_members` " +
		"(all of a contact's bindings) or `resourcedirectory_message_contact_binding` (one at a time)."
	descCreateDate = "Creation time as reported by the API, `yyyy-MM-dd HH:mm:ss` (the API gives no time zone)."
)

// contactAttributes is the one definition of the eleven attributes a
// message contact has in both data sources (the fields of
// messageContactDataModel), ten of which the resource has too (all but
// members): their names, types and data-source descriptions.
// The data-source schemas and the object type of the plural data source's
// contacts derive from it; TestSchemaModelParity holds the resource's schema
// to the same names and types.
var contactAttributes = []struct {
	name string
	set  bool // a set of strings; otherwise a string
	desc string
}{
	{"id", false, descContactID},
	{"name", false, descName},
	{"email_address", false, descEmail},
	{"phone_number", false, descPhone + " Null when the contact has none."},
	{"title", false, descTitle},
	{"message_types", true, descMessageTypes},
	{"status", false, descStatus},
	{"pending_email_address", false, descPendingEmail},
	{"pending_phone_number", false, descPendingPhone},
	{"members", true, descMembers},
	{"create_date", false, descCreateDate},
}

// contactDataSourceAttributes returns the contact attributes as computed
// data-source attributes; a data source may then replace the ones it takes
// as arguments.
func contactDataSourceAttributes() map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(contactAttributes))
	for _, a := range contactAttributes {
		if a.set {
			out[a.name] = schema.SetAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: a.desc}
		} else {
			out[a.name] = schema.StringAttribute{Computed: true, MarkdownDescription: a.desc}
		}
	}
	return out
}

// messageContactAttrTypes is the object type of messageContactDataModel,
// for data sources that return contacts in a nested list.
func messageContactAttrTypes() map[string]attr.Type {
	out := make(map[string]attr.Type, len(contactAttributes))
	for _, a := range contactAttributes {
		if a.set {
			out[a.name] = types.SetType{ElemType: types.StringType}
		} else {
			out[a.name] = types.StringType
		}
	}
	return out
}
