package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// contactArguments names the argument of each contact parameter, as
// rdapi.ContactParameter reports them.
var contactArguments = map[string]string{
	rdapi.ParamName:         "name",
	rdapi.ParamEmailAddress: "email_address",
	rdapi.ParamPhoneNumber:  "phone_number",
	rdapi.ParamTitle:        "title",
	rdapi.ParamMessageTypes: "message_types",
}

// contactArgumentForCode maps API error codes that concern one argument of a
// message contact to that argument.
func contactArgumentForCode(code string) (path.Path, bool) {
	param, _ := rdapi.ContactParameter(code)
	if name, ok := contactArguments[param]; ok {
		return path.Root(name), true
	}
	return path.Empty(), false
}

// addAPIError reports err under summary. An API error whose code concerns one
// argument (per argumentFor, which may be nil) becomes an attribute error on
// it, carrying the API's message, code and RequestId.
func addAPIError(diags *diag.Diagnostics, summary string, err error, argumentFor func(code string) (path.Path, bool)) {
	if apiErr, ok := errors.AsType[*rdapi.APIError](err); ok && argumentFor != nil {
		if p, ok := argumentFor(apiErr.Code); ok {
			diags.AddAttributeError(p, summary, fmt.Sprintf("The API rejected this value: %s\n\nCode: %s\nRequestId: %s",
				apiErr.Message, apiErr.Code, apiErr.RequestID))
			return
		}
	}
	diags.AddError(summary, err.Error())
}

// addCredentialError reports a credential configuration that
// rdapi.ResolveCredentials refused: on the argument at fault when it names
// one.
func addCredentialError(diags *diag.Diagnostics, err error) {
	ce, ok := errors.AsType[*rdapi.CredentialError](err)
	switch {
	case !ok:
		diags.AddError("Invalid Credentials", err.Error())
	case ce.Setting != "":
		diags.AddAttributeError(path.Root(ce.Setting), ce.Title, ce.Detail)
	default:
		diags.AddError(ce.Title, ce.Detail)
	}
}
