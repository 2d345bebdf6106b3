package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// privateVerifiedKey is the private state key under which the resource
// remembers the contact's last verified email address and phone number.
// What GetMessageContact shows while a change is pending is undocumented:
// if it is the submitted value, only this record tells a configuration
// that goes back to the verified value from a new change.
const privateVerifiedKey = "verified_targets"

// verifiedTargets is the last verified email address and phone number seen.
type verifiedTargets struct {
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// privateData is the part of the framework's private state the resource uses.
type privateData interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
	SetKey(context.Context, string, []byte) diag.Diagnostics
}

func loadVerified(ctx context.Context, p privateData) verifiedTargets {
	var vt verifiedTargets
	if p == nil {
		return vt
	}
	b, diags := p.GetKey(ctx, privateVerifiedKey)
	if diags.HasError() || len(b) == 0 {
		return vt
	}
	if err := json.Unmarshal(b, &vt); err != nil {
		tflog.Debug(ctx, "ignoring unreadable private state", map[string]any{"error": err.Error()})
	}
	return vt
}

// observe updates vt from a fresh read: a target with nothing pending is
// verified; with a change pending, an API that shows another value than the
// pending one shows the verified value.
func (vt verifiedTargets) observe(v *rdapi.Contact) verifiedTargets {
	switch {
	case v.PendingEmailAddress == "":
		vt.Email = v.EmailAddress
	case v.EmailAddress != "" && v.EmailAddress != v.PendingEmailAddress:
		vt.Email = v.EmailAddress
	}
	switch {
	case v.PendingPhoneNumber == "":
		vt.Phone = v.PhoneNumber
	case v.PhoneNumber != "" && v.PhoneNumber != v.PendingPhoneNumber:
		vt.Phone = v.PhoneNumber
	}
	return vt
}

// recordVerified stores in p what v says about the verified targets.
func recordVerified(ctx context.Context, p privateData, v *rdapi.Contact, diags *diag.Diagnostics) {
	if p == nil {
		return
	}
	b, err := json.Marshal(loadVerified(ctx, p).observe(v))
	if err != nil {
		diags.AddError("Unable to Save Private State", err.Error()+"\n\nThis is a bug in the provider.")
		return
	}
	diags.Append(p.SetKey(ctx, privateVerifiedKey, b)...)
}

// cancelReverted handles an update whose email_address or phone_number goes
// back to the verified value while a change is pending: it cancels the
// pending change (CancelMessageContactUpdate) and drops the argument from
// in and changed, instead of submitting the verified value again (which
// could start a new verification). It reports false, with diagnostics,
// when the cancellation failed.
func (r *messageContactResource) cancelReverted(ctx context.Context, p privateData, plan, state messageContactModel,
	in *rdapi.UpdateMessageContactInput, changed *[]string, diags *diag.Diagnostics) bool {
	vt := loadVerified(ctx, p)
	cancel := rdapi.CancelMessageContactUpdateInput{ContactID: state.ID.ValueString()}
	var reverted []string
	// A pending target still masked cannot be named to the API: such a
	// revert is submitted as an update instead.
	if slices.Contains(*changed, "email_address") && vt.Email != "" && plan.EmailAddress.ValueString() == vt.Email &&
		state.PendingEmailAddress.ValueString() != "" && !rdapi.IsMasked(state.PendingEmailAddress.ValueString()) {
		cancel.EmailAddress = state.PendingEmailAddress.ValueString()
		reverted = append(reverted, "email_address")
	}
	if slices.Contains(*changed, "phone_number") && vt.Phone != "" && plan.PhoneNumber.ValueString() == vt.Phone &&
		state.PendingPhoneNumber.ValueString() != "" && !rdapi.IsMasked(state.PendingPhoneNumber.ValueString()) {
		cancel.PhoneNumber = state.PendingPhoneNumber.ValueString()
		reverted = append(reverted, "phone_number")
	}
	if len(reverted) == 0 {
		return true
	}
	err := r.client.CancelMessageContactUpdate(ctx, cancel)
	switch {
	case rdapi.IsCode(err, rdapi.CodeStatusMismatch):
		// Verified (or cancelled) since the plan: submit the value instead.
		tflog.Debug(ctx, "nothing pending to cancel any more; submitting the configured value", map[string]any{"arguments": reverted})
		return true
	case err != nil:
		addAPIError(diags, "Unable to Cancel Pending Update", err, contactArgumentForCode)
		return false
	}
	tflog.Info(ctx, "cancelled the pending change instead of submitting the verified value", map[string]any{"arguments": reverted})
	if cancel.EmailAddress != "" {
		in.EmailAddress = nil
	}
	if cancel.PhoneNumber != "" {
		in.PhoneNumber = nil
	}
	*changed = slices.DeleteFunc(*changed, func(s string) bool { return slices.Contains(reverted, s) })
	return true
}

// resendPending sends the verification again to what of v is pending, for
// a changed resend_verification_trigger, except to the targets the same
// update already sent to. Nothing pending is a warning.
func (r *messageContactResource) resendPending(ctx context.Context, diags *diag.Diagnostics, v *rdapi.Contact, sentEmail, sentPhone bool) {
	targets := slices.DeleteFunc(pendingTargets(v, nil), func(t pendingTarget) bool {
		return (t.channel == channelEmail && sentEmail) || (t.channel == channelPhone && sentPhone)
	})
	if len(targets) == 0 {
		if !sentEmail && !sentPhone {
			diags.AddWarning("No Verification Sent",
				fmt.Sprintf("resend_verification_trigger changed, but nothing of message contact %s awaits verification "+
					"(status %s), so nothing was sent.", v.ContactID, v.Status))
		}
		return
	}
	for _, t := range targets {
		handleSendResult(ctx, diags, t.kind, t.value, sendTo(ctx, r.client, v.ContactID, t))
	}
}

// resolveMasked resolves the pending targets the API showed masked (see
// rdapi.Contact) with values the resource knows: what it submitted (create,
// update) or what the state holds (read). rdapi resolved them with the
// contact's own value when that fits; the verified value vt recorded cannot
// be pending, so a target resolved to it, or still masked, is resolved
// with known instead when one of them fits. What fits nothing stays masked:
// the state then shows the mask as the effective value (an address nobody
// here submitted is pending), and the plan proposes the configured value.
func resolveMasked(v *rdapi.Contact, vt verifiedTargets, emails, phones []string) {
	resolve := func(pending *string, mask, verified string, known []string) {
		if mask == "" || (*pending != mask && *pending != verified) {
			return
		}
		for _, k := range known {
			if k != verified && rdapi.ResolveMasked(mask, k) != "" {
				*pending = k
				return
			}
		}
	}
	resolve(&v.PendingEmailAddress, v.PendingEmailMask, vt.Email, emails)
	resolve(&v.PendingPhoneNumber, v.PendingPhoneMask, vt.Phone, phones)
}
