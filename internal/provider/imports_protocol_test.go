package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

const (
	protoContactsDataType = "resourcedirectory_message_contacts"
	protoMembersType      = "resourcedirectory_message_contact_members"
	protoBindingType      = "resourcedirectory_message_contact_binding"
)

// importAndRead imports id as typ and reads it, as a plan with an import
// block does; it returns the read's new state (null: the object does not
// exist, which the CLI reports as "Cannot import non-existent remote
// object").
func (e *protoEnv) importAndRead(t *testing.T, typ, id string) tftypes.Value {
	t.Helper()
	ctx := context.Background()
	imp, err := e.server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: typ, ID: id})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrorDiags(t, "ImportResourceState "+typ, imp.Diagnostics)
	if len(imp.ImportedResources) != 1 {
		t.Fatalf("import of %s %s gave %d resources", typ, id, len(imp.ImportedResources))
	}
	r := imp.ImportedResources[0]
	read, err := e.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{
		TypeName: typ, CurrentState: r.State, Private: r.Private, CurrentIdentity: r.Identity,
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrorDiags(t, "ReadResource "+typ, read.Diagnostics)
	v, err := read.NewState.Unmarshal(e.schemas.ResourceSchemas[typ].ValueType())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestImports_fromTheSnapshot plays an adoption plan at the protocol level:
// the plural data source, then an import and its read per contact, member
// set and binding. The imports share one snapshot started after the data
// source's read, so they cost list pages and no GetMessageContact, and a
// contact deleted between the data source's read and its import fails to
// import (the read finds nothing), as it does with fresh reads.
func TestImports_fromTheSnapshot(t *testing.T) {
	t.Parallel()
	e := newProtoEnv(t)
	ctx := context.Background()
	const n = 12
	var ids []string
	for i := range n {
		ids = append(ids, e.seed(t, fmt.Sprintf("Adopt%c", 'a'+i), fmt.Sprintf("adopt%d@example.com", i), ""))
	}
	for i, id := range ids[:n/2] {
		if err := e.client.AssociateMembers(ctx, id, []string{prodFolder}); err != nil {
			t.Fatal(err)
		}
		e.verify(t, id, fmt.Sprintf("adopt%d@example.com", i))
	}
	gone := ids[1]

	e.emu.ResetStats()
	ds := e.schemas.DataSourceSchemas[protoContactsDataType]
	read, err := e.server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{
		TypeName: protoContactsDataType, Config: protoDynamicValue(t, ds, nil),
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrorDiags(t, "ReadDataSource", read.Diagnostics)
	afterData := e.emu.Stats().Calls

	// Deleted by someone else after the data source listed it.
	if _, err := e.client.DeleteMessageContact(ctx, rdapi.DeleteMessageContactInput{ContactID: gone}); err != nil {
		t.Fatal(err)
	}
	e.emu.ResetStats()

	for i, id := range ids {
		v := e.importAndRead(t, benchContactType, id)
		if id == gone {
			if !v.IsNull() {
				t.Errorf("the import of %s, deleted after the data source's read, read %v; want nothing", id, v)
			}
			continue
		}
		if v.IsNull() {
			t.Fatalf("the import of %s read nothing", id)
		}
		if i < n/2 {
			if v := e.importAndRead(t, protoMembersType, id); v.IsNull() {
				t.Errorf("the import of %s's member set read nothing", id)
			}
			if v := e.importAndRead(t, protoBindingType, id+":"+prodFolder); v.IsNull() {
				t.Errorf("the import of %s's binding read nothing", id)
			}
		}
	}
	calls := e.emu.Stats().Calls
	if calls["GetMessageContact"] != 1 || calls["ListMessageContacts"] != 1 || calls["ListMessageContactVerifications"] != 1 {
		t.Errorf("%d imports after the data source (%v) called %v; want one list page, one verifications page "+
			"and one GetMessageContact (confirming the deleted contact)", n+n, afterData, calls)
	}
}
