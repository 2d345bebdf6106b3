package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// importHint tells how to bring an existing contact under this
// configuration, in words that hold for Terraform and OpenTofu alike.
func importHint(id string) string {
	id = rdapi.Printable(id, 64)
	return fmt.Sprintf("add an import block (replace <label> with the resource's name in your configuration):\n\n"+
		"  import {\n    to = %s.<label>\n    id = %q\n  }\n\n"+
		"or run the import command of your CLI (terraform import or tofu import) with that address and ID.", "resourcedirectory_message_contact", id)
}

// addAmbiguousCreate reports an Add that may have created the contact
// without proof that the contact holding the name is this create's.
func addAmbiguousCreate(diags *diag.Diagnostics, amb *rdapi.AmbiguousCreateError) {
	var b strings.Builder
	if amb.ContactID != "" {
		fmt.Fprintf(&b, "The create of message contact %q failed in a way that leaves open whether the API created it. "+
			"Contact %s now holds that name, but the provider did not adopt it because %s.\n\n"+
			"If %s is the contact this apply created (its details match your configuration), %s\n\n"+
			"If it is not, choose another name. The provider never adopts a contact it cannot show to be its own: a "+
			"destroy would then delete someone else's contact.",
			amb.Name, amb.ContactID, amb.Reason, amb.ContactID, importHint(amb.ContactID))
	} else {
		fmt.Fprintf(&b, "The create of message contact %q failed in a way that leaves open whether the API created it: %s.\n\n"+
			"Look for a contact named %q (the resourcedirectory_message_contacts data source, or the Resource Directory "+
			"console). If it exists and is this apply's, %s",
			amb.Name, amb.Reason, amb.Name, importHint("c-..."))
	}
	fmt.Fprintf(&b, "\n\n%s", amb.Err)
	diags.AddAttributeError(path.Root("name"), "Message Contact May Have Been Created", b.String())
}

// createError reports a failed AddMessageContact.
func (r *messageContactResource) createError(ctx context.Context, diags *diag.Diagnostics, name string, err error) {
	if amb, ok := errors.AsType[*rdapi.AmbiguousCreateError](err); ok {
		addAmbiguousCreate(diags, amb)
		return
	}
	if rdapi.IsCode(err, rdapi.CodeNameAlreadyUsed) {
		r.addNameTaken(ctx, diags, name, err, true)
		return
	}
	if errors.Is(err, context.Canceled) {
		// NOTE: an attempt that may have reached the server would have led
		// to an AmbiguousCreateError or a recovery instead.
		diags.AddError("Create Cancelled", fmt.Sprintf("The create of message contact %q was cancelled before the API "+
			"created it; nothing was created.", name))
		return
	}
	addAPIError(diags, "Unable to Create Message Contact", err, contactArgumentForCode)
}

// recordInterruptedCreate saves a contact whose create was cut short by the
// operation's timeout or an interrupt after the API had committed it, and
// which the client then found and read (mc) within rdapi.InterruptGrace.
// Nothing more is called: a new contact's targets are all pending.
func (r *messageContactResource) recordInterruptedCreate(ctx context.Context, resp *resource.CreateResponse,
	plan messageContactResourceModel, mc rdapi.MessageContact) {
	v := &rdapi.Contact{MessageContact: mc, PendingEmailAddress: mc.EmailAddress, PendingPhoneNumber: mc.PhoneNumber}
	resp.Diagnostics.Append(plan.fromAPI(ctx, v)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, mc.ContactID, &resp.Diagnostics)
	detail := fmt.Sprintf("The create of message contact %q was interrupted, or ran out of time, while the API was "+
		"creating it. The provider found contact %s afterwards and recorded it in state, so nothing is orphaned.",
		plan.Name.ValueString(), rdapi.Printable(mc.ContactID, 64))
	if plan.SendVerification.ValueBool() {
		detail += " Verification was not sent: send it now by changing resend_verification_trigger, or with the " +
			"resourcedirectory_send_verification action (Terraform 1.14 and later)."
	}
	resp.Diagnostics.AddWarning("Message Contact Created Despite Interruption", detail)
}
