package rdapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestListMessageContacts_paging(t *testing.T) {
	tests := []struct {
		name      string
		n         int
		serverMax int
		pageSize  int
		lie       func(int, map[string]any)
		wantIDs   int
		wantCalls int32
		// wantCallsAhead is, when it differs from wantCalls, the most
		// requests with 4 pages fetched ahead: pages ahead of where the list
		// ends are cancelled, and may or may not have been sent by then.
		wantCallsAhead int32
		wantErr        string
	}{
		{name: "empty", n: 0, wantIDs: 0, wantCalls: 1},
		{name: "one short page", n: 7, wantIDs: 7, wantCalls: 1},
		{name: "exact multiple stops on TotalCount", n: 100, wantIDs: 100, wantCalls: 2},
		{name: "three pages", n: 120, wantIDs: 120, wantCalls: 3},
		{name: "custom page size", n: 25, pageSize: 10, wantIDs: 25, wantCalls: 3},
		{name: "page size clamped to 100", n: 250, pageSize: 1000, wantIDs: 250, wantCalls: 3},
		{name: "server caps page size", n: 45, serverMax: 20, wantIDs: 45, wantCalls: 3},
		{
			name: "server ignores PageNumber", n: 1000,
			lie: func(_ int, r map[string]any) {
				var contacts []any
				for i := range 50 {
					contacts = append(contacts, contactJSON(fmt.Sprintf("c-%04d", i), "n"))
				}
				r["Contacts"] = contacts
			},
			// Page 1 announces 20 pages: 4 are fetched ahead, page 2 ends it.
			wantIDs: 50, wantCalls: 2, wantCallsAhead: 5, wantErr: "page 2 repeats earlier items",
		},
		{
			name: "TotalCount below what is returned", n: 200,
			lie:     func(_ int, r map[string]any) { r["TotalCount"] = 10 },
			wantIDs: 50, wantCalls: 1,
		},
		{
			name: "overlapping pages are deduplicated", n: 120,
			lie: func(page int, r map[string]any) {
				if page == 2 { // a concurrent insert shifted the offset by one
					contacts := r["Contacts"].([]any)
					r["Contacts"] = append([]any{contactJSON("c-0049", "n")}, contacts[:len(contacts)-1]...)
				}
			},
			wantIDs: 119, wantCalls: 3,
		},
	}
	for _, ahead := range []int{0, 4} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("ahead=%d/%s", ahead, tt.name), func(t *testing.T) {
				h, calls := listServer(tt.n, tt.serverMax, tt.lie)
				c := newTestClient(t, h)
				ids, err := collect(t, c, ListMessageContactsInput{PageSize: tt.pageSize, ahead: ahead})
				if tt.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
						t.Errorf("err = %v, want %q", err, tt.wantErr)
					}
				} else if err != nil {
					t.Fatal(err)
				}
				if len(ids) != tt.wantIDs {
					t.Errorf("%d contacts, want %d", len(ids), tt.wantIDs)
				}
				// The list's order, each contact once, however the pages arrived.
				for i := 1; i < len(ids); i++ {
					if ids[i] <= ids[i-1] {
						t.Fatalf("contact %d is %s after %s: out of order or repeated", i, ids[i], ids[i-1])
					}
				}
				lo, hi := tt.wantCalls, tt.wantCalls
				if ahead > 0 && tt.wantCallsAhead > 0 {
					hi = tt.wantCallsAhead
				}
				if n := calls.Load(); n < lo || n > hi {
					t.Errorf("%d requests, want %d to %d", n, lo, hi)
				}
			})
		}
	}
}

// TestListMessageContacts_ahead: a consumer that reads the whole list (the
// snapshot) has the pages after the first requested together, not one
// after another.
func TestListMessageContacts_ahead(t *testing.T) {
	h, calls := listServer(450, 0, nil)
	var inFlight, most atomic.Int32
	all := make(chan struct{})
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("PageNumber") != "1" {
			n := inFlight.Add(1)
			if n > most.Load() {
				most.Store(n)
			}
			if n == 4 {
				close(all)
			}
			select { // hold each until pages 2-5 are all in flight
			case <-all:
			case <-time.After(5 * time.Second):
			}
			inFlight.Add(-1)
		}
		h(w, r)
	})
	ids, err := collect(t, c, ListMessageContactsInput{PageSize: 100, ahead: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 450 || calls.Load() != 5 {
		t.Errorf("%d contacts in %d requests, want 450 in 5", len(ids), calls.Load())
	}
	if most.Load() != 4 {
		t.Errorf("at most %d of pages 2-5 were in flight together, want 4", most.Load())
	}
}

func TestListMessageContacts_lazyAndFilters(t *testing.T) {
	var queries []string
	h, calls := listServer(500, 0, nil)
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.RawQuery)
		h(w, r)
	})
	n := 0
	for _, err := range c.ListMessageContacts(context.Background(), ListMessageContactsInput{Member: "fd-abc", ContactID: "c-1"}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 60 {
			break
		}
	}
	if calls.Load() != 2 {
		t.Errorf("%d requests after breaking in page 2, want 2", calls.Load())
	}
	want := "ContactId=c-1&Member=fd-abc&PageNumber=1&PageSize=50"
	if queries[0] != want {
		t.Errorf("query = %q, want %q", queries[0], want)
	}
}

func TestListMessageContacts_errorMidway(t *testing.T) {
	h, _ := listServer(120, 0, nil)
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("PageNumber") == "2" {
			apiFail(w, 400, "InvalidParameter.Member")
			return
		}
		h(w, r)
	})
	var got, errs int
	for _, err := range c.ListMessageContacts(context.Background(), ListMessageContactsInput{}) {
		if err != nil {
			errs++
			if !IsCode(err, "InvalidParameter.Member") {
				t.Errorf("err = %v", err)
			}
			continue
		}
		got++
	}
	if got != 50 || errs != 1 {
		t.Errorf("got %d contacts and %d errors, want 50 and 1", got, errs)
	}
}

func TestListMessageContactVerifications(t *testing.T) {
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("ContactId") != "c-1" {
			apiFail(w, 400, "InvalidParameter.ContactId")
			return
		}
		writeJSON(w, 200, map[string]any{"RequestId": "V", "TotalCount": 2, "PageNumber": 1, "PageSize": 50,
			"ContactVerifications": []map[string]string{
				{"ContactId": "c-1", "Target": "a@example.com"},
				{"ContactId": "c-1", "Target": "86-13900001234"},
			}})
	})
	var got []ContactVerification
	for v, err := range c.ListMessageContactVerifications(context.Background(), "c-1") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if len(got) != 2 || got[0] != (ContactVerification{ContactID: "c-1", Target: "a@example.com"}) || got[1].Target != "86-13900001234" {
		t.Errorf("got %+v", got)
	}
}
