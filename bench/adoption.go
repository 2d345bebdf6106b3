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
// (it must plan exactly N + N/2 imports) and at the default, and applied
// (the state dropped before each run again), each -samples times, and
// destroyed. The adoption rows' baseline is `plan -refresh=false` of the
// same configuration once adopted.
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
	var rows []int
	for _, step := range []struct {
		op          string
		parallelism int
		cmd         command
	}{
		{opAdoptPlan, 30, planWith(30)},
		{opAdoptPlan, 0, planWith(0)},
		{opAdoptApply, p, apply(p)},
	} {
		fmt.Fprintf(os.Stderr, "bench: N=%d batch %s: %s [%s]\n", s.n, onOff(s.batch), step.op, step.cmd.shown)
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
		// A plan changes nothing, so it runs -samples times like the
		// other plans; so does the apply, which changes only the state:
		// dropped before each run again, it imports the same directory
		// with the same calls. The row has the calls of the first run and
		// the median wall and CPU times.
		walls, cpus := []time.Duration{res.wall}, []cpuSplit{res.cpu}
		for i := 1; i < s.o.samples; i++ {
			if step.op == opAdoptApply {
				if err := s.dropState(); err != nil {
					return err
				}
			}
			again, err := s.cli.run(ctx, step.cmd)
			if err != nil {
				return err
			}
			walls, cpus = append(walls, again.wall), append(cpus, again.cpu)
			res.peakRSS, res.errors = max(res.peakRSS, again.peakRSS), max(res.errors, again.errors)
		}
		s.rows = append(s.rows, row{n: s.n, batch: s.batch, op: step.op, parallelism: step.parallelism,
			calls: since(after, before), wall: median(walls), peakRSS: res.peakRSS, cpu: medianCPU(cpus), errors: res.errors})
		rows = append(rows, len(s.rows)-1)
	}
	// The baseline: a plan without refresh of the adopted configuration.
	var (
		bases    []time.Duration
		baseCPUs []cpuSplit
	)
	for range s.o.samples {
		base, err := s.cli.run(ctx, plan(false, false))
		if err != nil {
			return err
		}
		bases = append(bases, base.wall)
		baseCPUs = append(baseCPUs, base.cpu)
	}
	baseline, baseCPU := median(bases), medianCPU(baseCPUs)
	for _, i := range rows {
		s.rows[i].baseline, s.rows[i].baseCPU = baseline, baseCPU
		printRow(s.out, s.rows[i])
		if s.rows[i].errors > 0 {
			return fmt.Errorf("%s reported %d errors", s.rows[i].op, s.rows[i].errors)
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
