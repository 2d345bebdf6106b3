package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// Interrupted writes.
//
// When the user interrupts a run (Ctrl-C), Terraform cancels the context of
// every operation in flight, and each one must report its own outcome: the
// protocol has no error shared by several resources, and an operation that
// returns no error is taken as done (a delete drops the contact from the
// state). With Terraform's default parallelism of 10 and the client writing
// one contact at a time, up to nine operations are then waiting for their
// turn. Each says in one block what happened to its contact, and only the
// one whose call was in flight needs a second look at the API.

// interrupted reports whether err ended a write because the run was
// interrupted (rather than by a timeout, which the timeout's own message
// explains).
func interrupted(err error) bool {
	return errors.Is(err, context.Canceled)
}

// addUpdateInterrupted reports an update of contact id cut short by an
// interrupt.
func addUpdateInterrupted(diags *diag.Diagnostics, id string, err error) {
	if rdapi.IsNotApplied(err) {
		diags.AddError("Update Cancelled", fmt.Sprintf("The run was interrupted before the update of message contact "+
			"%s was sent: nothing was changed. Apply again to make the change.", id))
		return
	}
	diags.AddError("Update Interrupted", fmt.Sprintf("The run was interrupted while the API was handling the update of "+
		"message contact %s, so it may or may not have been applied. The state keeps the contact as it was; the next "+
		"plan reads it and shows what is still to change.", id))
}

// deleteInterrupted reports a delete of contact id cut short by an
// interrupt, after looking (within rdapi.InterruptGrace) at what the API
// did when the call may have reached it. When the contact is gone it adds
// only warnings (the one for bindings made elsewhere too, as a finished
// delete does), so that the delete succeeds and the contact leaves the
// state.
func (r *messageContactResource) deleteInterrupted(ctx context.Context, diags *diag.Diagnostics, id string, err error,
	boundElsewhere []string, retain bool) {
	if rdapi.IsNotApplied(err) {
		diags.AddError("Delete Cancelled", fmt.Sprintf("The run was interrupted before the delete of message contact "+
			"%s was sent: the contact was not deleted and stays in the state.", id))
		return
	}
	grace, cancel := context.WithTimeout(context.WithoutCancel(ctx), rdapi.InterruptGrace)
	defer cancel()
	mc, getErr := r.client.GetMessageContact(grace, id)
	switch {
	case rdapi.IsNotFound(getErr):
		diags.AddWarning("Message Contact Deleted Despite Interruption", fmt.Sprintf("The run was interrupted while "+
			"the API was deleting message contact %s; the contact is gone, so it was removed from the state.", id))
		addUnmanagedBindingsWarning(diags, id, boundElsewhere, retain)
		return
	case getErr == nil && mc.Status == rdapi.StatusDeleting:
		diags.AddError("Delete Interrupted", fmt.Sprintf("The run was interrupted while the API was deleting message "+
			"contact %s. The deletion is still running, and the contact stays in the state until it is seen to "+
			"finish: destroy again, which waits for it and reports any member account it could not be removed from.", id))
	case getErr == nil:
		diags.AddError("Delete Interrupted", fmt.Sprintf("The run was interrupted while the delete of message contact "+
			"%s was in flight. The contact still exists (status %s) and stays in the state.", id, mc.Status))
	default:
		diags.AddError("Delete Interrupted", fmt.Sprintf("The run was interrupted while the delete of message contact "+
			"%s was in flight, and whether it was deleted could not be read (%s). The contact stays in the state; the "+
			"next refresh removes it if it is gone.", id, getErr))
	}
}
