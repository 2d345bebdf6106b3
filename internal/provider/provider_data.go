package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
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

// dataSourceClient, embedded in a data source, is its Configure: it keeps
// the client the provider configured.
type dataSourceClient struct {
	client *rdapi.Client
}

func (d *dataSourceClient) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if pd, ok := configuredFrom(req.ProviderData, &resp.Diagnostics); ok {
		d.client = pd.client
	}
}

// dataSourceReadTimeout is the default read timeout of every data source.
const dataSourceReadTimeout = 5 * time.Minute

// startRead begins a data source's Read: it decodes the configuration into
// data and bounds ctx by the read timeout that timeoutsOf returns once data
// is decoded. It reports false, with the diagnostics added, when the read
// cannot go on; the caller defers cancel otherwise.
func startRead(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse, data any,
	timeoutsOf func() timeouts.Value) (context.Context, context.CancelFunc, bool) {
	resp.Diagnostics.Append(req.Config.Get(ctx, data)...)
	if resp.Diagnostics.HasError() {
		return ctx, func() {}, false
	}
	return withTimeout(ctx, timeoutsOf().Read, dataSourceReadTimeout, &resp.Diagnostics)
}
