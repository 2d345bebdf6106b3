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
// key says in words which key pair (its ID masked) came from which source,
// names both environment variables and how to check them, once per client:
// the client's later errors of the same kind say so in one line. The
// server's string-to-sign stays out of the error and goes to the log.
func TestGuidance_wrongCredentialsNameTheSource(t *testing.T) {
	emu := emulator.NewServer(t)
	for _, tt := range []struct {
		name, id, secret, want string
	}{
		{"wrong secret", emulator.DefaultAccessKeyID, "not-the-secret", "secret does not belong to this AccessKey ID"},
		{"unknown key", "LTAIunknownkey", "secret", "does not know this AccessKey ID"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var logged []string
			c := newClient(t, emu, func(o *rdapi.Options) {
				o.Credentials = rdapi.StaticCredentials(tt.id, tt.secret, "")
				o.CredentialSource = "the environment variable ALIBABA_CLOUD_ACCESS_KEY_ID"
				o.Logger = func(_ context.Context, ev rdapi.LogEvent) { logged = append(logged, ev.Message) }
			})
			_, err := c.GetMessageContact(context.Background(), "c-1")
			pair := "access key ID " + rdapi.MaskKeyID(tt.id)
			for _, want := range []string{tt.want, pair, "taken from the environment variable ALIBABA_CLOUD_ACCESS_KEY_ID",
				"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "aliyun sts GetCallerIdentity", "TF_LOG=DEBUG"} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("err = %v, want it to contain %q", err, want)
				}
			}
			if strings.Contains(err.Error(), tt.id) {
				t.Errorf("err = %v, shows the whole access key ID", err)
			}
			if strings.Contains(strings.ToLower(err.Error()), "string to sign") {
				t.Errorf("err = %v, quotes the server's string-to-sign", err)
			}
			if len(logged) == 0 || (tt.name == "wrong secret" && !strings.Contains(logged[len(logged)-1], "string to sign")) {
				t.Errorf("logged messages %q, want the API's message", logged)
			}
			_, again := c.GetMessageContact(context.Background(), "c-2")
			if again == nil || !strings.Contains(again.Error(), pair+" again") || strings.Contains(again.Error(), tt.want) {
				t.Errorf("second err = %v, want a one-line reference to the first", again)
			}
		})
	}
}

func TestMaskKeyID(t *testing.T) {
	for id, want := range map[string]string{
		"LTAI5tAbcdEfgh1234": "LTAI****1234",
		"shortkey":           "sh****",
		"":                   "****",
	} {
		if got := rdapi.MaskKeyID(id); got != want {
			t.Errorf("MaskKeyID(%q) = %q, want %q", id, got, want)
		}
	}
}
