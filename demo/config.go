package main

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"
)

// contactSpec is one resourcedirectory_message_contact in the configuration.
type contactSpec struct {
	Key          string // resource name, also the key in the contacts output
	Comment      string
	Name         string
	Email        string
	Phone        string // "" leaves phone_number out
	Title        string
	MessageTypes []string
}

// bindingSpec is one resourcedirectory_message_contact_binding.
type bindingSpec struct {
	Key        string
	Comment    string
	ContactKey string
	MemberVar  string // variable holding the member ID
}

// importSpec is an import block adopting an existing contact.
type importSpec struct {
	ContactKey string
	ID         string
}

// configSpec is the whole main.tf of the scenario; steps change it and
// rewrite the file.
type configSpec struct {
	Contacts []contactSpec
	Bindings []bindingSpec
	Imports  []importSpec
}

// contact returns the spec with key; it panics on an unknown key, which is
// a bug in the scenario.
func (c *configSpec) contact(key string) *contactSpec {
	for i := range c.Contacts {
		if c.Contacts[i].Key == key {
			return &c.Contacts[i]
		}
	}
	panic("demo: no contact " + key)
}

// address is the resource address of contact key.
func address(key string) string {
	return "resourcedirectory_message_contact." + key
}

// render returns the HCL of the configuration. The output is already in
// canonical `tofu fmt` layout.
func (c configSpec) render() ([]byte, error) {
	var b bytes.Buffer
	if err := mainTemplate.Execute(&b, c); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// tfvars is the variables file: the directory the contacts are bound to.
func tfvars(rootID, folderID string) []byte {
	return fmt.Appendf(nil, "directory_root_id    = %q\nproduction_folder_id = %q\n", rootID, folderID)
}

var mainTemplate = template.Must(template.New("main.tf").Funcs(template.FuncMap{
	"list": func(items []string) string {
		quoted := make([]string, len(items))
		for i, s := range items {
			quoted[i] = fmt.Sprintf("%q", s)
		}
		return "[" + strings.Join(quoted, ", ") + "]"
	},
	"pad": func(s string, width int) string {
		return s + strings.Repeat(" ", max(0, width-len(s)))
	},
	"maxKey": func(contacts []contactSpec) int {
		w := 0
		for _, c := range contacts {
			w = max(w, len(c.Key))
		}
		return w
	},
}).Parse(`# Message contacts of the resource directory, managed by OpenTofu or Terraform.

terraform {
  required_providers {
    resourcedirectory = {
      source = "rdcontact/resourcedirectory"
    }
  }
}

# The endpoint and the AccessKey pair come from the environment, as in a
# pipeline: ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER (here: the
# emulator), ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET.
provider "resourcedirectory" {}

variable "directory_root_id" {
  description = "ID of the resource directory root (rd-...)."
  type        = string
}

variable "production_folder_id" {
  description = "ID of the Production folder (fd-...)."
  type        = string
}
{{range .Contacts}}
# {{.Comment}}
resource "resourcedirectory_message_contact" "{{.Key}}" {
  name          = "{{.Name}}"
  email_address = "{{.Email}}"
{{- if .Phone}}
  phone_number  = "{{.Phone}}"
{{- end}}
  title         = "{{.Title}}"
  message_types = {{list .MessageTypes}}
}
{{end}}{{range .Bindings}}
# {{.Comment}}
resource "resourcedirectory_message_contact_binding" "{{.Key}}" {
  contact_id = resourcedirectory_message_contact.{{.ContactKey}}.id
  member_id  = var.{{.MemberVar}}
}
{{end}}{{range .Imports}}
# Adopt a contact that was created in the console.
import {
  to = resourcedirectory_message_contact.{{.ContactKey}}
  id = "{{.ID}}"
}
{{end}}
locals {
  # Every contact, by the key used in the contacts output.
  contacts = {
{{- $w := maxKey .Contacts}}{{range .Contacts}}
    {{pad .Key $w}} = resourcedirectory_message_contact.{{.Key}}
{{- end}}
  }
}

output "contacts" {
  description = "Each contact's ID and verification state."
  value = {
    for key, contact in local.contacts : key => {
      id                    = contact.id
      status                = contact.status
      pending_email_address = contact.pending_email_address
      pending_phone_number  = contact.pending_phone_number
    }
  }
}
`))

// lineDiff returns the lines of b with a "+ " prefix for lines added
// relative to a, "- " lines for lines removed, and "  " for context lines
// within two lines of a change; runs of unchanged lines beyond that are
// elided to a single "  …". It is a plain LCS diff, fine for small files.
func lineDiff(a, b string) []string {
	x := strings.Split(strings.TrimRight(a, "\n"), "\n")
	y := strings.Split(strings.TrimRight(b, "\n"), "\n")
	// lcs[i][j] is the LCS length of x[i:] and y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		kind byte // ' ', '+', '-'
		text string
	}
	var ops []op
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			ops = append(ops, op{' ', x[i]})
			i++
			j++
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', x[i]})
			i++
		default:
			ops = append(ops, op{'+', y[j]})
			j++
		}
	}
	const context = 2
	near := func(k int) bool {
		for d := max(0, k-context); d <= min(len(ops)-1, k+context); d++ {
			if ops[d].kind != ' ' {
				return true
			}
		}
		return false
	}
	var out []string
	elided := false
	for k, o := range ops {
		if o.kind == ' ' && !near(k) {
			if !elided {
				out = append(out, "  …")
				elided = true
			}
			continue
		}
		elided = false
		out = append(out, string(o.kind)+" "+o.text)
	}
	return out
}
