package emulator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestStateFile_keepsEverythingAContactIs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	clock := newFakeClock(time.Now())
	opts := []Option{WithClock(clock.Now), WithStateFile(path), WithSettings(func(cfg *Settings) { cfg.AsyncDelete = time.Hour })}
	s := NewServer(t, opts...)
	c := newSDK(t, s, signV3)
	tom := c.addContact("tom", "tom@example.com", "86-13800000000", "ServiceMessage", "AccountExpenses")
	c.must("SendEmailVerificationForMessageContact", map[string]any{"ContactId": tom, "EmailAddress": "tom@example.com"})
	if err := s.Verify("", "tom@example.com"); err != nil {
		t.Fatal(err)
	}
	c.must("AssociateMembers", map[string]any{"ContactId": tom, "Members": []string{"fd-Prod4Nz7Qa", "1500000000000002"}})
	ann := c.addContact("ann", "ann@example.com", "")
	s.FailNextDeletion([]FailReason{{AccountID: "1500000000000002", MessageTypes: []string{"AccountExpenses"}}})
	c.must("DeleteMessageContact", map[string]any{"ContactId": ann, "RetainContactInMembers": false})
	want := s.Contacts()
	s.Close()

	// The daily send count is kept: with a limit of 1, tom's send used it.
	again := NewServer(t, append(opts, WithSettings(func(cfg *Settings) { cfg.DailySendLimit = 1 }))...)
	if diff := cmp.Diff(want, again.Contacts()); diff != "" {
		t.Errorf("after reopening (-before +after):\n%s", diff)
	}
	newSDK(t, again, signV3).mustFail("SendPhoneVerificationForMessageContact",
		map[string]any{"ContactId": tom, "PhoneNumber": "86-13800000000"}, "SendValidateCodeExceedsLimitForAccount", 409)
	// The deletion still runs, and fails as armed, after the restart.
	clock.Advance(time.Hour)
	if got, _ := again.Contact(ann); got.Status != statusVerifying || len(got.LastDeletionFailure) != 1 {
		t.Errorf("ann after her deletion's time: %+v", got)
	}

	// Reset empties the file.
	again.Reset()
	if empty, err := Open(opts...); err != nil || empty.Len() != 0 {
		t.Errorf("after Reset: %v contacts (%v)", empty.Len(), err)
	}
}

func TestStateFile_badFile(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"garbage.json":   "{",
		"unknown.json":   `{"format": 1, "contacts": [], "colour": "red"}`,
		"format.json":    `{"format": 99, "contacts": []}`,
		"duplicate.json": `{"format": 1, "contacts": [{"contact_id": "c-AAAAAAAAAAAAAAAA"}, {"contact_id": "c-AAAAAAAAAAAAAAAA"}]}`,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(WithStateFile(path)); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err = %v, want one naming the file", name, err)
		}
	}
	// A folder that cannot hold the file: the change is refused loudly.
	s := NewServer(t, WithStateFile(filepath.Join(dir, "missing", "state.json")))
	newSDK(t, s, signV3).mustFail("AddMessageContact", addParams("tom"), "InternalError", 500)
}
