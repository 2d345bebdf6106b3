package provider

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
)

// leastPrivilegePolicies returns the guide's pasteable policies, by the
// sentence before each, as the actions each allows (without the
// resourcemanager: prefix).
func leastPrivilegePolicies(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile("../../templates/guides/least-privilege.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)([^\n]+)\n\n```json\n(.*?)```").FindAllStringSubmatch(string(b), -1)
	out := map[string][]string{}
	for _, m := range blocks {
		var policy struct {
			Version   string
			Statement []struct {
				Effect   string
				Action   []string
				Resource string
			}
		}
		if err := json.Unmarshal([]byte(m[2]), &policy); err != nil {
			t.Fatalf("the policy after %q is not JSON: %v", m[1], err)
		}
		var actions []string
		for _, st := range policy.Statement {
			for _, a := range st.Action {
				op, ok := strings.CutPrefix(a, "resourcemanager:")
				if !ok || !slices.Contains(emulator.Actions(), op) {
					t.Errorf("the policy after %q allows %q, which is no action of the API the provider calls", m[1], a)
				}
				actions = append(actions, op)
			}
		}
		out[m[1]] = actions
	}
	if len(out) != 3 {
		t.Fatalf("the guide has %d policies, want 3", len(out))
	}
	return out
}

// denyAllBut refuses every action the emulator serves except allowed.
func denyAllBut(t *testing.T, allowed []string) emulator.Option {
	var deny []string
	for _, a := range emulator.Actions() {
		if !slices.Contains(allowed, a) {
			deny = append(deny, a)
		}
	}
	return denyActions(t, strings.Join(deny, ","))
}

// The guide's coverage-only and read-only policies are enough for what they
// promise: with every other action refused, the coverage and directory data
// sources read.
func TestLeastPrivilegeGuide_policiesSuffice(t *testing.T) {
	policies := leastPrivilegePolicies(t)
	for intro, allowed := range policies {
		if strings.HasPrefix(intro, "Everything") {
			continue
		}
		t.Run(intro[:min(len(intro), 20)], func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, denyAllBut(t, allowed))
			env.requireEmulator("refuses what the policy does not allow")
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Factories,
				Steps: []resource.TestStep{{
					Config: env.config(raw(coverageHCL)),
					// Nothing covers Production: the postcondition fails, which it can
					// only do once every read succeeded.
					ExpectError: regexp.MustCompile(`Production has accounts without a verified FaultMessage contact`),
				}},
			})
		})
	}
}
