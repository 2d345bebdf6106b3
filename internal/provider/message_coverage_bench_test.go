package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// BenchmarkMessageCoverage measures what the coverage data source costs
// for 1,000 member accounts in 40 folders and 500 contacts (half of them
// awaiting verification): the reads of one Terraform operation (a fresh
// client each op, so nothing is cached across ops), the computation and the
// state value. api-calls/op is the figure the data source's documentation
// gives (57 with batch_reads off; with batch_reads on the snapshot adds the
// ListMessageContactVerifications pages of the 250 pending targets); it is
// checked on every run. ns/op includes the client's pacing at the
// documented 20 calls per second per action, which the 41
// ListFoldersForParent calls dominate.
func BenchmarkMessageCoverage(b *testing.B) {
	const folders, accounts, contacts = 40, 1000, 500
	for _, batch := range []bool{true, false} {
		b.Run(fmt.Sprintf("accounts=%d/contacts=%d/batch=%v", accounts, contacts, batch), func(b *testing.B) {
			dir := emulator.GeneratedDirectory(folders, accounts)
			emu := emulator.NewServer(b, emulator.WithDirectory(dir), emulator.WithSettings(func(s *emulator.Settings) { s.RateLimit = 0 }))
			newClient := func(rateLimit float64) *rdapi.Client {
				c, err := rdapi.New(rdapi.Options{Endpoint: emu.URL, RateLimit: rateLimit, BatchReads: batch,
					Credentials: rdapi.StaticCredentials(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, "")})
				if err != nil {
					b.Fatal(err)
				}
				return c
			}
			ctx := context.Background()
			setup := newClient(-1)
			pending := 0
			for i := range contacts {
				email := fmt.Sprintf("c%d@example.com", i)
				name := "Contact" + string(rune('a'+i/676)) + string(rune('a'+i/26%26)) + string(rune('a'+i%26))
				out, err := setup.AddMessageContact(ctx, rdapi.AddMessageContactInput{Name: name, EmailAddress: email,
					Title: "Other", MessageTypes: []string{"FaultMessage", "SecurityMessage"}})
				if err != nil {
					b.Fatal(err)
				}
				member := dir.Accounts[i*2%len(dir.Accounts)].ID
				if i%10 == 0 {
					member = dir.Folders[i%len(dir.Folders)].ID
				}
				if err := setup.AssociateMembers(ctx, out.ContactID, []string{member}); err != nil {
					b.Fatal(err)
				}
				if i%2 == 0 {
					if err := emu.Verify(out.ContactID, email); err != nil {
						b.Fatal(err)
					}
				} else {
					pending++
				}
			}
			want := 1 + accounts/100 + folders + 1 + contacts/100
			if batch {
				want += (pending + 99) / 100
			}
			typ, config := coverageSchemaType(ctx)
			emu.ResetStats()
			b.ResetTimer()
			for range b.N {
				client := newClient(0) // the provider's default pacing
				tree, err := client.Tree(ctx)
				if err != nil {
					b.Fatal(err)
				}
				all, err := allContacts(ctx, client)
				if err != nil {
					b.Fatal(err)
				}
				covered, gaps := computeCoverage(tree, all, coverageScope{types: rdapi.MessageTypes})
				if len(covered) != accounts || len(gaps) == 0 {
					b.Fatalf("coverage of %d accounts with %d gaps", len(covered), len(gaps))
				}
				if _, err := coverageState(ctx, config, typ, tree.DirectoryID, covered, gaps); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			calls := 0
			for _, n := range emu.Stats().Calls {
				calls += n
			}
			if calls != want*b.N {
				b.Fatalf("%d calls in %d ops, want %d per op: %v", calls, b.N, want, emu.Stats().Calls)
			}
			b.ReportMetric(float64(calls)/float64(b.N), "api-calls/op")
		})
	}
}

// coverageSchemaType returns the data source's state type and a
// configuration that sets no argument.
func coverageSchemaType(ctx context.Context) (tftypes.Type, tftypes.Value) {
	var resp datasource.SchemaResponse
	(&messageCoverageDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &resp)
	typ := resp.Schema.Type().TerraformType(ctx)
	nulls := map[string]tftypes.Value{}
	for name, t := range typ.(tftypes.Object).AttributeTypes {
		nulls[name] = tftypes.NewValue(t, nil)
	}
	return typ, tftypes.NewValue(typ, nulls)
}
