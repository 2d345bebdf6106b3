package emulator

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// everySetting differs from DefaultSettings in every field.
var everySetting = Settings{
	ReadMode:             ReadVerified,
	MessageTypesOrder:    MessageTypesSorted,
	VerificationTargets:  TargetsMasked,
	Latency:              20 * time.Millisecond,
	MutationHold:         100 * time.Millisecond,
	LockScope:            LockPerContact,
	RateLimit:            5,
	DailySendLimit:       3,
	MaxMembersPerContact: 7,
	AsyncDelete:          2 * time.Second,
	RetainedDeletion:     RetainedAsync,
	ReadAfterCreateDelay: time.Minute,
	ServerErrorRate:      0.25,
	CreateDateZone:       0,
	CreateDateSkew:       -250 * time.Millisecond,
	DenyActions:          "ListAccounts,ListMessageContacts",
	DenyCode:             DenyForbiddenRAM,
}

func TestSettings_everyFieldIsCovered(t *testing.T) {
	var got map[string]any
	mustRoundTrip(t, everySetting, &got)
	def := DefaultSettings()
	var defaults map[string]any
	mustRoundTrip(t, def, &defaults)
	if len(got) != len(settingFields) {
		t.Fatalf("JSON has %d settings, Settings has %d fields", len(got), len(settingFields))
	}
	for name, v := range got {
		if fmt.Sprint(v) == fmt.Sprint(defaults[name]) {
			t.Errorf("everySetting leaves %s at its default %v: extend it", name, v)
		}
	}
}

func mustRoundTrip(t *testing.T, s Settings, dst any) {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, dst); err != nil {
		t.Fatal(err)
	}
}

func TestSettings_JSON(t *testing.T) {
	b, err := json.Marshal(everySetting)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"read_mode":"verified"`, `"latency":"20ms"`, `"lock_scope":"contact"`, `"rate_limit":5`,
		`"server_error_rate":0.25`, `"create_date_zone":"+00:00"`, `"create_date_skew":"-250ms"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
	got := DefaultSettings()
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(everySetting, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}

	// A partial object changes only what it names.
	patched := everySetting
	if err := json.Unmarshal([]byte(`{"rate_limit": 0, "async_delete": "0s"}`), &patched); err != nil {
		t.Fatal(err)
	}
	want := everySetting
	want.RateLimit, want.AsyncDelete = 0, 0
	if diff := cmp.Diff(want, patched); diff != "" {
		t.Errorf("patch (-want +got):\n%s", diff)
	}

	for body, wantErr := range map[string]string{
		`{"read_mode": "latest"}`:           "read_mode: read mode \"latest\": want submitted or verified",
		`{"latency": "soon"}`:               "latency: \"soon\" is not a duration",
		`{"latency": "-1s"}`:                "latency: -1s is negative",
		`{"server_error_rate": 2}`:          "server_error_rate: 2 is not within [0, 1]",
		`{"rate_limit": 1.5}`:               "rate_limit: \"1.5\" is not a whole number",
		`{"error_rate": 1}`:                 "unknown setting \"error_rate\"",
		`{"lock_scope": "global"}`:          "lock_scope: lock scope \"global\": want account or contact",
		`{"max_members_per_contact": true}`: "max_members_per_contact: \"true\" is not a whole number",
		`{"create_date_zone": "CST"}`:       "create_date_zone: date zone \"CST\": want an offset like +08:00",
		`{"create_date_zone": "+08:20"}`:    "minutes in quarter hours",
		`{"create_date_zone": "+15:00"}`:    "between -12:00 and +14:00",
		`{"create_date_skew": "-2h"}`:       "create_date_skew: -2h0m0s is not within [-1h0m0s, 1h0m0s]",
	} {
		s := DefaultSettings()
		err := json.Unmarshal([]byte(body), &s)
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%s: err = %v, want it to contain %q", body, err, wantErr)
		}
	}
}

func TestSettings_flags(t *testing.T) {
	// Every setting is a flag spelt like its JSON name, with "-" for "_",
	// taking the value as the JSON text writes it.
	var byName map[string]any
	mustRoundTrip(t, everySetting, &byName)
	names := make([]string, 0, len(byName))
	for name := range byName {
		names = append(names, name)
	}
	sort.Strings(names)
	var args []string
	for _, name := range names {
		args = append(args, "-"+strings.ReplaceAll(name, "_", "-"), fmt.Sprint(byName[name]))
	}
	got := DefaultSettings()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	got.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parsing %q: %v", args, err)
	}
	if diff := cmp.Diff(everySetting, got); diff != "" {
		t.Errorf("flags %q (-want +got):\n%s", args, diff)
	}
	if d := fs.Lookup("rate-limit").DefValue; d != "20" {
		t.Errorf("-rate-limit default = %q, want 20", d)
	}

	for _, bad := range [][]string{{"-read-mode", "latest"}, {"-latency", "-1s"}, {"-server-error-rate", "2"}, {"-rate-limit", "x"}} {
		s := DefaultSettings()
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		s.RegisterFlags(fs)
		if err := fs.Parse(bad); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%q: err = %v, want one naming the flag", bad, err)
		}
	}
}

func TestSettings_Apply(t *testing.T) {
	s := NewServer(t, WithSettings(func(cfg *Settings) { cfg.RateLimit = 3 }))
	if got := s.Settings().RateLimit; got != 3 {
		t.Fatalf("RateLimit = %d, want 3", got)
	}
	if err := s.Apply(func(cfg *Settings) { cfg.ReadMode = ReadVerified }); err != nil {
		t.Fatal(err)
	}
	want := DefaultSettings()
	want.RateLimit, want.ReadMode = 3, ReadVerified
	if diff := cmp.Diff(want, s.Settings()); diff != "" {
		t.Errorf("after Apply (-want +got):\n%s", diff)
	}
	err := s.Apply(func(cfg *Settings) { cfg.RateLimit = 9; cfg.MutationHold = -time.Second })
	if err == nil || !strings.Contains(err.Error(), "mutation_hold") {
		t.Errorf("invalid Apply: err = %v, want one naming mutation_hold", err)
	}
	if diff := cmp.Diff(want, s.Settings()); diff != "" {
		t.Errorf("an invalid Apply changed the settings (-want +got):\n%s", diff)
	}
	if _, err := build([]Option{WithSettings(func(cfg *Settings) { cfg.ServerErrorRate = -1 })}); err == nil {
		t.Error("New accepted server_error_rate -1")
	}
}
