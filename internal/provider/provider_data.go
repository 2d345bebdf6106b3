package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	client *rdapi.Client
}

// configuredFrom unpacks ProviderData. It reports false (and adds nothing)
// when Terraform calls Configure before the provider itself is configured.
func configuredFrom(v any, diags *diag.Diagnostics) (*providerData, bool) {
	if v == nil {
		return nil, false
	}
	pd, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", v))
	}
	return pd, ok
}
