package rdapi_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// TestGuidance_connectionRefusedOnLoopback: nothing listens at a local
// endpoint. The call fails after a short, bounded retry, names the URL, and
// a failed Add does not claim the contact may exist.
func TestGuidance_connectionRefusedOnLoopback(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + l.Addr().String()
	_ = l.Close()
	c, err := rdapi.New(rdapi.Options{Endpoint: endpoint, Credentials: rdapi.StaticCredentials("id", "secret", "")})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.AddMessageContact(context.Background(), addInput("tom"))
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "nothing is listening at "+endpoint) ||
		!strings.Contains(err.Error(), "3 attempts") || strings.Contains(err.Error(), "may have") {
		t.Errorf("err = %v", err)
	}
	// Three attempts with the default backoff wait at most 0.5s + 1s.
	if took > 5*time.Second {
		t.Errorf("took %s", took)
	}
}

func TestGuidance_endpointWithoutScheme(t *testing.T) {
	for _, ep := range []string{"127.0.0.1:8080", "localhost:9000", "[::1]:8080"} {
		_, err := rdapi.New(rdapi.Options{Endpoint: ep, Credentials: rdapi.StaticCredentials("id", "secret", "")})
		if err == nil || !strings.Contains(err.Error(), `"http://`+ep+`"`) {
			t.Errorf("New(%q) = %v, want a suggestion of http://%s", ep, err, ep)
		}
	}
	if _, err := rdapi.New(rdapi.Options{Endpoint: "resourcedirectory.aliyuncs.com", Credentials: rdapi.StaticCredentials("id", "secret", "")}); err != nil {
		t.Errorf("a bare public host is HTTPS: %v", err)
	}
}

// TestGuidance_wrongCredentialsNameTheSource: a wrong secret or an unknown
// key says where the credentials came from and how to check them.
func TestGuidance_wrongCredentialsNameTheSource(t *testing.T) {
	emu := emulator.NewServer(t)
	for _, tt := range []struct {
		name, id, secret, want string
	}{
		{"wrong secret", emulator.DefaultAccessKeyID, "not-the-secret", "secret does not belong to this AccessKey ID"},
		{"unknown key", "LTAIunknownkey", "secret", "does not know this AccessKey ID"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, emu, func(o *rdapi.Options) {
				o.Credentials = rdapi.StaticCredentials(tt.id, tt.secret, "")
				o.CredentialSource = "the environment variable ALIBABA_CLOUD_ACCESS_KEY_ID"
			})
			_, err := c.GetMessageContact(context.Background(), "c-1")
			for _, want := range []string{tt.want, "They came from the environment variable ALIBABA_CLOUD_ACCESS_KEY_ID",
				"aliyun sts GetCallerIdentity"} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("err = %v, want it to contain %q", err, want)
				}
			}
		})
	}
}
