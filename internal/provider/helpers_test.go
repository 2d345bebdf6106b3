package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/credenvtest"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// realAPIEnvVar switches the emulator-backed tests to the real API. The
// credentials then come from the usual ALIBABA_CLOUD_* variables and the
// endpoint, optionally, from ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER.
const realAPIEnvVar = "RESOURCEDIRECTORY_ACC_REAL"

// protoV6Factories serves the provider in-process to the Terraform CLI.
var protoV6Factories = map[string]func() (tfprotov6.ProviderServer, error){
	"resourcedirectory": func() (tfprotov6.ProviderServer, error) { return NewProtocol6("test")(), nil },
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
	for _, v := range emulatorVariants {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel() // each variant has its own emulator
			env := newTestEnv(t, append(slices.Clone(opts), v.Option())...)
			env.mode = v.Mode
			f(t, env)
		})
	}
}

// emulatorVariant is one variant of the emulator's undocumented behaviours.
type emulatorVariant struct {
	Name  string
	Mode  emulator.ReadMode
	Order emulator.MessageTypesOrder
}

// Option selects the variant's behaviours.
func (v emulatorVariant) Option() emulator.Option {
	return emulator.WithSettings(func(cfg *emulator.Settings) { cfg.ReadMode, cfg.MessageTypesOrder = v.Mode, v.Order })
}

// emulatorVariants are the variants forEachReadMode runs.
var emulatorVariants = []emulatorVariant{
	{"submitted", emulator.ReadSubmitted, emulator.MessageTypesSubmitted},
	{"verified+sorted", emulator.ReadVerified, emulator.MessageTypesSorted},
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

const (
	examplesDir     = "../../examples"
	exampleContact  = contactType + ".example"
	examplePlaceID  = "c-qL4HqKONzOM7abcd" // the one placeholder contact ID of every example
	exampleContacts = "resources/" + contactType
)

// exampleContactInput mirrors examples/resources/.../resource.tf: the import
// examples adopt a contact created with these values, and the import plans
// are checked to be no-ops, so the two cannot drift apart silently.
var exampleContactInput = rdapi.AddMessageContactInput{
	Name:         "Ops",
	EmailAddress: "ops@example.com",
	PhoneNumber:  "86-13800138000",
	Title:        "TechnicalDirector",
	MessageTypes: []string{"AccountExpenses", "FaultMessage", "SecurityMessage"},
}

// exampleEnv starts an emulator and points the provider at it through the
// environment only, as a user's pipeline would: the examples themselves
// carry no endpoint and no credentials.
func exampleEnv(t *testing.T) *testEnv {
	t.Helper()
	env := newTestEnv(t)
	env.pointExamplesAtTestAPI()
	return env
}

const bindingType = "resourcedirectory_message_contact_binding"

// IDs of the emulator's default directory (emulator.DefaultDirectory).
const (
	testRootID       = "rd-k3Ux9d"
	testProdFolderID = "fd-Prod4Nz7Qa"
	testDevFolderID  = "fd-Dev2Lm5Wx"
	testAccountID    = "1500000000000002"
)

// bindingHCL builds a resourcedirectory_message_contact_binding block.
type bindingHCL struct {
	label string
	// contact is an HCL expression (a reference or a quoted literal).
	contact string
	member  string
	// extra is appended inside the block (e.g. a timeouts block).
	extra string
}

// bindTo binds the contact c to member.
func bindTo(label string, c contactHCL, member string) bindingHCL {
	return bindingHCL{label: label, contact: c.addr() + ".id", member: member}
}

func (b bindingHCL) addr() string { return bindingType + "." + b.label }

func (b bindingHCL) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "resource %q %q {\n", bindingType, b.label)
	fmt.Fprintf(&s, "  contact_id = %s\n", b.contact)
	fmt.Fprintf(&s, "  member_id  = %q\n", b.member)
	if b.extra != "" {
		s.WriteString(b.extra + "\n")
	}
	s.WriteString("}\n")
	return s.String()
}

// expectBindingState checks a binding's attributes in state, whatever the
// contact ID.
func expectBindingState(addr, member string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"),
			knownvalue.StringRegexp(regexp.MustCompile(`^c-[A-Za-z0-9]+:`+regexp.QuoteMeta(member)+`$`))),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("contact_id"), knownvalue.StringRegexp(contactIDPattern)),
		expectString(addr, "member_id", member),
	}
}

// expectMembers is a Check: the API lists exactly members for the contact
// at contactAddr.
func (e *testEnv) expectMembers(contactAddr string, members ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := contactID(s, contactAddr)
		if err != nil {
			return err
		}
		return e.checkMembers(id, members...)
	}
}

// checkMembers compares the objects contact id is bound to with want.
func (e *testEnv) checkMembers(id string, want ...string) error {
	mc, err := e.client.GetMessageContact(context.Background(), id)
	if err != nil {
		return fmt.Errorf("reading contact %s: %w", id, err)
	}
	got := slices.Sorted(slices.Values(mc.Members))
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		return fmt.Errorf("contact %s is bound to %v, want %v", id, got, want)
	}
	return nil
}

// outOfBand runs f with the test's API client, failing the test on error;
// for PreConfig hooks that change things behind Terraform's back.
func (e *testEnv) outOfBand(what string, f func(ctx context.Context, c *rdapi.Client) error) func() {
	return func() {
		if err := f(context.Background(), e.client); err != nil {
			e.t.Fatalf("%s out of band: %v", what, err)
		}
	}
}

// bindElsewhere binds the contact whose ID *id holds to a folder out of
// band, as a binding this configuration does not manage: deleting it then
// removes it from that folder's settings, asynchronously.
func (e *testEnv) bindElsewhere(id *string) func() {
	return e.outOfBand("binding the contact elsewhere", func(ctx context.Context, c *rdapi.Client) error {
		return c.AssociateMembers(ctx, *id, []string{e.directory().folderB})
	})
}

// directoryIDs are three objects of the resource directory the tests bind
// contacts to: the root and two folders.
type directoryIDs struct{ root, folderA, folderB string }

// Variables naming real directory objects for RESOURCEDIRECTORY_ACC_REAL=1.
const (
	realRootIDEnvVar    = "RESOURCEDIRECTORY_ACC_ROOT_ID"
	realFolderIDsEnvVar = "RESOURCEDIRECTORY_ACC_FOLDER_IDS"
)

// directory returns the IDs to bind to: the emulator's default directory,
// or, against the real API, the root from RESOURCEDIRECTORY_ACC_ROOT_ID and
// two folders from RESOURCEDIRECTORY_ACC_FOLDER_IDS ("fd-a,fd-b"); the test
// is skipped when they are not set.
func (e *testEnv) directory() directoryIDs {
	e.t.Helper()
	if e.emu != nil {
		return directoryIDs{root: testRootID, folderA: testProdFolderID, folderB: testDevFolderID}
	}
	root := os.Getenv(realRootIDEnvVar)
	folders := strings.Split(os.Getenv(realFolderIDsEnvVar), ",")
	if root == "" || len(folders) < 2 {
		e.t.Skipf("binding tests against the real API need %s and %s (two folder IDs, comma-separated)",
			realRootIDEnvVar, realFolderIDsEnvVar)
	}
	return directoryIDs{root: root, folderA: strings.TrimSpace(folders[0]), folderB: strings.TrimSpace(folders[1])}
}

// diagText matches s in CLI output, where the CLI may have wrapped the
// diagnostic's lines at any space.
func diagText(s string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(s), " ", `\s+`))
}

// withRequiredProvider prepends the required_providers block that the test
// framework adds to ordinary steps, but not to import steps that bring their
// own configuration.
func withRequiredProvider(config string) string {
	host := cmp.Or(strings.TrimSuffix(os.Getenv(resource.EnvTfAccProviderHost), "/"), "registry.terraform.io")
	namespace := cmp.Or(strings.TrimSuffix(os.Getenv(resource.EnvTfAccProviderNamespace), "/"), "hashicorp")
	return fmt.Sprintf("terraform {\n  required_providers {\n    resourcedirectory = {\n      source = %q\n    }\n  }\n}\n\n%s",
		host+"/"+namespace+"/resourcedirectory", config)
}

// largeDirectory is the default directory plus enough member accounts to
// bind one contact to 12 objects.
func largeDirectory() (emulator.Directory, []string) {
	dir := emulator.DefaultDirectory()
	for i := range 8 {
		dir.Accounts = append(dir.Accounts, emulator.Account{
			ID: fmt.Sprintf("16000000000000%02d", i), Name: fmt.Sprintf("extra-%d", i), FolderID: dir.RootFolderID,
		})
	}
	ids := []string{dir.RootID}
	for _, f := range dir.Folders {
		ids = append(ids, f.ID)
	}
	for _, a := range dir.Accounts {
		ids = append(ids, a.ID)
	}
	return dir, ids
}

// readExample reads an example file from examples/ and applies the
// replacements (old, new pairs), e.g. to put a real contact ID in place of
// the documentation's placeholder examplePlaceID.
func readExample(t *testing.T, rel string, replacements ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examplesDir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatalf("reading example: %v", err)
	}
	return strings.NewReplacer(replacements...).Replace(string(b))
}

// pointExamplesAtTestAPI sets the environment variables through which the
// provider, configured by an example that has no provider block, reaches
// the test API.
func (e *testEnv) pointExamplesAtTestAPI() {
	e.t.Helper()
	e.requireEmulator("the examples use fixed names and the emulator's directory IDs")
	clearCredentialEnv(e.t)
	e.t.Setenv("ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER", e.endpoint)
	e.t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", e.accessKey)
	e.t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", e.secretKey)
}

// addTestContact creates a contact out of band and returns its ID.
func (e *testEnv) addTestContact(name string, bindTo ...string) string {
	e.t.Helper()
	ctx := context.Background()
	out, err := e.client.AddMessageContact(ctx, rdapi.AddMessageContactInput{
		Name: name, EmailAddress: strings.ToLower(name) + "@example.com", Title: "FinanceDirector",
		MessageTypes: []string{"AccountExpenses"},
	})
	if err != nil {
		e.t.Fatalf("adding contact %s: %v", name, err)
	}
	if len(bindTo) > 0 {
		if err := e.client.AssociateMembers(ctx, out.ContactID, bindTo); err != nil {
			e.t.Fatalf("binding contact %s: %v", name, err)
		}
	}
	return out.ContactID
}

const contactDataType = "resourcedirectory_message_contact"

var createDatePattern = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`)

// contactDataHCL builds a resourcedirectory_message_contact data block;
// filter is the HCL of its arguments.
type contactDataHCL struct {
	label     string
	filter    string
	dependsOn []string
}

func (d contactDataHCL) addr() string { return "data." + contactDataType + "." + d.label }

func (d contactDataHCL) String() string {
	s := fmt.Sprintf("data %q %q {\n  %s\n", contactDataType, d.label, d.filter)
	if len(d.dependsOn) > 0 {
		s += "  depends_on = ["
		for i, a := range d.dependsOn {
			if i > 0 {
				s += ", "
			}
			s += a
		}
		s += "]\n"
	}
	return s + "}\n"
}

// expectContactData checks every attribute of the data source at addr
// against the contact c (whose pending targets are given) bound to members.
func expectContactData(addr string, c contactHCL, status, pendingEmail, pendingPhone string, members ...string) []statecheck.StateCheck {
	orNull := func(s string) knownvalue.Check {
		if s == "" {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(s)
	}
	strs := func(ss []string) []knownvalue.Check {
		out := make([]knownvalue.Check, len(ss))
		for i, s := range ss {
			out[i] = knownvalue.StringExact(s)
		}
		return out
	}
	value := func(attr string, check knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), check)
	}
	return []statecheck.StateCheck{
		statecheck.CompareValuePairs(addr, tfjsonpath.New("id"), c.addr(), tfjsonpath.New("id"), compare.ValuesSame()),
		value("name", knownvalue.StringExact(c.name)),
		value("email_address", knownvalue.StringExact(c.email)),
		value("phone_number", orNull(c.phone)),
		value("title", knownvalue.StringExact(c.title)),
		value("message_types", knownvalue.SetExact(strs(c.messageTypes))),
		value("status", knownvalue.StringExact(status)),
		value("pending_email_address", orNull(pendingEmail)),
		value("pending_phone_number", orNull(pendingPhone)),
		value("members", knownvalue.SetExact(strs(members))),
		value("create_date", knownvalue.StringRegexp(createDatePattern)),
	}
}

// pendingPhoneAfterVerify is the pending phone number after the verification
// step, which only runs against the emulator.
func (e *testEnv) pendingPhoneAfterVerify(phone string) string {
	if e.emu == nil {
		return phone
	}
	return ""
}

// tfsdkTags lists the tfsdk tags of a model struct, following embedded
// structs as the framework does.
func tfsdkTags(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		if f.Anonymous {
			out = append(out, tfsdkTags(f.Type)...)
			continue
		}
		if tag := f.Tag.Get("tfsdk"); tag != "" {
			out = append(out, tag)
		}
	}
	slices.Sort(out)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	})
}

func runStringValidator(v validator.String, s string) diag.Diagnostics {
	var resp validator.StringResponse
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: types.StringValue(s)}, &resp)
	return resp.Diagnostics
}

const (
	phoneA = "86-13800138000"
	phoneB = "86-13900139000"
)

func expectString(addr, attr, want string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), knownvalue.StringExact(want))
}

func expectNull(addr, attr string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), knownvalue.Null())
}

func expectStringSet(addr, attr string, want ...string) statecheck.StateCheck {
	checks := make([]knownvalue.Check, len(want))
	for i, w := range want {
		checks[i] = knownvalue.StringExact(w)
	}
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), knownvalue.SetExact(checks))
}

// contactChecks asserts every configured argument of c in state.
func contactChecks(c contactHCL) []statecheck.StateCheck {
	a := c.addr()
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(a, tfjsonpath.New("id"), knownvalue.StringRegexp(contactIDPattern)),
		expectString(a, "name", c.name),
		expectString(a, "email_address", c.email),
		expectString(a, "title", c.title),
		expectStringSet(a, "message_types", c.messageTypes...),
		statecheck.ExpectKnownValue(a, tfjsonpath.New("create_date"),
			knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`))),
	}
	if c.phone == "" {
		checks = append(checks, expectNull(a, "phone_number"))
	} else {
		checks = append(checks, expectString(a, "phone_number", c.phone))
	}
	return checks
}

func updateInPlace(addr string) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
	}}
}

// captureID is a Check that records the contact ID at addr.
func captureID(addr string, id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		v, err := contactID(s, addr)
		*id = v
		return err
	}
}

// sends returns how many verifications of each kind the emulator received.
func sends(emu *emulator.Server) (email, phone int) {
	st := emu.Stats()
	return st.Calls["SendEmailVerificationForMessageContact"], st.Calls["SendPhoneVerificationForMessageContact"]
}

// expectSends is a Check on the emulator's verification send counters; it
// passes trivially against the real API.
func (e *testEnv) expectSends(email, phone int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.emu == nil {
			return nil
		}
		if ge, gp := sends(e.emu); ge != email || gp != phone {
			return fmt.Errorf("verification sends: got %d email and %d phone, want %d and %d", ge, gp, email, phone)
		}
		return nil
	}
}

// identityCLIs gates tests of resource identity, which only Terraform and
// OpenTofu 1.12 and later store and accept in import blocks.
var identityCLIs = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

// expectChangedAttributes checks that the planned update of addr changes
// exactly attrs (ignoring values the plan does not know yet).
type expectChangedAttributes struct {
	addr  string
	attrs []string
}

func (e expectChangedAttributes) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		unknown, _ := rc.Change.AfterUnknown.(map[string]any)
		var changed []string
		for k, v := range after {
			if unknown[k] == true {
				continue
			}
			if !reflect.DeepEqual(before[k], v) {
				changed = append(changed, k)
			}
		}
		slices.Sort(changed)
		want := slices.Sorted(slices.Values(e.attrs))
		if !slices.Equal(changed, want) {
			resp.Error = fmt.Errorf("%s: planned changes to %v, want exactly %v", e.addr, changed, want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s: no planned change", e.addr)
}

const contactsDataType = "resourcedirectory_message_contacts"

// contactsDataHCL builds a resourcedirectory_message_contacts data block.
type contactsDataHCL struct {
	label     string
	args      map[string]string // argument -> HCL expression
	dependsOn []string
}

func (d contactsDataHCL) addr() string { return "data." + contactsDataType + "." + d.label }

func (d contactsDataHCL) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "data %q %q {\n", contactsDataType, d.label)
	for _, k := range []string{"member", "name_regex", "status"} {
		if v, ok := d.args[k]; ok {
			fmt.Fprintf(&b, "  %s = %s\n", k, v)
		}
	}
	if len(d.dependsOn) > 0 {
		fmt.Fprintf(&b, "  depends_on = [%s]\n", strings.Join(d.dependsOn, ", "))
	}
	b.WriteString("}\n")
	return b.String()
}

// expectListed checks that the data source at addr lists exactly contacts,
// in this order, in both ids and contacts.
func expectListed(addr string, contacts ...contactHCL) []statecheck.StateCheck {
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("ids"), knownvalue.ListSizeExact(len(contacts))),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("contacts"), knownvalue.ListSizeExact(len(contacts))),
	}
	for i, c := range contacts {
		checks = append(checks,
			statecheck.CompareValuePairs(addr, tfjsonpath.New("ids").AtSliceIndex(i), c.addr(), tfjsonpath.New("id"), compare.ValuesSame()),
			statecheck.CompareValuePairs(addr, tfjsonpath.New("contacts").AtSliceIndex(i).AtMapKey("id"), c.addr(), tfjsonpath.New("id"), compare.ValuesSame()),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("contacts").AtSliceIndex(i).AtMapKey("name"), knownvalue.StringExact(c.name)),
		)
	}
	return checks
}

// expectListedContact checks every attribute of the i-th contact listed by
// the data source at addr.
func expectListedContact(addr string, i int, c contactHCL, status, pendingEmail, pendingPhone string, members ...string) statecheck.StateCheck {
	orNull := func(s string) knownvalue.Check {
		if s == "" {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(s)
	}
	strs := func(ss []string) []knownvalue.Check {
		out := make([]knownvalue.Check, len(ss))
		for i, s := range ss {
			out[i] = knownvalue.StringExact(s)
		}
		return out
	}
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("contacts").AtSliceIndex(i), knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":                    knownvalue.StringRegexp(contactIDPattern),
		"name":                  knownvalue.StringExact(c.name),
		"email_address":         knownvalue.StringExact(c.email),
		"phone_number":          orNull(c.phone),
		"title":                 knownvalue.StringExact(c.title),
		"message_types":         knownvalue.SetExact(strs(c.messageTypes)),
		"status":                knownvalue.StringExact(status),
		"pending_email_address": orNull(pendingEmail),
		"pending_phone_number":  orNull(pendingPhone),
		"members":               knownvalue.SetExact(strs(members)),
		"create_date":           knownvalue.StringRegexp(createDatePattern),
	}))
}

// clearCredentialEnv removes every credential source and endpoint of the
// environment for the duration of the test, including the home directory's
// files.
func clearCredentialEnv(t *testing.T) {
	t.Helper()
	credenvtest.Clear(t)
	t.Setenv("RESOURCEDIRECTORYMASTER_ENDPOINT", "")
}

// schemaAttribute is what the parity checks read of a resource or data
// source attribute.
type schemaAttribute interface {
	GetMarkdownDescription() string
	GetType() attr.Type
}

// checkSchemaModel checks the schema of typeName against its model in
// models: the same attribute and block names as the model's tfsdk tags,
// a description on every attribute, and the shared type on every contact
// attribute (messageContactAttrTypes).
func checkSchemaModel[A schemaAttribute, B any](t *testing.T, typeName string, attrs map[string]A, blocks map[string]B, models map[string]reflect.Type) {
	t.Helper()
	model, ok := models[typeName]
	if !ok {
		t.Errorf("%s: no model type registered for it", typeName)
		return
	}
	names := append(sortedKeys(attrs), sortedKeys(blocks)...)
	slices.Sort(names)
	if diff := gocmp.Diff(names, tfsdkTags(model)); diff != "" {
		t.Errorf("%s schema vs %s (-schema +model):\n%s", typeName, model, diff)
	}
	for name, a := range attrs {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("%s attribute %s has no MarkdownDescription", typeName, name)
		}
		if want, shared := messageContactAttrTypes()[name]; shared && !a.GetType().Equal(want) {
			t.Errorf("%s attribute %s: schema type %s, messageContactAttrTypes %s", typeName, name, a.GetType(), want)
		}
	}
}
