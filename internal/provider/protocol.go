package provider

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The provider's protocol server.
//
// terraform-plugin-framework (v1.19) keeps the cancel function of every
// request's context until StopProvider, so that a stop can cancel whatever
// is in flight. Each cancel function holds its context, and each context
// holds the whole request: the gRPC stream, the loggers terraform-plugin-go
// attaches, the decoded configuration and state. Terraform never calls
// StopProvider in a run that is not interrupted, so a provider process
// keeps every request it has served: a plan of 500 contacts makes about
// 2000 calls and held 40 MiB of them at its end, and a plan of 1000
// resources over 100 MiB. The framework's own context is derived here from
// a requestContext that lets go of the request when the call returns, so
// what stays behind is a few hundred bytes per call.
//
// Streaming calls (ListResource, InvokeAction) are passed through as they
// are: their results are produced after the call returns, with its context.
//
// No release of the framework lets go of requests itself yet (v1.19.0 is
// the newest, 2026-12-06). TestProtocolServer_releasesRequests fails on the
// first one that does: this file can go then.

// NewProtocol6 returns the provider's protocol version 6 server, for
// tf6server.Serve and for acceptance tests.
func NewProtocol6(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		next := providerserver.NewProtocol6(newProvider(version))()
		fw, ok := next.(frameworkServer)
		if !ok {
			// A framework whose server has another shape is served as it is
			// (TestProtocolServer_releasesRequests then says what it costs).
			return next
		}
		return &protocolServer{frameworkServer: fw}
	}
}

// frameworkServer is what the framework's server implements: the protocol
// and the temporary interfaces for list resources, actions and state
// stores, which terraform-plugin-go detects by type assertion.
//
// NOTE: terraform-plugin-go marks the three interfaces deprecated because
// their methods will move into ProviderServer; until then it finds list
// resources, actions and state stores only through them.
type frameworkServer interface {
	tfprotov6.ProviderServerWithListResource //nolint:staticcheck // see the NOTE above
	tfprotov6.ProviderServerWithActions      //nolint:staticcheck // see the NOTE above
	tfprotov6.ProviderServerWithStateStores  //nolint:staticcheck // see the NOTE above
}

// protocolServer hands every unary call to the framework with a context
// that forgets the request once the call returns. The calls it does not
// override go to the framework as they are: ConfigureProvider (called once;
// the client it builds lives as long as the process), StopProvider, the
// streaming calls, and the state store calls this provider has none of.
type protocolServer struct {
	frameworkServer
}

var _ frameworkServer = (*protocolServer)(nil)

// unary runs one call with a releasing context.
func unary[Req, Resp any](ctx context.Context, req Req, call func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newRequestContext(ctx)
	defer rc.release()
	return call(rc, req)
}

// requestContext is ctx until release, and after it a cancelled context
// that refers to nothing: a context the framework keeps then costs the
// few bytes of this struct and of the framework's own cancelCtx.
type requestContext struct {
	parent atomic.Pointer[context.Context]
}

func newRequestContext(ctx context.Context) *requestContext {
	rc := &requestContext{}
	rc.parent.Store(&ctx)
	return rc
}

func (rc *requestContext) release() { rc.parent.Store(nil) }

// closedDone is the Done channel of a released requestContext.
var closedDone = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

func (rc *requestContext) Deadline() (time.Time, bool) {
	if p := rc.parent.Load(); p != nil {
		return (*p).Deadline()
	}
	return time.Time{}, false
}

// Done is the request's own channel while it runs, so that contexts
// derived from this one are cancelled with the request the way the
// standard library does it for its own contexts (no goroutine per call).
func (rc *requestContext) Done() <-chan struct{} {
	if p := rc.parent.Load(); p != nil {
		return (*p).Done()
	}
	return closedDone
}

func (rc *requestContext) Err() error {
	if p := rc.parent.Load(); p != nil {
		return (*p).Err()
	}
	return context.Canceled
}

func (rc *requestContext) Value(key any) any {
	if p := rc.parent.Load(); p != nil {
		return (*p).Value(key)
	}
	return nil
}

func (s *protocolServer) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return unary(ctx, req, s.frameworkServer.GetMetadata)
}

func (s *protocolServer) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return unary(ctx, req, s.frameworkServer.GetProviderSchema)
}

func (s *protocolServer) GetResourceIdentitySchemas(ctx context.Context, req *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return unary(ctx, req, s.frameworkServer.GetResourceIdentitySchemas)
}

func (s *protocolServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return unary(ctx, req, s.frameworkServer.ValidateProviderConfig)
}

func (s *protocolServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return unary(ctx, req, s.frameworkServer.ValidateResourceConfig)
}

func (s *protocolServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return unary(ctx, req, s.frameworkServer.UpgradeResourceState)
}

func (s *protocolServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return unary(ctx, req, s.frameworkServer.ReadResource)
}

func (s *protocolServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return unary(ctx, req, s.frameworkServer.PlanResourceChange)
}

func (s *protocolServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return unary(ctx, req, s.frameworkServer.ApplyResourceChange)
}

func (s *protocolServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return unary(ctx, req, s.frameworkServer.ImportResourceState)
}

func (s *protocolServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return unary(ctx, req, s.frameworkServer.MoveResourceState)
}

func (s *protocolServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return unary(ctx, req, s.frameworkServer.UpgradeResourceIdentity)
}

func (s *protocolServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return unary(ctx, req, s.frameworkServer.GenerateResourceConfig)
}

func (s *protocolServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return unary(ctx, req, s.frameworkServer.ValidateDataResourceConfig)
}

func (s *protocolServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return unary(ctx, req, s.frameworkServer.ReadDataSource)
}

func (s *protocolServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return unary(ctx, req, s.frameworkServer.CallFunction)
}

func (s *protocolServer) GetFunctions(ctx context.Context, req *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return unary(ctx, req, s.frameworkServer.GetFunctions)
}

func (s *protocolServer) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return unary(ctx, req, s.frameworkServer.ValidateEphemeralResourceConfig)
}

func (s *protocolServer) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return unary(ctx, req, s.frameworkServer.OpenEphemeralResource)
}

func (s *protocolServer) RenewEphemeralResource(ctx context.Context, req *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return unary(ctx, req, s.frameworkServer.RenewEphemeralResource)
}

func (s *protocolServer) CloseEphemeralResource(ctx context.Context, req *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return unary(ctx, req, s.frameworkServer.CloseEphemeralResource)
}

func (s *protocolServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return unary(ctx, req, s.frameworkServer.ValidateListResourceConfig)
}

func (s *protocolServer) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	return unary(ctx, req, s.frameworkServer.ValidateActionConfig)
}

func (s *protocolServer) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	return unary(ctx, req, s.frameworkServer.PlanAction)
}
