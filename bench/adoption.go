package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// adoptionRecipe is the README's adoption recipe, the guide's example
// file, which bench runs from the repository root.
const adoptionRecipe = "examples/guides/adopt-existing-contacts/main.tf"

// adopt plays the adoption of an existing directory and its teardown: N
// contacts, every other one bound to an object, all Active, made by an
// unmeasured apply whose state is then dropped; then the README's recipe
// (the plural data source, import blocks with for_each for every contact
// and for the member set of every bound one) is planned at -parallelism=30
// (it must plan exactly N + N/2 imports) and at the default, and applied,
// each from a dropped state, in -samples rounds that each end with the
// rows' baseline, `plan -refresh=false` of the same configuration once
// adopted; then the adopted directory is destroyed.
func (s *scenario) adopt(ctx context.Context) error {
	if err := s.fresh(ctx); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(s.dir, "main.tf"), []byte(seedConfiguration(s.n)), 0o644); err != nil {
		return err
	}
	p := s.o.parallelism[0]
	if res, err := s.cli.run(ctx, apply(p)); err != nil || res.errors > 0 {
		return fmt.Errorf("creating the directory to adopt: %v (%d errors)", err, res.errors)
	}
	if err := s.verify(ctx, 0, s.n); err != nil {
		return err
	}
	if err := s.dropState(); err != nil {
		return err
	}
	recipe, err := os.ReadFile(adoptionRecipe)
	if err != nil {
		return fmt.Errorf("reading the adoption recipe (run bench from the repository root): %w", err)
	}
	config := configHeader + "\n" + string(recipe)
	if err := os.WriteFile(filepath.Join(s.dir, "main.tf"), []byte(config), 0o644); err != nil {
		return err
	}

	imports := s.n + (s.n+1)/2
	steps := []struct {
		op          string
		parallelism int
		cmd         command
	}{
		{opAdoptPlan, 30, planWith(30)},
		{opAdoptPlan, 0, planWith(0)},
		{opAdoptApply, p, apply(p)},
	}
	// Rounds of every step, each from a dropped state, then the baseline
	// in the state the apply left: the commands and their baseline
	// alternate, as the other plans do with theirs, so that a change in
	// the machine's speed during the run weighs on both alike. A row has
	// the calls of the first round and the median wall and CPU times.
	rows := make([]row, len(steps))
	walls := make([][]time.Duration, len(steps))
	cpus := make([][]cpuSplit, len(steps))
	var (
		bases    []time.Duration
		baseCPUs []cpuSplit
	)
	for round := range s.o.samples {
		for i, step := range steps {
			fmt.Fprintf(os.Stderr, "bench: N=%d batch %s: %s [%s] (round %d)\n", s.n, onOff(s.batch), step.op, step.cmd.shown, round+1)
			if err := s.dropState(); err != nil {
				return err
			}
			before, err := s.emu.Admin.Stats(ctx)
			if err != nil {
				return err
			}
			res, err := s.cli.run(ctx, step.cmd)
			if err != nil {
				return err
			}
			after, err := s.emu.Admin.Stats(ctx)
			if err != nil {
				return err
			}
			if got := plannedImports(res.output); got != imports {
				res.errors = max(res.errors, 1)
				fmt.Fprintf(os.Stderr, "bench: %s planned %d imports, want %d\n", step.op, got, imports)
			}
			r := &rows[i]
			if round == 0 {
				*r = row{n: s.n, batch: s.batch, op: step.op, parallelism: step.parallelism, calls: since(after, before)}
			}
			r.peakRSS, r.errors = max(r.peakRSS, res.peakRSS), max(r.errors, res.errors)
			walls[i], cpus[i] = append(walls[i], res.wall), append(cpus[i], res.cpu)
		}
		// The baseline: a plan without refresh of the adopted configuration.
		base, err := s.cli.run(ctx, plan(false, false))
		if err != nil {
			return err
		}
		bases, baseCPUs = append(bases, base.wall), append(baseCPUs, base.cpu)
	}
	baseline, baseCPU := median(bases), medianCPU(baseCPUs)
	for i := range rows {
		rows[i].wall, rows[i].cpu = median(walls[i]), medianCPU(cpus[i])
		rows[i].baseline, rows[i].baseCPU = baseline, baseCPU
		s.rows = append(s.rows, rows[i])
		printRow(s.out, rows[i])
		if rows[i].errors > 0 {
			return fmt.Errorf("%s reported %d errors", rows[i].op, rows[i].errors)
		}
	}
	return s.measure(ctx, opAdoptDestroy, p, true, destroy(p))
}

// dropState removes the local state: the contacts stay in the emulator,
// for an adoption to take over.
func (s *scenario) dropState() error {
	for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
		if err := os.Remove(filepath.Join(s.dir, f)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// plannedImports reads "Plan: N to import" (0 when the plan imports
// nothing).
func plannedImports(output string) int {
	m := regexp.MustCompile(`Plan: (\d+) to import`).FindStringSubmatch(output)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// seedConfiguration is configuration(n, false) plus a member set binding
// every other contact to one object.
func seedConfiguration(n int) string {
	return configuration(n, false) + `
resource "resourcedirectory_message_contact_members" "m" {
  count      = ceil(length(local.names) / 2)
  contact_id = resourcedirectory_message_contact.c[count.index * 2].id
  member_ids = [local.targets[count.index % length(local.targets)]]
}
`
}
