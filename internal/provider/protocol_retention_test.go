package provider

import (
	"context"
	"errors"
	"reflect"
	"runtime"
	"testing"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// TestProtocolServer_releasesRequests: once a call has returned, nothing of
// its request stays reachable from the server. The framework's own server
// keeps a cancel function per call until StopProvider, which kept every
// request a process served: 40 MiB at the end of a plan of 500 contacts.
// The framework's server is held to the opposite, so that the release of
// the framework that lets go of requests itself is noticed: protocol.go
// can then go (DESIGN.md, "the protocol server lets go of each request").
func TestProtocolServer_releasesRequests(t *testing.T) {
	for _, tt := range []struct {
		name     string
		server   tfprotov6.ProviderServer
		releases bool
	}{
		{"provider", NewProtocol6("test")(), true},
		{"framework", providerserver.NewProtocol6(newProvider("test"))(), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for name, call := range protocolCalls(tt.server) {
				t.Run(name, func(t *testing.T) {
					switch held := requestHeld(call); {
					case held && tt.releases:
						t.Errorf("after %s returned, its request is still reachable from the server", name)
					case !held && !tt.releases:
						t.Errorf("the framework's server let go of the request of %s: this framework release no "+
							"longer keeps requests, so protocol.go's wrapper can be removed", name)
					}
					runtime.KeepAlive(tt.server)
				})
			}
		})
	}
}

// protocolCalls are unary calls of server that run the framework's
// request handling without a configured provider.
func protocolCalls(server tfprotov6.ProviderServer) map[string]func(ctx context.Context) {
	return map[string]func(ctx context.Context){
		"GetMetadata":       func(ctx context.Context) { _, _ = server.GetMetadata(ctx, &tfprotov6.GetMetadataRequest{}) },
		"GetProviderSchema": func(ctx context.Context) { _, _ = server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}) },
		"ValidateProviderConfig": func(ctx context.Context) {
			_, _ = server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{})
		},
		"ValidateResourceConfig": func(ctx context.Context) {
			_, _ = server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: contactType})
		},
		"ReadResource": func(ctx context.Context) {
			_, _ = server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: contactType})
		},
	}
}

// requestHeld reports whether a request stays reachable after call, given
// its context, has returned and the context was cancelled. The request is
// represented by a value of its context, as the gRPC stream and the
// loggers are.
func requestHeld(call func(ctx context.Context)) bool {
	type requestKey struct{}
	request := new([64 << 10]byte)
	held := weak.Make(request)
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), requestKey{}, request))
	call(ctx)
	cancel()
	request, ctx = nil, nil //nolint:ineffassign,wastedassign // drop our own references
	for range 3 {
		runtime.GC()
	}
	return held.Value() != nil
}

// TestProtocolServer_sameCapabilities: the wrapper implements every optional
// interface the framework's server does, so terraform-plugin-go offers the
// same RPCs (list resources, actions, …) through it.
func TestProtocolServer_sameCapabilities(t *testing.T) {
	framework := providerserver.NewProtocol6(newProvider("test"))()
	ours := NewProtocol6("test")()
	for _, iface := range []reflect.Type{
		reflect.TypeFor[tfprotov6.ProviderServer](),
		reflect.TypeFor[tfprotov6.ProviderServerWithListResource](), //nolint:staticcheck // the interfaces terraform-plugin-go looks for
		reflect.TypeFor[tfprotov6.ProviderServerWithActions](),      //nolint:staticcheck // the interfaces terraform-plugin-go looks for
		reflect.TypeFor[tfprotov6.ProviderServerWithStateStores](),  //nolint:staticcheck // the interfaces terraform-plugin-go looks for
	} {
		if got, want := reflect.TypeOf(ours).Implements(iface), reflect.TypeOf(framework).Implements(iface); got != want {
			t.Errorf("%s: the provider's server implements it: %v; the framework's: %v", iface, got, want)
		}
	}
}

// TestRequestContext: while its call runs a requestContext is its parent
// (values, deadline, cancellation reach what is derived from it); after the
// call it is cancelled and refers to nothing.
func TestRequestContext(t *testing.T) {
	type key struct{}
	parent, cancelParent := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	defer cancelParent()
	rc := newRequestContext(parent)
	child, cancelChild := context.WithCancel(rc)
	defer cancelChild()
	if rc.Value(key{}) != "v" || child.Value(key{}) != "v" {
		t.Error("values of the request are not visible during the call")
	}
	cancelParent()
	<-child.Done()
	if !errors.Is(child.Err(), context.Canceled) {
		t.Errorf("a context derived during the call is not cancelled with the request: %v", child.Err())
	}

	rc.release()
	select {
	case <-rc.Done():
	default:
		t.Error("a released requestContext is not done")
	}
	if rc.Value(key{}) != nil || !errors.Is(rc.Err(), context.Canceled) {
		t.Errorf("a released requestContext still refers to the request: value %v, err %v", rc.Value(key{}), rc.Err())
	}
	if _, ok := rc.Deadline(); ok {
		t.Error("a released requestContext has a deadline")
	}
}
