package provider_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/provider"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

const (
	benchContactType = "resourcedirectory_message_contact"
	// benchContacts is the size of the configuration being refreshed.
	benchContacts = 100
	// benchParallelism is Terraform's default -parallelism.
	benchParallelism = 10
)

// BenchmarkRefresh measures what `terraform plan` spends refreshing 100
// message contacts: the provider is driven in-process through its
// protocol-6 server (ConfigureProvider, then one ReadResource per contact,
// 10 at a time as Terraform's default parallelism does) against the
// emulator. One op is a refresh of all 100; ns/op is its wall time.
//
// Each op configures the provider afresh, as each Terraform operation
// starts a provider process: with batched reads on (the default), a
// snapshot serves one op and the next op builds its own.
//
// The API-call budget is a correctness bound, checked on every run. With
// batching off (batch=off) an Active contact costs exactly one
// GetMessageContact, and a Verifying one adds exactly one
// ListMessageContactVerifications page. With batching on, a refresh costs
// one ListMessageContacts page per 100 contacts, plus, when some contact is
// Verifying, one unfiltered ListMessageContactVerifications page per 100
// pending targets, and no GetMessageContact at all.
//
// The rate-limit=20/s variants apply the documented quota of
// GetMessageContact (20 calls per second per account), so they show the
// floor a per-contact refresh cannot beat and that throttling is absorbed
// by retries (throttled/op) rather than surfaced as errors.
func BenchmarkRefresh(b *testing.B) {
	for _, tc := range []struct {
		name      string
		verify    bool
		rateLimit int
		batch     bool
	}{
		{"active", true, 0, true},
		{"verifying", false, 0, true},
		{"active/rate-limit=20/s", true, 20, true},
		{"active/batch=off", true, 0, false},
		{"verifying/batch=off", false, 0, false},
		{"active/rate-limit=20/s/batch=off", true, 20, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.Setenv("RESOURCEDIRECTORY_BATCH_READS", fmt.Sprint(tc.batch))
			emu := emulator.NewServer(b, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.RateLimit = 0 }))
			ids := benchCreateContacts(b, emu, tc.verify)
			server := provider.NewProtocol6("bench")()
			schema := configureProtocolServer(b, server, emu, "1.12.6")
			states := benchImport(b, server, schema, ids)
			if tc.rateLimit > 0 {
				emu.MustApply(func(s *emulator.Settings) { s.RateLimit = tc.rateLimit })
			}

			wantStatus := rdapi.StatusVerifying
			// Per refresh: GetMessageContact, ListMessageContacts and
			// ListMessageContactVerifications calls.
			wantGets, wantPages, wantVerifications := benchContacts, 0, benchContacts
			if tc.batch {
				// 100 contacts fit one page; 200 pending targets two.
				wantGets, wantPages, wantVerifications = 0, 1, 2
			}
			if tc.verify {
				wantStatus, wantVerifications = rdapi.StatusActive, 0
			}

			emu.ResetStats()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				configureProtocolServer(b, server, emu, "1.12.6")
				states = benchRefreshAll(b, server, states)
			}
			b.StopTimer()

			st := emu.Stats()
			answered := func(action string) int { return st.Calls[action] - st.Throttled[action] }
			gets, pages, verifications := answered("GetMessageContact"), answered("ListMessageContacts"), answered("ListMessageContactVerifications")
			if gets != wantGets*b.N || pages != wantPages*b.N || verifications != wantVerifications*b.N {
				b.Fatalf("%d refreshes of %d contacts made %d GetMessageContact, %d ListMessageContacts and %d ListMessageContactVerifications calls (throttled answers excluded), want %d, %d and %d",
					b.N, benchContacts, gets, pages, verifications, wantGets*b.N, wantPages*b.N, wantVerifications*b.N)
			}
			var calls, throttled int
			for _, n := range st.Calls {
				calls += n
			}
			for _, n := range st.Throttled {
				throttled += n
			}
			b.ReportMetric(float64(calls)/float64(b.N), "api-calls/op")
			b.ReportMetric(float64(calls-throttled)/float64(b.N*benchContacts), "api-calls/contact")
			b.ReportMetric(float64(throttled)/float64(b.N), "throttled/op")
			benchCheckStatus(b, schema, states, wantStatus)
		})
	}
}

// benchCreateContacts adds benchContacts contacts through the API, each
// with an email address and a phone number, and verifies both when verify
// is set (making them Active; otherwise they stay Verifying).
func benchCreateContacts(b *testing.B, emu *emulator.Server, verify bool) []string {
	b.Helper()
	c, err := rdapi.New(rdapi.Options{
		Endpoint:    emu.URL,
		Credentials: rdapi.StaticCredentials(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, ""),
	})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]string, benchContacts)
	for i := range ids {
		name := fmt.Sprintf("Bench%c%c", 'a'+i/26%26, 'a'+i%26)
		email := strings.ToLower(name) + "@example.com"
		const phone = "86-13900001234"
		out, err := c.AddMessageContact(context.Background(), rdapi.AddMessageContactInput{
			Name:         name,
			EmailAddress: email,
			PhoneNumber:  phone,
			Title:        "TechnicalDirector",
			MessageTypes: []string{"AccountExpenses", "FaultMessage"},
		})
		if err != nil {
			b.Fatalf("AddMessageContact(%s): %v", name, err)
		}
		ids[i] = out.ContactID
		if verify {
			for _, target := range []string{email, phone} {
				if err := emu.Verify(out.ContactID, target); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	return ids
}

// benchResourceState is what Terraform keeps between refreshes of one
// resource instance.
type benchResourceState struct {
	state    *tfprotov6.DynamicValue
	identity *tfprotov6.ResourceIdentityData
	private  []byte
}

// benchImport reads each contact from a state holding only its ID (what an
// import starts from) and returns the complete states a refresh starts
// from.
func benchImport(b *testing.B, server tfprotov6.ProviderServer, schema *tfprotov6.Schema, ids []string) []benchResourceState {
	b.Helper()
	states := make([]benchResourceState, len(ids))
	for i, id := range ids {
		states[i] = benchResourceState{state: protoDynamicValue(b, schema, map[string]tftypes.Value{
			"id": tftypes.NewValue(tftypes.String, id),
		})}
	}
	return benchRefreshAll(b, server, states)
}

// benchRefreshAll calls ReadResource for every state, benchParallelism at
// a time, and returns the new states.
func benchRefreshAll(b *testing.B, server tfprotov6.ProviderServer, states []benchResourceState) []benchResourceState {
	out := make([]benchResourceState, len(states))
	errs := make([]error, len(states))
	work := make(chan int)
	var wg sync.WaitGroup
	for range benchParallelism {
		wg.Go(func() {
			for i := range work {
				out[i], errs[i] = benchRead(server, states[i])
			}
		})
	}
	for i := range states {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	return out
}

// benchRead refreshes one resource instance.
func benchRead(server tfprotov6.ProviderServer, s benchResourceState) (benchResourceState, error) {
	resp, err := server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName:        benchContactType,
		CurrentState:    s.state,
		CurrentIdentity: s.identity,
		Private:         s.private,
	})
	if err != nil {
		return benchResourceState{}, err
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return benchResourceState{}, fmt.Errorf("ReadResource: %s: %s", d.Summary, d.Detail)
		}
	}
	if resp.NewState == nil {
		return benchResourceState{}, fmt.Errorf("ReadResource returned no state")
	}
	return benchResourceState{state: resp.NewState, identity: resp.NewIdentity, private: resp.Private}, nil
}

// benchCheckStatus checks that every refreshed state is present and has
// the expected status: the refresh did real work.
func benchCheckStatus(b *testing.B, schema *tfprotov6.Schema, states []benchResourceState, want string) {
	b.Helper()
	typ := schema.ValueType()
	for i, s := range states {
		v, err := s.state.Unmarshal(typ)
		if err != nil {
			b.Fatal(err)
		}
		if v.IsNull() {
			b.Fatalf("state %d was removed by the refresh", i)
		}
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			b.Fatal(err)
		}
		var status string
		if err := attrs["status"].As(&status); err != nil {
			b.Fatal(err)
		}
		if status != want {
			b.Fatalf("state %d: status %q, want %q", i, status, want)
		}
	}
}
