package main

import (
	"testing"
	"time"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
)

// TestLowerBound: a destroy's unbinds and deletes are bounded one phase
// after the other, as Terraform orders them; an apply's calls in one phase;
// throttled and conflicting attempts are not work.
func TestLowerBound(t *testing.T) {
	const latency, quota = 20 * time.Millisecond, 20
	tests := []struct {
		name  string
		stats emulator.Stats
		phase func(string) int
		rate  int
		want  time.Duration
	}{
		{
			name: "destroy of 500 contacts and 250 member sets: 12.5 s of unbinds, then 25 s of deletes",
			stats: emulator.Stats{Calls: map[string]int{
				"DisassociateMembers": 250, "DeleteMessageContact": 500, "ListMessageContacts": 12,
			}},
			phase: destroyPhase,
			rate:  quota,
			want:  37500 * time.Millisecond,
		},
		{
			name: "apply of 500 contacts: the Adds at the quota, the other actions alongside",
			stats: emulator.Stats{Calls: map[string]int{
				"AddMessageContact": 500, "GetMessageContact": 500, "SendEmailVerificationForMessageContact": 500,
			}},
			phase: onePhase,
			rate:  quota,
			want:  25 * time.Second,
		},
		{
			name: "throttled and conflicting attempts do not count",
			stats: emulator.Stats{
				Calls:     map[string]int{"AddMessageContact": 60},
				Throttled: map[string]int{"AddMessageContact": 10},
				Conflicts: map[string]int{"AddMessageContact": 10},
			},
			phase: onePhase,
			rate:  quota,
			want:  2 * time.Second,
		},
		{
			name: "unbatched destroy: the reads run in either phase",
			stats: emulator.Stats{Calls: map[string]int{
				"DisassociateMembers": 25, "DeleteMessageContact": 50, "GetMessageContact": 150,
			}},
			phase: destroyPhase,
			rate:  quota,
			want:  7500 * time.Millisecond, // the Gets at the quota; the phases take 3.75 s
		},
		{
			name:  "without a quota, the writes back to back under the lock",
			stats: emulator.Stats{Calls: map[string]int{"DisassociateMembers": 10, "DeleteMessageContact": 10, "ListMessageContacts": 3}},
			phase: destroyPhase,
			want:  400 * time.Millisecond,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lowerBound(tt.stats, latency, tt.rate, tt.phase); got != tt.want {
				t.Errorf("lowerBound = %s, want %s", got, tt.want)
			}
		})
	}
}
