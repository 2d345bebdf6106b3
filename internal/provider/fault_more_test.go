package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
)

// TestFault_hostileErrorReply: a reply whose code and message carry escape
// sequences and a forged "Error:" line reaches the CLI escaped, as text.
func TestFault_hostileErrorReply(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	p := env.viaProxy()
	c := newContact("test")
	p.on("AddMessageContact", answer(400, "application/json",
		`{"RequestId":"R-1\u001b]0;owned\u0007","Code":"InvalidParameter.Name\u001b[2J",`+
			`"Message":"bad\r\nError: forged line \u001b[31mred\u202e"}`))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkOnlyContacts(nil),
		Steps: []resource.TestStep{{
			Config: env.config(c),
			ExpectError: regexp.MustCompile(`InvalidParameter\.Name\\x1b\[2J(?s:.*)bad\\r\\nError:\s+forged\s+line\s+` +
				`\\x1b\[31mred\\u202e(?s:.*)R-1\\x1b\]0;owned\\x07`),
		}},
	})
}

// TestFault_stormsAndThrottling: 40 % of calls fail with 5xx and the API
// allows 2 calls per second per action; an apply of three contacts still
// converges with exactly those contacts.
func TestFault_stormsAndThrottling(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.WithSettings(func(s *emulator.Settings) {
		s.ServerErrorRate = 0.4
		s.RateLimit = 2
	}))
	env.requireEmulator("injects server errors")
	cs := []contactHCL{newContact("a"), newContact("b"), newContact("c")}
	blocks := make([]fmt.Stringer, len(cs))
	addrs := make([]string, len(cs))
	for i := range cs {
		blocks[i], addrs[i] = cs[i], cs[i].addr()
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy: func(s *terraform.State) error {
			env.emulated().MustApply(func(s *emulator.Settings) { s.ServerErrorRate = 0 })
			return env.checkOnlyContacts(nil)(s)
		},
		Steps: []resource.TestStep{{
			Config: env.config(blocks...),
			Check: resource.ComposeTestCheckFunc(env.checkOnlyContacts(addrs), func(*terraform.State) error {
				st := env.emulated().Stats()
				if n := sumCounts(st.ServerErrors); n == 0 {
					return fmt.Errorf("no server errors injected: %+v", st)
				}
				return nil
			}),
		}},
	})
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TestFault_slowHeaders: a server that does not answer costs one
// request_timeout per attempt, and the call is retried.
func TestFault_slowHeaders(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	p := env.viaProxy()
	c := newContact("test")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			PreConfig:         func() { p.on("GetMessageContact", stall(time.Minute)) },
			Config:            env.providerHCL(`request_timeout = "1s"`) + c.String(),
			ConfigStateChecks: contactChecks(c),
			Check: func(*terraform.State) error {
				if n := p.calls("GetMessageContact"); n < 2 {
					return fmt.Errorf("%d Get calls; the stalled one was not retried", n)
				}
				return nil
			},
		}},
	})
}

// TestFault_parallelAppliesContend: three applies (three CLI processes,
// three provider clients) create contacts in one account at once, at a
// latency where the account-wide write lock makes them conflict. All
// converge; each state holds exactly its own contacts.
func TestFault_parallelAppliesContend(t *testing.T) {
	t.Parallel()
	shared := newTestEnv(t, emulator.WithSettings(func(s *emulator.Settings) { s.Latency = 20 * time.Millisecond }))
	shared.requireEmulator("counts conflicts")
	var mu sync.Mutex
	owned := map[string]string{}
	for i := range 3 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			env := *shared
			env.t = t
			var blocks []fmt.Stringer
			var addrs []string
			for j := range 3 {
				c := newContact(fmt.Sprintf("w%dc%d", i, j))
				blocks, addrs = append(blocks, c), append(addrs, c.addr())
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Factories,
				Steps: []resource.TestStep{{
					Config: env.config(blocks...),
					Check: func(s *terraform.State) error {
						mu.Lock()
						defer mu.Unlock()
						for _, a := range addrs {
							id, err := contactID(s, a)
							if err != nil {
								return err
							}
							if prev, dup := owned[id]; dup {
								return fmt.Errorf("contact %s is in two states: %s and %s", id, prev, a)
							}
							owned[id] = a
						}
						return nil
					},
				}},
			})
		})
	}
	t.Cleanup(func() {
		if n := shared.emulated().Len(); n != 0 {
			t.Errorf("%d contacts left after the destroys", n)
		}
		if len(owned) != 9 {
			t.Errorf("%d contacts in states, want 9", len(owned))
		}
	})
}

// TestFault_traceLogHasNoSecrets: a whole lifecycle at TRACE level, with an
// STS key, writes neither the secret, the security token nor any
// signature to the logs.
func TestFault_traceLogHasNoSecrets(t *testing.T) {
	const (
		id     = "STS.fault-suite-key"
		secret = "fault-suite-secret-value-0123456789"
		token  = "fault-suite-security-token-ABCDEFGHIJ"
	)
	env := newTestEnv(t, emulator.WithSTSCredential(id, secret, token))
	env.requireEmulator("accepts a test STS key")
	logPath := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_SDK_FRAMEWORK", "TRACE")
	// NOTE: the credentials come from the environment, because the testing
	// framework itself logs the configuration.
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", id)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
	t.Setenv("ALIBABA_CLOUD_SECURITY_TOKEN", token)
	env.accessKey, env.secretKey = "", ""
	c := newContact("test")
	cfg := env.providerHCL() + c.String()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: contactChecks(c)},
			{Config: cfg, PreConfig: func() { env.emulated().DropNext("GetMessageContact", 1) }},
		},
	})
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	if !strings.Contains(log, "AddMessageContact") || len(log) < 10_000 {
		t.Fatalf("the TRACE log (%d bytes) does not cover the API calls", len(log))
	}
	for _, leak := range []string{secret, token, "Signature=", "x-acs-signature-nonce:", "ACS3-HMAC-SHA256 Credential"} {
		if i := strings.Index(log, leak); i >= 0 {
			t.Errorf("the TRACE log contains %q: …%s…", leak, log[max(0, i-80):min(len(log), i+80)])
		}
	}
}
