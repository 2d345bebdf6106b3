package provider

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

func TestExamples_providerAndResource(t *testing.T) {
	env := exampleEnv(t)
	cfg := readExample(t, "provider/provider.tf") + "\n" + readExample(t, exampleContacts+"/resource.tf")

	// import.sh holds the `terraform import` command; run it with the ID of
	// the contact the example created.
	script := readExample(t, exampleContacts+"/import.sh")
	m := regexp.MustCompile(`(?m)^terraform import (\S+) (c-\S+)$`).FindStringSubmatch(script)
	if m == nil {
		t.Fatalf("import.sh has no `terraform import <address> <id>` line:\n%s", script)
	}
	if m[1] != exampleContact || m[2] != examplePlaceID {
		t.Fatalf("import.sh imports %s %s, want %s %s", m[1], m[2], exampleContact, examplePlaceID)
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					expectString(exampleContact, "name", exampleContactInput.Name),
					expectString(exampleContact, "status", rdapi.StatusVerifying),
					statecheck.ExpectKnownOutputValue("contact_status", knownvalue.StringExact(rdapi.StatusVerifying)),
				},
			},
			{
				ResourceName:      m[1],
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					id, err := contactID(s, exampleContact)
					return strings.Replace(m[2], examplePlaceID, id, 1), err
				},
			},
		},
	})
}

// testImportExample adopts a contact created out of band with the import
// block of file, on the CLIs that versions admits.
func testImportExample(t *testing.T, file string, versions ...tfversion.TerraformVersionCheck) {
	env := exampleEnv(t)
	out, err := env.client.AddMessageContact(context.Background(), exampleContactInput)
	if err != nil {
		t.Fatalf("creating the contact to import: %v", err)
	}
	block := readExample(t, exampleContacts+"/"+file)
	if !strings.Contains(block, examplePlaceID) {
		t.Fatalf("%s does not contain the placeholder ID %s", file, examplePlaceID)
	}
	cfg := readExample(t, "provider/provider.tf") + "\n" + readExample(t, exampleContacts+"/resource.tf") + "\n" +
		strings.ReplaceAll(block, examplePlaceID, out.ContactID)

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   versions,
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(exampleContact, plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expectString(exampleContact, "id", out.ContactID),
				statecheck.ExpectKnownValue(exampleContact, tfjsonpath.New("send_verification"), knownvalue.Bool(true)),
			},
			Check: func(*terraform.State) error {
				if n := env.emulated().Len(); n != 1 {
					t.Errorf("the emulator holds %d contacts after the import, want 1", n)
				}
				return nil
			},
		}},
	})
}

func TestExamples_importByStringID(t *testing.T) { testImportExample(t, "import-by-string-id.tf") }

func TestExamples_importByIdentity(t *testing.T) {
	testImportExample(t, "import-by-identity.tf", identityCLIs...)
}

// The examples must not pin the emulator: it is reached through the
// environment only.
func TestExamples_carryNoEndpointOrCredentials(t *testing.T) {
	err := filepath.WalkDir(examplesDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, bad := range []string{"127.0.0.1", "localhost", emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret,
			"access_key", "secret_key", "endpoint"} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s contains %q", p, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Every contact ID the examples and the README show is the one placeholder,
// which has the API's format ("c-" and 16 letters or digits, as the
// emulator issues them), so that readers see one correct form.
func TestExamples_contactIDPlaceholder(t *testing.T) {
	if !contactIDPattern.MatchString(examplePlaceID) || len(examplePlaceID) != len("c-")+16 {
		t.Fatalf("the placeholder %s does not have the API's format", examplePlaceID)
	}
	id := regexp.MustCompile(`\bc-[A-Za-z0-9]{3,}\b`)
	files := []string{"../../README.md"}
	err := filepath.WalkDir(examplesDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range id.FindAllString(string(b), -1) {
			if m != examplePlaceID {
				t.Errorf("%s shows the contact ID %s; use the placeholder %s", f, m, examplePlaceID)
			}
		}
	}
}
