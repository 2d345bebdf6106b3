package provider

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// realAPIEnvVar switches the emulator-backed tests to the real API. The
// credentials then come from the usual ALIBABA_CLOUD_* variables and the
// endpoint, optionally, from ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER.
const realAPIEnvVar = "RESOURCEDIRECTORY_ACC_REAL"

const contactType = "resourcedirectory_message_contact"

// protoV6Factories serves the provider in-process to the Terraform CLI.
var protoV6Factories = map[string]func() (tfprotov6.ProviderServer, error){
	"resourcedirectory": providerserver.NewProtocol6WithError(New("test")()),
}

// realAPI reports whether the tests target the real API.
func realAPI() bool { return os.Getenv(realAPIEnvVar) == "1" }

// testEnv is the API a test runs against: an in-process emulator, or the
// real API when RESOURCEDIRECTORY_ACC_REAL=1.
type testEnv struct {
	t *testing.T
	// emu is nil against the real API.
	emu      *emulator.Server
	mode     emulator.ReadMode
	endpoint string
	// accessKey and secretKey are the emulator's; empty against the real
	// API, where the provider reads the environment.
	accessKey string
	secretKey string
	client    *rdapi.Client
}

// newTestEnv starts an emulator with opts (or targets the real API).
func newTestEnv(t *testing.T, opts ...emulator.Option) *testEnv {
	t.Helper()
	env := &testEnv{t: t}
	var creds rdapi.CredentialsProvider
	if realAPI() {
		env.endpoint = os.Getenv("ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER")
		creds = rdapi.StaticCredentials(os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"),
			os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), os.Getenv("ALIBABA_CLOUD_SECURITY_TOKEN"))
		if os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID") == "" {
			t.Fatalf("%s=1 needs ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET", realAPIEnvVar)
		}
	} else {
		env.emu = emulator.NewServer(t, opts...)
		env.endpoint = env.emu.URL
		env.accessKey, env.secretKey = emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret
		creds = rdapi.StaticCredentials(env.accessKey, env.secretKey, "")
	}
	c, err := rdapi.New(rdapi.Options{Endpoint: env.endpoint, Credentials: creds, UserAgent: "provider-tests"})
	if err != nil {
		t.Fatalf("creating the out-of-band API client: %v", err)
	}
	env.client = c
	return env
}

// forEachReadMode runs f in a subtest per variant of the emulator's
// undocumented behaviours that the provider must be right under: what
// GetMessageContact returns while a change is pending (read mode) and the
// order of MessageTypes in replies. Each value of each behaviour appears in
// one variant; pairing them keeps the suite's time. Against the real API f
// runs once.
func forEachReadMode(t *testing.T, f func(t *testing.T, env *testEnv), opts ...emulator.Option) {
	t.Helper()
	if realAPI() {
		t.Run("real", func(t *testing.T) { f(t, newTestEnv(t, opts...)) })
		return
	}
	for _, v := range []struct {
		name  string
		mode  emulator.ReadMode
		order emulator.MessageTypesOrder
	}{
		{"submitted", emulator.ReadSubmitted, emulator.MessageTypesSubmitted},
		{"verified+sorted", emulator.ReadVerified, emulator.MessageTypesSorted},
	} {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel() // each variant has its own emulator
			env := newTestEnv(t, append(slices.Clone(opts), emulator.WithSettings(func(cfg *emulator.Settings) {
				cfg.ReadMode, cfg.MessageTypesOrder = v.mode, v.order
			}))...)
			env.mode = v.mode
			f(t, env)
		})
	}
}

// emulated returns the emulator, failing the test when there is none: use
// it only in steps guarded by skipOnRealAPI.
func (e *testEnv) emulated() *emulator.Server {
	e.t.Helper()
	if e.emu == nil {
		e.t.Fatal("this step needs the emulator; guard it with SkipFunc: env.skipOnRealAPI")
	}
	return e.emu
}

// skipOnRealAPI is a TestStep.SkipFunc for steps that need emulator hooks
// (completing a verification, faults, read modes), which the real API does
// not offer.
func (e *testEnv) skipOnRealAPI() (bool, error) {
	if e.emu == nil {
		e.t.Log("skipping a step that needs emulator hooks (verification, fault injection): running against the real API")
		return true, nil
	}
	return false, nil
}

// requireEmulator skips a whole test that only makes sense with emulator
// hooks, when running against the real API.
func (e *testEnv) requireEmulator(why string) {
	e.t.Helper()
	if e.emu == nil {
		e.t.Skipf("needs the emulator (%s); skipped against the real API", why)
	}
}

// providerHCL is the provider block pointing at the test API.
func (e *testEnv) providerHCL(extra ...string) string {
	var b strings.Builder
	b.WriteString("provider \"resourcedirectory\" {\n")
	if e.endpoint != "" {
		fmt.Fprintf(&b, "  endpoint   = %q\n", e.endpoint)
	}
	if e.accessKey != "" {
		fmt.Fprintf(&b, "  access_key = %q\n  secret_key = %q\n", e.accessKey, e.secretKey)
	}
	for _, x := range extra {
		b.WriteString("  " + x + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// config joins the provider block and the given blocks.
func (e *testEnv) config(blocks ...fmt.Stringer) string {
	parts := []string{e.providerHCL()}
	for _, b := range blocks {
		parts = append(parts, b.String())
	}
	return strings.Join(parts, "\n")
}

// checkDestroyed is a CheckDestroy: every contact in the state is gone.
func (e *testEnv) checkDestroyed(s *terraform.State) error {
	var errs []error
	for _, rs := range s.RootModule().Resources {
		if rs.Type != contactType {
			continue
		}
		_, err := e.client.GetMessageContact(context.Background(), rs.Primary.ID)
		switch {
		case rdapi.IsNotFound(err):
		case err != nil:
			errs = append(errs, fmt.Errorf("checking %s: %w", rs.Primary.ID, err))
		default:
			errs = append(errs, fmt.Errorf("message contact %s still exists", rs.Primary.ID))
		}
	}
	return errors.Join(errs...)
}

// contactID returns the ID of the contact at addr in s.
func contactID(s *terraform.State, addr string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s not in state", addr)
	}
	return rs.Primary.ID, nil
}

// raw is literal HCL.
type raw string

func (r raw) String() string { return string(r) }

// contactHCL builds a resourcedirectory_message_contact block.
type contactHCL struct {
	label        string
	name         string
	email        string
	phone        string
	title        string
	messageTypes []string
	// sendVerification and retain are omitted when nil.
	sendVerification *bool
	retain           *bool
	// extra is appended inside the block (e.g. a timeouts block).
	extra string
}

// newContact returns a contact block with valid values and a random name.
func newContact(label string) contactHCL {
	return contactHCL{
		label:        label,
		name:         randomName(),
		email:        label + "@example.com",
		title:        "TechnicalDirector",
		messageTypes: []string{"AccountExpenses"},
	}
}

func (c contactHCL) addr() string { return contactType + "." + c.label }

func (c contactHCL) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource %q %q {\n", contactType, c.label)
	fmt.Fprintf(&b, "  name          = %q\n", c.name)
	fmt.Fprintf(&b, "  email_address = %q\n", c.email)
	if c.phone != "" {
		fmt.Fprintf(&b, "  phone_number  = %q\n", c.phone)
	}
	fmt.Fprintf(&b, "  title         = %q\n", c.title)
	quoted := make([]string, len(c.messageTypes))
	for i, m := range c.messageTypes {
		quoted[i] = fmt.Sprintf("%q", m)
	}
	fmt.Fprintf(&b, "  message_types = [%s]\n", strings.Join(quoted, ", "))
	if c.sendVerification != nil {
		fmt.Fprintf(&b, "  send_verification = %t\n", *c.sendVerification)
	}
	if c.retain != nil {
		fmt.Fprintf(&b, "  retain_contact_in_members_on_destroy = %t\n", *c.retain)
	}
	if c.extra != "" {
		b.WriteString(c.extra + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// with returns a copy of c changed by f, so steps can derive configs.
func (c contactHCL) with(f func(*contactHCL)) contactHCL {
	c.messageTypes = slices.Clone(c.messageTypes)
	f(&c)
	return c
}

// randomName returns a valid, probably unique contact name (letters only).
func randomName() string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	b := []byte("tf")
	for range 8 {
		b = append(b, letters[rand.IntN(len(letters))])
	}
	return string(b)
}

func ptr[T any](v T) *T { return &v }
