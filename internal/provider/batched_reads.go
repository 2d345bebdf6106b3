package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// Environment variable that turns batched reads off (or on) when the
// provider argument batch_reads is not set.
const batchReadsEnvVar = "RESOURCEDIRECTORY_BATCH_READS"

// importedKey marks, in a resource's private state, the Read that follows
// an import: it is served by a snapshot started at or after the first
// import read of the operation (rdapi.Snapshot.ImportedContact), never by
// one an earlier read of the operation started.
const importedKey = "imported"

// markImported is called by ImportState so that the Read that follows
// reads as imports do.
func markImported(ctx context.Context, private privateSetter, diags *diag.Diagnostics) {
	if private != nil {
		diags.Append(private.SetKey(ctx, importedKey, []byte("true"))...)
	}
}

// readContact reads a contact for Read: from the snapshot, or after an
// import from a snapshot of the imports (clearing the mark, so that the
// state is the same as without it).
func readContact(ctx context.Context, client *rdapi.Client, id string, prior privateGetter, next privateSetter, diags *diag.Diagnostics) (*rdapi.Contact, error) {
	if prior != nil {
		v, d := prior.GetKey(ctx, importedKey)
		diags.Append(d...)
		if len(v) > 0 {
			if next != nil {
				diags.Append(next.SetKey(ctx, importedKey, nil)...)
			}
			return client.Snapshot().ImportedContact(ctx, id)
		}
	}
	return client.Snapshot().Contact(ctx, id)
}
