package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/harness"
)

// Operation names of the rows.
const (
	opApply          = "apply contacts"
	opRefreshPending = "refresh, %d%% Verifying"
	opRefreshActive  = "refresh, all Active"
	opApplyBindings  = "apply bindings"
	opRefreshBound   = "refresh, + 1 binding each"
	opDestroy        = "destroy"
	opAdoptPlan      = "adoption plan (README recipe, half bound)"
	opAdoptApply     = "adoption apply"
	opAdoptDestroy   = "destroy of the adopted"
)

// row is one measured CLI command.
type row struct {
	n           int
	batch       bool
	op          string
	parallelism int
	calls       emulator.Stats
	wall        time.Duration
	baseline    time.Duration // plan -refresh=false of the same configuration and state
	lowerBound  time.Duration // 0: not a write-bound operation
	peakRSS     int64
	// cpu and baseCPU are the median CPU times of the command and of the
	// baseline: where a ratio above 1 goes, the provider or the CLI.
	cpu, baseCPU cpuSplit
	errors       int
}

func (r row) ratio() float64 { return r.wall.Seconds() / r.baseline.Seconds() }

// scenario plays every operation for one N and one batching mode.
type scenario struct {
	o     options
	n     int
	batch bool
	emu   *harness.Emulator
	cli   *cli
	dir   string
	out   io.Writer // printRow's destination
	rows  []row
}

func (s *scenario) play(ctx context.Context) error {
	if s.o.lifecycle {
		if err := s.lifecycle(ctx); err != nil {
			return err
		}
	}
	if s.o.adoption {
		return s.adopt(ctx)
	}
	return nil
}

// lifecycle plays the applies, refreshes, bindings and destroy.
func (s *scenario) lifecycle(ctx context.Context) error {
	if err := s.writeConfig(false); err != nil {
		return err
	}
	for _, p := range s.o.parallelism {
		if err := s.fresh(ctx); err != nil {
			return err
		}
		if err := s.measure(ctx, opApply, p, true, apply(p)); err != nil {
			return err
		}
	}

	// Every contact is Verifying after its creation; verify all but the
	// last verifying-percent, refresh, then verify those too.
	pending := s.n * s.o.verifying / 100
	if err := s.verify(ctx, 0, s.n-pending); err != nil {
		return err
	}
	if err := s.sync(ctx); err != nil {
		return err
	}
	if pending > 0 {
		if err := s.measure(ctx, fmt.Sprintf(opRefreshPending, s.o.verifying), 0, false, plan(true, false)); err != nil {
			return err
		}
		if err := s.verify(ctx, s.n-pending, s.n); err != nil {
			return err
		}
		if err := s.sync(ctx); err != nil {
			return err
		}
	}
	if err := s.measure(ctx, opRefreshActive, 0, false, plan(true, false)); err != nil {
		return err
	}

	if err := s.writeConfig(true); err != nil {
		return err
	}
	p := s.o.parallelism[0]
	if err := s.measure(ctx, opApplyBindings, p, true, apply(p)); err != nil {
		return err
	}
	if err := s.measure(ctx, opRefreshBound, 0, false, plan(true, false)); err != nil {
		return err
	}
	return s.measure(ctx, opDestroy, p, true, destroy(p))
}

func (s *scenario) writeConfig(bindings bool) error {
	return os.WriteFile(filepath.Join(s.dir, "main.tf"), []byte(configuration(s.n, bindings)), 0o644)
}

// sync records in the state what the API now reports (the verifications),
// with `apply -refresh-only`, unmeasured: a scheduled drift check runs
// against a state that is up to date, and the refreshes measure that.
func (s *scenario) sync(ctx context.Context) error {
	res, err := s.cli.run(ctx, refreshOnly())
	if err != nil {
		return err
	}
	if res.errors > 0 {
		return fmt.Errorf("apply -refresh-only reported %d errors", res.errors)
	}
	return nil
}

// fresh empties the emulator and removes the state, so that an apply starts
// from nothing without paying for a destroy.
func (s *scenario) fresh(ctx context.Context) error {
	if err := s.dropState(); err != nil {
		return err
	}
	return s.emu.Admin.Reset(ctx)
}

// verify completes the verification of contacts [from, to).
func (s *scenario) verify(ctx context.Context, from, to int) error {
	for i := from; i < to; i++ {
		if _, err := s.emu.Admin.Verify(ctx, "", contactEmail(i)); err != nil {
			return err
		}
	}
	return nil
}

// measure runs `plan -refresh=false` (with -destroy for a destroy) as the
// baseline, then the command itself, and records a row; writeBound asks for
// the lower bound of the calls it made. The baseline runs -samples times,
// and so does a command that changes nothing (a plan), alternating with
// the baseline runs; a command that changes something runs once, after
// every baseline run (a baseline run after it would plan from the state it
// left: after a destroy, an empty one). The row reports the median wall
// times, the largest peak RSS, and the API calls of the first run of the
// command.
func (s *scenario) measure(ctx context.Context, op string, parallelism int, writeBound bool, cmd command) error {
	verb := strings.Fields(cmd.shown)[0]
	baseline := plan(false, verb == "destroy")
	readOnly := verb == "plan"
	fmt.Fprintf(os.Stderr, "bench: N=%d batch %s: %s [%s]\n", s.n, onOff(s.batch), op, cmd.shown)
	var (
		bases, walls      []time.Duration
		baseCPUs, cmdCPUs []cpuSplit
		res               result
		before            emulator.Stats
		after             emulator.Stats
	)
	for i := range s.o.samples {
		base, err := s.cli.run(ctx, baseline)
		if err != nil {
			return err
		}
		if base.errors > 0 {
			return fmt.Errorf("%s: the baseline plan failed", op)
		}
		bases = append(bases, base.wall)
		baseCPUs = append(baseCPUs, base.cpu)
		if !readOnly && i < s.o.samples-1 {
			continue
		}
		if len(walls) == 0 {
			if before, err = s.emu.Admin.Stats(ctx); err != nil {
				return err
			}
		}
		r, err := s.cli.run(ctx, cmd)
		if err != nil {
			return err
		}
		if len(walls) == 0 {
			if after, err = s.emu.Admin.Stats(ctx); err != nil {
				return err
			}
			res = r
		}
		res.peakRSS = max(res.peakRSS, r.peakRSS)
		res.errors = max(res.errors, r.errors)
		walls = append(walls, r.wall)
		cmdCPUs = append(cmdCPUs, r.cpu)
	}
	res.wall = median(walls)
	r := row{
		n: s.n, batch: s.batch, op: op, parallelism: parallelism,
		calls: since(after, before), wall: res.wall, baseline: median(bases),
		peakRSS: res.peakRSS, errors: res.errors, cpu: medianCPU(cmdCPUs), baseCPU: medianCPU(baseCPUs),
	}
	if writeBound {
		phase := onePhase
		if verb == "destroy" {
			phase = destroyPhase
		}
		r.lowerBound = lowerBound(r.calls, s.o.latency, s.o.rateLimit, phase)
	}
	s.rows = append(s.rows, r)
	printRow(s.out, r)
	if r.errors > 0 {
		return fmt.Errorf("%s reported %d errors", op, r.errors)
	}
	return nil
}

// since returns the counts of after minus those of before: what one phase
// did.
func since(after, before emulator.Stats) emulator.Stats {
	diff := func(a, b map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range a {
			if d := v - b[k]; d != 0 {
				out[k] = d
			}
		}
		return out
	}
	return emulator.Stats{
		Calls:        diff(after.Calls, before.Calls),
		Conflicts:    diff(after.Conflicts, before.Conflicts),
		Throttled:    diff(after.Throttled, before.Throttled),
		ServerErrors: diff(after.ServerErrors, before.ServerErrors),
		Errors:       diff(after.Errors, before.Errors),
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// median is the middle of ds (the upper middle of an even count).
func median(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// medianCPU is the median of the provider's and of the CLI's CPU times,
// each on its own.
func medianCPU(cs []cpuSplit) cpuSplit {
	var p, c []time.Duration
	for _, x := range cs {
		p, c = append(p, x.provider), append(c, x.cli)
	}
	return cpuSplit{provider: median(p), cli: median(c)}
}

// mutatingActions are the calls the emulator serialises under the account's
// write lock (its handler table marks them mutating).
var mutatingActions = map[string]bool{
	"AddMessageContact": true, "UpdateMessageContact": true, "DeleteMessageContact": true,
	"SendEmailVerificationForMessageContact": true, "SendPhoneVerificationForMessageContact": true,
	"AssociateMembers": true, "DisassociateMembers": true, "CancelMessageContactUpdate": true,
}

// lowerBound is the least time the calls that succeeded can take. The
// calls fall into phases that run one after the other (phase numbers each
// action from 0; -1 for an action that runs alongside them all); within a
// phase, the writes one after another under the account's write lock,
// latency each, or the busiest action at the per-action quota, whichever
// is longer; and no less than the busiest action of those alongside takes
// at its quota. Throttled and conflicting attempts do not count: they are
// waste, not work.
func lowerBound(c emulator.Stats, latency time.Duration, rateLimit int, phase func(action string) int) time.Duration {
	atQuota := func(n int) time.Duration {
		if rateLimit <= 0 {
			return 0
		}
		return time.Duration(n) * time.Second / time.Duration(rateLimit)
	}
	writes, busiest := map[int]int{}, map[int]int{}
	for action, n := range c.Calls {
		done := n - c.Throttled[action] - c.Conflicts[action]
		p := phase(action)
		if mutatingActions[action] {
			writes[p] += done
		}
		busiest[p] = max(busiest[p], done)
	}
	var total time.Duration
	for p, b := range busiest {
		if p >= 0 {
			total += max(time.Duration(writes[p])*latency, atQuota(b))
		}
	}
	return max(total, atQuota(busiest[-1]))
}

// onePhase puts every call of a command in one phase.
func onePhase(string) int { return 0 }

// destroyPhase orders a destroy's writes as Terraform does: it orders
// destroys by resource, not by instance, so no contact is deleted before
// every binding and member set of a resource that refers to the contacts'
// resource is destroyed; the unbinds come first, then the deletes. Reads
// run in either phase.
func destroyPhase(action string) int {
	switch action {
	case "DisassociateMembers":
		return 0
	case "DeleteMessageContact":
		return 1
	}
	return -1
}
