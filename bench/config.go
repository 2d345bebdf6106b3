package main

import (
	"fmt"
	"strings"
)

// bindTargets are objects of the emulator's default directory that the
// bindings cycle through: the root, folders and member accounts.
var bindTargets = []string{
	"rd-k3Ux9d", "fd-Prod4Nz7Qa", "fd-ProdDb8Kc", "fd-Dev2Lm5Wx", "fd-Sec6Tr1Hy",
	"1500000000000001", "1500000000000002", "1500000000000003", "1500000000000004", "1500000000000005",
}

// contactName is the name of contact i: the API accepts 2-12 letters and no
// digits, so the index is written in base 26.
func contactName(i int) string {
	s := []byte{'a', 'a', 'a', 'a'}
	for k := len(s) - 1; k >= 0 && i > 0; k-- {
		s[k] = byte('a' + i%26)
		i /= 26
	}
	return "Bench" + string(s)
}

// contactEmail is the address of contact i, unique so that the admin API can
// verify it by target alone.
func contactEmail(i int) string { return fmt.Sprintf("bench%d@example.com", i) }

// configHeader requires the provider and configures it from the
// environment.
const configHeader = `terraform {
  required_providers {
    resourcedirectory = {
      source = "rdcontact/resourcedirectory"
    }
  }
}

provider "resourcedirectory" {}
`

// configuration is the HCL of n contacts and, with bindings, one binding per
// contact.
func configuration(n int, bindings bool) string {
	var b strings.Builder
	b.WriteString(configHeader + `
locals {
  names = [
`)
	for i := range n {
		fmt.Fprintf(&b, "    %q,\n", contactName(i))
	}
	b.WriteString("  ]\n  targets = [\n")
	for _, t := range bindTargets {
		fmt.Fprintf(&b, "    %q,\n", t)
	}
	b.WriteString(`  ]
}

resource "resourcedirectory_message_contact" "c" {
  count         = length(local.names)
  name          = local.names[count.index]
  email_address = "bench${count.index}@example.com"
  title         = "TechnicalDirector"
  message_types = ["AccountExpenses", "FaultMessage"]
}
`)
	if bindings {
		b.WriteString(`
resource "resourcedirectory_message_contact_binding" "b" {
  count      = length(local.names)
  contact_id = resourcedirectory_message_contact.c[count.index].id
  member_id  = local.targets[count.index % length(local.targets)]
}
`)
	}
	return b.String()
}
