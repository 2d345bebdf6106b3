package incumbent

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// standIn is a protocol-5 provider (the incumbent's protocol) with the
// incumbent's one resource type and its recorded schema. It holds and reads
// state, which is all a CLI asks of the source provider of a move, and
// refuses every operation that would need the API.
type standIn struct {
	resource *tfprotov5.Schema
	provider *tfprotov5.Schema
}

var _ tfprotov5.ProviderServer = (*standIn)(nil)

// NewStandIn returns the stand-in provider's server, for tf5server.Serve.
// It panics if the recorded schema cannot be served (a defect of this
// package, which its tests catch).
func NewStandIn() tfprotov5.ProviderServer {
	js, err := Schema()
	if err != nil {
		panic(err)
	}
	block, err := protoBlock(js.Block)
	if err != nil {
		panic(fmt.Errorf("reference/schema.json: %w", err))
	}
	return &standIn{
		resource: &tfprotov5.Schema{Version: int64(js.Version), Block: block},
		// The provider arguments the recorded configuration (reference/main.tf)
		// sets, so that a configuration keeping its provider block validates.
		provider: &tfprotov5.Schema{Block: &tfprotov5.SchemaBlock{Attributes: []*tfprotov5.SchemaAttribute{
			{Name: "region", Type: tftypes.String, Optional: true},
			{Name: "protocol", Type: tftypes.String, Optional: true},
			{Name: "skip_region_validation", Type: tftypes.Bool, Optional: true},
		}}},
	}
}

// protoBlock converts a block of `providers schema -json` to the protocol's.
func protoBlock(b *tfjson.SchemaBlock) (*tfprotov5.SchemaBlock, error) {
	out := &tfprotov5.SchemaBlock{}
	for _, name := range sortedKeys(b.Attributes) {
		a := b.Attributes[name]
		ctyJSON, err := a.AttributeType.MarshalJSON()
		if err != nil {
			return nil, err
		}
		typ, err := parseType(ctyJSON)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", name, err)
		}
		out.Attributes = append(out.Attributes, &tfprotov5.SchemaAttribute{
			Name: name, Type: typ, Required: a.Required, Optional: a.Optional, Computed: a.Computed,
			Sensitive: a.Sensitive, Description: a.Description,
		})
	}
	for _, name := range sortedKeys(b.NestedBlocks) {
		nb := b.NestedBlocks[name]
		if nb.NestingMode != tfjson.SchemaNestingModeSingle {
			return nil, fmt.Errorf("block %s: nesting mode %s is not served", name, nb.NestingMode)
		}
		inner, err := protoBlock(nb.Block)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", name, err)
		}
		out.BlockTypes = append(out.BlockTypes, &tfprotov5.SchemaNestedBlock{
			TypeName: name, Nesting: tfprotov5.SchemaNestedBlockNestingModeSingle, Block: inner,
		})
	}
	return out, nil
}

// parseType reads a type in the JSON syntax of `providers schema -json`:
// the primitive types and collections of them ("string", ["list","string"]).
func parseType(b []byte) (tftypes.Type, error) {
	var name string
	if json.Unmarshal(b, &name) == nil {
		switch name {
		case "string":
			return tftypes.String, nil
		case "number":
			return tftypes.Number, nil
		case "bool":
			return tftypes.Bool, nil
		}
		return nil, fmt.Errorf("type %s is not served", b)
	}
	var pair []json.RawMessage
	if err := json.Unmarshal(b, &pair); err != nil || len(pair) != 2 {
		return nil, fmt.Errorf("type %s is not served", b)
	}
	if err := json.Unmarshal(pair[0], &name); err != nil {
		return nil, fmt.Errorf("type %s: %w", b, err)
	}
	elem, err := parseType(pair[1])
	if err != nil {
		return nil, err
	}
	switch name {
	case "list":
		return tftypes.List{ElementType: elem}, nil
	case "set":
		return tftypes.Set{ElementType: elem}, nil
	case "map":
		return tftypes.Map{ElementType: elem}, nil
	}
	return nil, fmt.Errorf("type %s is not served", b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// refuse is the answer to anything that would need the API.
func refuse(what string) []*tfprotov5.Diagnostic {
	return []*tfprotov5.Diagnostic{{
		Severity: tfprotov5.DiagnosticSeverityError,
		Summary:  "Stand-in Provider",
		Detail: fmt.Sprintf("This is a stand-in for the alicloud provider that serves the schema of %s for tests; "+
			"it cannot %s.", ResourceType, what),
	}}
}

func (s *standIn) unknownType(typeName string) []*tfprotov5.Diagnostic {
	if typeName == ResourceType {
		return nil
	}
	return refuse("serve " + typeName)
}

func (s *standIn) GetMetadata(context.Context, *tfprotov5.GetMetadataRequest) (*tfprotov5.GetMetadataResponse, error) {
	return &tfprotov5.GetMetadataResponse{
		ServerCapabilities: &tfprotov5.ServerCapabilities{GetProviderSchemaOptional: false},
		Resources:          []tfprotov5.ResourceMetadata{{TypeName: ResourceType}},
	}, nil
}

func (s *standIn) GetProviderSchema(context.Context, *tfprotov5.GetProviderSchemaRequest) (*tfprotov5.GetProviderSchemaResponse, error) {
	return &tfprotov5.GetProviderSchemaResponse{
		Provider:          s.provider,
		ResourceSchemas:   map[string]*tfprotov5.Schema{ResourceType: s.resource},
		DataSourceSchemas: map[string]*tfprotov5.Schema{},
	}, nil
}

func (s *standIn) GetResourceIdentitySchemas(context.Context, *tfprotov5.GetResourceIdentitySchemasRequest) (*tfprotov5.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov5.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov5.ResourceIdentitySchema{}}, nil
}

func (s *standIn) PrepareProviderConfig(_ context.Context, req *tfprotov5.PrepareProviderConfigRequest) (*tfprotov5.PrepareProviderConfigResponse, error) {
	return &tfprotov5.PrepareProviderConfigResponse{PreparedConfig: req.Config}, nil
}

func (s *standIn) ConfigureProvider(context.Context, *tfprotov5.ConfigureProviderRequest) (*tfprotov5.ConfigureProviderResponse, error) {
	return &tfprotov5.ConfigureProviderResponse{}, nil
}

func (s *standIn) StopProvider(context.Context, *tfprotov5.StopProviderRequest) (*tfprotov5.StopProviderResponse, error) {
	return &tfprotov5.StopProviderResponse{}, nil
}

func (s *standIn) ValidateResourceTypeConfig(_ context.Context, req *tfprotov5.ValidateResourceTypeConfigRequest) (*tfprotov5.ValidateResourceTypeConfigResponse, error) {
	return &tfprotov5.ValidateResourceTypeConfigResponse{Diagnostics: s.unknownType(req.TypeName)}, nil
}

// UpgradeResourceState decodes a stored state with the recorded schema (the
// schema has one version, so there is nothing to upgrade): a state of
// another shape is an error, as it is for the real provider.
func (s *standIn) UpgradeResourceState(_ context.Context, req *tfprotov5.UpgradeResourceStateRequest) (*tfprotov5.UpgradeResourceStateResponse, error) {
	if d := s.unknownType(req.TypeName); d != nil {
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: d}, nil
	}
	typ := s.resource.ValueType()
	v, err := req.RawState.UnmarshalWithOpts(typ, tfprotov5.UnmarshalOpts{})
	if err != nil {
		// A provider reports a state it cannot read as a diagnostic.
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: []*tfprotov5.Diagnostic{{ //nolint:nilerr // see above
			Severity: tfprotov5.DiagnosticSeverityError, Summary: "Invalid State", Detail: err.Error(),
		}}}, nil
	}
	dv, err := tfprotov5.NewDynamicValue(typ, v)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.UpgradeResourceStateResponse{UpgradedState: &dv}, nil
}

func (s *standIn) UpgradeResourceIdentity(context.Context, *tfprotov5.UpgradeResourceIdentityRequest) (*tfprotov5.UpgradeResourceIdentityResponse, error) {
	return &tfprotov5.UpgradeResourceIdentityResponse{Diagnostics: refuse("upgrade a resource identity (the incumbent has none)")}, nil
}

func (s *standIn) ReadResource(context.Context, *tfprotov5.ReadResourceRequest) (*tfprotov5.ReadResourceResponse, error) {
	return &tfprotov5.ReadResourceResponse{Diagnostics: refuse("read a contact from the API")}, nil
}

func (s *standIn) PlanResourceChange(context.Context, *tfprotov5.PlanResourceChangeRequest) (*tfprotov5.PlanResourceChangeResponse, error) {
	return &tfprotov5.PlanResourceChangeResponse{Diagnostics: refuse("plan a change to a contact")}, nil
}

func (s *standIn) ApplyResourceChange(context.Context, *tfprotov5.ApplyResourceChangeRequest) (*tfprotov5.ApplyResourceChangeResponse, error) {
	return &tfprotov5.ApplyResourceChangeResponse{Diagnostics: refuse("change a contact")}, nil
}

func (s *standIn) ImportResourceState(context.Context, *tfprotov5.ImportResourceStateRequest) (*tfprotov5.ImportResourceStateResponse, error) {
	return &tfprotov5.ImportResourceStateResponse{Diagnostics: refuse("import a contact")}, nil
}

func (s *standIn) MoveResourceState(context.Context, *tfprotov5.MoveResourceStateRequest) (*tfprotov5.MoveResourceStateResponse, error) {
	return &tfprotov5.MoveResourceStateResponse{Diagnostics: refuse("take over another resource's state")}, nil
}

func (s *standIn) GenerateResourceConfig(context.Context, *tfprotov5.GenerateResourceConfigRequest) (*tfprotov5.GenerateResourceConfigResponse, error) {
	return &tfprotov5.GenerateResourceConfigResponse{Diagnostics: refuse("generate configuration")}, nil
}

func (s *standIn) ValidateDataSourceConfig(_ context.Context, req *tfprotov5.ValidateDataSourceConfigRequest) (*tfprotov5.ValidateDataSourceConfigResponse, error) {
	return &tfprotov5.ValidateDataSourceConfigResponse{Diagnostics: refuse("serve the data source " + req.TypeName)}, nil
}

func (s *standIn) ReadDataSource(_ context.Context, req *tfprotov5.ReadDataSourceRequest) (*tfprotov5.ReadDataSourceResponse, error) {
	return &tfprotov5.ReadDataSourceResponse{Diagnostics: refuse("serve the data source " + req.TypeName)}, nil
}

func (s *standIn) CallFunction(context.Context, *tfprotov5.CallFunctionRequest) (*tfprotov5.CallFunctionResponse, error) {
	return &tfprotov5.CallFunctionResponse{Error: &tfprotov5.FunctionError{Text: "the stand-in has no functions"}}, nil
}

func (s *standIn) GetFunctions(context.Context, *tfprotov5.GetFunctionsRequest) (*tfprotov5.GetFunctionsResponse, error) {
	return &tfprotov5.GetFunctionsResponse{Functions: map[string]*tfprotov5.Function{}}, nil
}

func (s *standIn) ValidateEphemeralResourceConfig(context.Context, *tfprotov5.ValidateEphemeralResourceConfigRequest) (*tfprotov5.ValidateEphemeralResourceConfigResponse, error) {
	return &tfprotov5.ValidateEphemeralResourceConfigResponse{Diagnostics: refuse("serve ephemeral resources")}, nil
}

func (s *standIn) OpenEphemeralResource(context.Context, *tfprotov5.OpenEphemeralResourceRequest) (*tfprotov5.OpenEphemeralResourceResponse, error) {
	return &tfprotov5.OpenEphemeralResourceResponse{Diagnostics: refuse("serve ephemeral resources")}, nil
}

func (s *standIn) RenewEphemeralResource(context.Context, *tfprotov5.RenewEphemeralResourceRequest) (*tfprotov5.RenewEphemeralResourceResponse, error) {
	return &tfprotov5.RenewEphemeralResourceResponse{Diagnostics: refuse("serve ephemeral resources")}, nil
}

func (s *standIn) CloseEphemeralResource(context.Context, *tfprotov5.CloseEphemeralResourceRequest) (*tfprotov5.CloseEphemeralResourceResponse, error) {
	return &tfprotov5.CloseEphemeralResourceResponse{Diagnostics: refuse("serve ephemeral resources")}, nil
}
