package provider

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// Errors that lead somewhere (issue 9 §3), through the CLI.

func TestGuidance_providerErrors(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator("uses the emulator's credentials")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	_ = l.Close()
	c := newContact("test")
	provider := func(endpoint, key, secret string) string {
		return fmt.Sprintf("provider \"resourcedirectory\" {\n  endpoint = %q\n  access_key = %q\n  secret_key = %q\n}\n", endpoint, key, secret)
	}
	steps := []resource.TestStep{
		{
			Config:      provider(env.endpoint, env.accessKey, "wrong-secret") + c.String(),
			ExpectError: regexp.MustCompile(`(?s)SignatureDoesNotMatch.*taken\s+from\s+static\s+access\s+key\s+from\s+the\s+access_key\s+and\s+secret_key\s+provider\s+arguments`),
		},
		{
			Config:      provider(strings.TrimPrefix(env.endpoint, "http://"), env.accessKey, env.secretKey) + c.String(),
			ExpectError: regexp.MustCompile(`(?s)no\s+scheme.*use\s+"` + regexp.QuoteMeta(env.endpoint) + `"`),
		},
		{
			Config: provider(closed, env.accessKey, env.secretKey) + c.String(),
			ExpectError: regexp.MustCompile(`(?s)^.*nothing\s+is\s+listening\s+at\s+` + regexp.QuoteMeta(closed) +
				`.*nothing\s+was\s+sent\s+to\s+the\s+API`),
		},
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6Factories, Steps: steps})
}

// TestGuidance_wrongSecretExplainedOnce: a wrong secret fails every
// contact of the run; the full explanation (which key pair, from which
// source, both variable names) appears once, the other errors refer to it
// in one line, and none quotes the server's string-to-sign (kept for
// TF_LOG).
func TestGuidance_wrongSecretExplainedOnce(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator("uses the emulator's credentials")
	config := fmt.Sprintf("provider \"resourcedirectory\" {\n  endpoint = %q\n  access_key = %q\n  secret_key = \"wrong-secret\"\n}\n",
		env.endpoint, env.accessKey) + newContact("one").String() + newContact("two").String()
	steps := []resource.TestStep{
		// The full explanation, once: GetCallerIdentity ends it.
		{Config: config, ExpectError: regexp.MustCompile(`\A` + notContaining("GetCallerIdentity") + strings.Join([]string{
			`access\s+key\s+ID\s+` + regexp.QuoteMeta(rdapi.MaskKeyID(env.accessKey)) + `,\s+taken\s+from`,
			`ALIBABA_CLOUD_ACCESS_KEY_ID\s+and\s+ALIBABA_CLOUD_ACCESS_KEY_SECRET`, "GetCallerIdentity"}, notContaining("GetCallerIdentity")) +
			notContaining("GetCallerIdentity") + `\z`)},
		// The other contact's error refers to it.
		{Config: config, ExpectError: regexp.MustCompile(`(?s)rejected\s+the\s+access\s+key\s+pair\s+with\s+access\s+key\s+ID\s+\S+\s+again`)},
		// The server's detail is not shown.
		{Config: config, ExpectError: regexp.MustCompile(`(?s)\A` + notContaining("Server") + `\z`)},
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6Factories, Steps: steps})
}

// notContaining is a regular expression (RE2 has no lookahead) of any text
// that does not contain word, whose first character must not occur again
// in it: split at that character, no piece may start with word.
func notContaining(word string) string {
	first, rest := regexp.QuoteMeta(word[:1]), word[1:]
	if strings.Contains(rest, word[:1]) {
		panic("notContaining: " + word + " repeats its first character")
	}
	other := func(extra string) string { return "[^" + regexp.QuoteMeta(word[:1]+extra) + "]" }
	// tail: what may follow the first character without spelling the rest
	// of word, built from the end: a piece that ends, or leaves word at
	// character i, or spells it up to i and goes on.
	tail := ""
	for i := len(rest) - 1; i >= 0; i-- {
		c := string(rest[i])
		next := ""
		if i < len(rest)-1 {
			next = "|" + regexp.QuoteMeta(c) + tail
		}
		tail = "(?:" + other(c) + other("") + "*" + next + ")?"
	}
	return "(?s:" + other("") + "*(?:" + first + tail + ")*)"
}

// TestGuidance_bindingToDeletedContact: a binding or a member set whose
// contact was deleted outside Terraform leaves the state, and the plan to
// re-create it fails at plan time, naming the contact, rather than at apply
// time.
func TestGuidance_bindingToDeletedContact(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator("deletes a contact out of band")
	out, err := env.client.AddMessageContact(context.Background(), inputOf(newContact("outside")))
	if err != nil {
		t.Fatal(err)
	}
	binding := raw(fmt.Sprintf("resource %q \"b\" {\n  contact_id = %q\n  member_id  = %q\n}\n",
		bindingType, out.ContactID, env.emulated().Directory().RootID))
	members := raw(fmt.Sprintf("resource %q \"m\" {\n  contact_id = %q\n  member_ids = [%q]\n}\n",
		membersType, out.ContactID, env.emulated().Directory().RootID))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: env.config(binding, members)},
			{
				PreConfig: func() {
					retain := true
					if _, err := env.client.DeleteMessageContact(context.Background(),
						rdapi.DeleteMessageContactInput{ContactID: out.ContactID, RetainContactInMembers: &retain}); err != nil {
						t.Fatal(err)
					}
				},
				Config:   env.config(binding, members),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Message Contact Not Found.*` + out.ContactID +
					`\s+does\s+not\s+exist,\s+so\s+it\s+cannot\s+be\s+bound\.`),
			},
			{
				Config:   env.config(binding, members),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Message Contact Not Found.*` + out.ContactID +
					`\s+does\s+not\s+exist,\s+so\s+it\s+cannot\s+be\s+bound\s+to\s+anything`),
			},
		},
	})
}

// TestCreateError_cancelledIsOneShortBlock: a create cancelled before the
// API was reached (an interrupt while it waited for its turn) reports that
// nothing was created, in one short diagnostic.
func TestCreateError_cancelledIsOneShortBlock(t *testing.T) {
	var diags diag.Diagnostics
	r := &messageContactResource{}
	r.createError(context.Background(), &diags, "tom",
		fmt.Errorf("AddMessageContact: waiting for another write of this client to finish: %w", context.Canceled))
	if len(diags) != 1 || diags[0].Summary() != "Create Cancelled" || !strings.Contains(diags[0].Detail(), "nothing was created") {
		t.Errorf("diags = %v", diags)
	}
}

func TestNotContaining(t *testing.T) {
	once := regexp.MustCompile(`\A` + notContaining("Get") + "Get" + notContaining("Get") + `\z`)
	for text, want := range map[string]bool{
		"Get":              true,
		"a Ge G\nGet GeGe": true,
		"GGet Getx":        false,
		"Get Get":          false,
		"none":             false,
	} {
		if got := once.MatchString(text); got != want {
			t.Errorf("once Get in %q = %v, want %v", text, got, want)
		}
	}
}
