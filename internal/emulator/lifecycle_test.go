package emulator

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSDK_lifecycle(t *testing.T) {
	for _, sig := range allSignings {
		t.Run(sig.String(), func(t *testing.T) {
			s := NewServer(t)
			c := newSDK(t, s, sig)

			id := c.addContact("tom", "tom@example.com", "86-13900001234", "AccountExpenses", "ServiceMessage")
			got := c.get(id)
			want := map[string]any{
				"ContactId":    id,
				"Name":         "tom",
				"EmailAddress": "tom@example.com",
				"PhoneNumber":  "86-13900001234",
				"Title":        "TechnicalDirector",
				"MessageTypes": []any{"AccountExpenses", "ServiceMessage"},
				"Members":      []any{},
				"Status":       "Verifying",
				"CreateDate":   got["CreateDate"],
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("GetMessageContact mismatch (-want +got):\n%s", diff)
			}

			c.must("UpdateMessageContact", map[string]any{"ContactId": id, "Title": "CEO", "MessageTypes": []string{"FaultMessage"}})
			got = c.get(id)
			if got["Title"] != "CEO" || !cmp.Equal(got["MessageTypes"], []any{"FaultMessage"}) {
				t.Fatalf("after update: %v", got)
			}

			list := c.must("ListMessageContacts", map[string]any{})
			contacts, _ := list["Contacts"].([]any)
			if num(t, list["TotalCount"]) != 1 || len(contacts) != 1 {
				t.Fatalf("ListMessageContacts returned %d contacts: %v", len(contacts), list)
			}

			del := c.must("DeleteMessageContact", map[string]any{"ContactId": id})
			if del["Status"] != "Deleted" {
				t.Fatalf("DeleteMessageContact status = %v, want Deleted", del["Status"])
			}
			c.mustFail("GetMessageContact", map[string]any{"ContactId": id}, "EntityNotExists.Contact", 404)
			if s.Len() != 0 {
				t.Fatalf("Len = %d after delete", s.Len())
			}
		})
	}
}
