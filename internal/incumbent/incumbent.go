// Package incumbent is the official alicloud provider's message contact,
// alicloud_resource_manager_message_contact, as it was recorded against the
// emulator (reference/README.md): its schema, the state it writes, and a
// stand-in provider that serves that schema and nothing else.
//
// The stand-in (NewStandIn, built from cmd/terraform-provider-alicloud)
// lets a test put the incumbent's provider in a filesystem mirror, so that
// `init` installs the provider a state names without a registry; it never
// talks to any API and refuses to plan or apply. WriteState writes the
// incumbent's state for contacts created through the API, in exactly the
// shape of reference/terraform.tfstate. Together they replay a migration
// from the incumbent (a moved block) offline.
package incumbent

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"

	tfjson "github.com/hashicorp/terraform-json"
)

const (
	// ResourceType is the incumbent's resource type.
	ResourceType = "alicloud_resource_manager_message_contact"
	// ProviderSource is the incumbent provider's source address.
	ProviderSource = "aliyun/alicloud"
	// ProviderAddress is the provider address the reference state names.
	ProviderAddress = "registry.terraform.io/" + ProviderSource
)

//go:embed reference/schema.json reference/terraform.tfstate reference/main.tf
var reference embed.FS

// ReferenceFile returns one of the recorded files: "schema.json",
// "terraform.tfstate" or "main.tf".
func ReferenceFile(name string) []byte {
	b, err := reference.ReadFile("reference/" + name)
	if err != nil {
		panic(err) // embedded: a missing file is a build defect
	}
	return b
}

// Schema is the incumbent resource's schema as `terraform providers schema
// -json` reported it.
func Schema() (*tfjson.Schema, error) {
	// The file is that output cut to one provider's one resource: a
	// provider schema beside the provider's address.
	var ps struct {
		ResourceSchemas map[string]*tfjson.Schema `json:"resource_schemas"`
	}
	if err := json.Unmarshal(ReferenceFile("schema.json"), &ps); err != nil {
		return nil, fmt.Errorf("reference/schema.json: %w", err)
	}
	s, ok := ps.ResourceSchemas[ResourceType]
	if !ok {
		return nil, fmt.Errorf("reference/schema.json has no %s", ResourceType)
	}
	return s, nil
}

// Contact is what the incumbent's state records of one contact.
type Contact struct {
	ID           string
	Name         string // message_contact_name
	EmailAddress string
	PhoneNumber  string // "" when none, as the incumbent writes it
	Title        string
	MessageTypes []string // in the order the configuration lists them
	Status       string
	CreateTime   string // the API's CreateDate
}

// Resource is one resource block's instances in a state: Contacts[i] has
// Keys[i] as its index key (an int for count, a string for for_each), or no
// key when Keys is nil.
type Resource struct {
	Name     string
	Keys     []any
	Contacts []Contact
}

// state is the layout of a state file, version 4, in the order the CLIs
// write its fields.
type state struct {
	Version          int             `json:"version"`
	TerraformVersion string          `json:"terraform_version"`
	Serial           int             `json:"serial"`
	Lineage          string          `json:"lineage"`
	Outputs          map[string]any  `json:"outputs"`
	Resources        []stateResource `json:"resources"`
	CheckResults     any             `json:"check_results"`
}

type stateResource struct {
	Mode      string          `json:"mode"`
	Type      string          `json:"type"`
	Name      string          `json:"name"`
	Provider  string          `json:"provider"`
	Instances []stateInstance `json:"instances"`
}

type stateInstance struct {
	IndexKey            any             `json:"index_key,omitempty"`
	SchemaVersion       int             `json:"schema_version"`
	Attributes          stateAttributes `json:"attributes"`
	SensitiveAttributes []any           `json:"sensitive_attributes"`
	Private             string          `json:"private"`
}

type stateAttributes struct {
	CreateTime         string   `json:"create_time"`
	EmailAddress       string   `json:"email_address"`
	ID                 string   `json:"id"`
	MessageContactName string   `json:"message_contact_name"`
	MessageTypes       []string `json:"message_types"`
	PhoneNumber        string   `json:"phone_number"`
	Status             string   `json:"status"`
	Timeouts           any      `json:"timeouts"`
	Title              string   `json:"title"`
}

// sdkPrivate is the private data terraform-plugin-sdk v1 stores with every
// instance: the resource's default timeouts (create, update and delete, 5
// minutes each, in nanoseconds), base64 JSON, as in the reference state.
const sdkPrivate = "eyJlMmJmYjczMC1lY2FhLTExZTYtOGY4OC0zNDM2M2JjN2M0YzAiOnsiY3JlYXRlIjozMDAwMDAwMDAwMDAsImRlbGV0ZSI6MzAwMDAwMDAwMDAwLCJ1cGRhdGUiOjMwMDAwMDAwMDAwMH19"

// WriteState returns the state file the incumbent (through Terraform
// 1.11.4, as recorded) writes for resources, with the given lineage.
func WriteState(lineage string, resources ...Resource) ([]byte, error) {
	st := state{
		Version: 4, TerraformVersion: "1.11.4", Serial: 4, Lineage: lineage,
		Outputs: map[string]any{}, Resources: []stateResource{},
	}
	for _, r := range resources {
		if r.Keys != nil && len(r.Keys) != len(r.Contacts) {
			return nil, fmt.Errorf("resource %s: %d keys for %d contacts", r.Name, len(r.Keys), len(r.Contacts))
		}
		sr := stateResource{
			Mode: "managed", Type: ResourceType, Name: r.Name,
			Provider: fmt.Sprintf("provider[%q]", ProviderAddress),
		}
		for i, c := range r.Contacts {
			in := stateInstance{
				SchemaVersion: 0,
				Attributes: stateAttributes{
					CreateTime: c.CreateTime, EmailAddress: c.EmailAddress, ID: c.ID, MessageContactName: c.Name,
					MessageTypes: slices.Clip(append([]string{}, c.MessageTypes...)), PhoneNumber: c.PhoneNumber,
					Status: c.Status, Title: c.Title,
				},
				SensitiveAttributes: []any{},
				Private:             sdkPrivate,
			}
			if r.Keys != nil {
				in.IndexKey = r.Keys[i]
			}
			sr.Instances = append(sr.Instances, in)
		}
		st.Resources = append(st.Resources, sr)
	}
	return json.MarshalIndent(st, "", "  ")
}
