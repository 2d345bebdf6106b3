package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

const mib = 1 << 20

// printHeader starts the Markdown table that printRow adds to, one row as
// each command ends, so that an interrupted run still shows what it
// measured.
func printHeader(w io.Writer, o options) {
	fmt.Fprintf(w, "\nEnd to end: %s against rdemulator, latency %s, %d calls/s per action, writes serialised per account.\n\n",
		o.cli, o.latency, o.rateLimit)
	fmt.Fprintln(w, "| N | batch | operation | API calls by action | retried (throttled + conflict) | wall | plan -refresh=false | ratio | lower bound | CPU: provider / CLI (baseline) | peak provider RSS | errors |")
	fmt.Fprintln(w, "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
}

func printRow(w io.Writer, r row) {
	op := r.op
	if r.parallelism > 0 {
		op += fmt.Sprintf(" (-parallelism=%d)", r.parallelism)
	}
	lb := "–"
	if r.lowerBound > 0 {
		lb = fmt.Sprintf("%s (%.2fx)", seconds(r.lowerBound), r.wall.Seconds()/r.lowerBound.Seconds())
	}
	fmt.Fprintf(w, "| %d | %s | %s | %s | %d | %s | %s | %.2fx | %s | %.2f / %.2f s (%.2f / %.2f s) | %.1f MiB | %d |\n",
		r.n, onOff(r.batch), op, callsByAction(r.calls.Calls),
		sum(r.calls.Throttled)+sum(r.calls.Conflicts), seconds(r.wall), seconds(r.baseline), r.ratio(),
		lb, r.cpu.provider.Seconds(), r.cpu.cli.Seconds(), r.baseCPU.provider.Seconds(), r.baseCPU.cli.Seconds(),
		float64(r.peakRSS)/mib, r.errors)
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// callsByAction is "total: Action n, …" in action order.
func callsByAction(calls map[string]int) string {
	if len(calls) == 0 {
		return "0"
	}
	parts := make([]string, 0, len(calls))
	for _, a := range slices.Sorted(maps.Keys(calls)) {
		parts = append(parts, fmt.Sprintf("%s %d", a, calls[a]))
	}
	return fmt.Sprintf("%d: %s", sum(calls), strings.Join(parts, ", "))
}

// target is one of the targets, judged on the rows.
type target struct {
	what    string
	verdict func(rows []row) (met bool, evidence string, measured bool)
}

// find returns the row of op at n with batching on (the targets' mode).
func find(rows []row, n int, op string, parallelism int) (row, bool) {
	for _, r := range rows {
		if r.n == n && r.batch && r.op == op && r.parallelism == parallelism {
			return r, true
		}
	}
	return row{}, false
}

func refreshTarget(op string, maxCalls int, maxRatio float64) func([]row) (bool, string, bool) {
	return func(rows []row) (bool, string, bool) {
		r, ok := find(rows, 500, op, 0)
		if !ok {
			return false, "", false
		}
		calls := sum(r.calls.Calls)
		met := calls <= maxCalls && r.errors == 0 && (maxRatio == 0 || r.ratio() <= maxRatio)
		return met, fmt.Sprintf("%d calls, %.2fx plan -refresh=false (%s more wall; CPU: provider %+.2f s, CLI %+.2f s)",
			calls, r.ratio(), seconds(r.wall-r.baseline), (r.cpu.provider - r.baseCPU.provider).Seconds(),
			(r.cpu.cli - r.baseCPU.cli).Seconds()), true
	}
}

func applyTarget(parallelism int) func([]row) (bool, string, bool) {
	return func(rows []row) (bool, string, bool) {
		r, ok := find(rows, 200, opApply, parallelism)
		if !ok {
			return false, "", false
		}
		// The CLI's own time is that of the plan it makes before applying.
		bound := r.lowerBound + r.baseline
		met := r.errors == 0 && r.wall.Seconds() <= 1.1*bound.Seconds()
		return met, fmt.Sprintf("%d errors, %s = %.2fx (lower bound %s + CLI %s)",
			r.errors, seconds(r.wall), r.wall.Seconds()/bound.Seconds(), seconds(r.lowerBound), seconds(r.baseline)), true
	}
}

// adoptionTarget judges an adoption row at N = 500: its calls, and, when
// maxRatio is set, its wall against plan -refresh=false of the adopted
// configuration (the row counts an error when it did not plan exactly
// N + N/2 imports). The split says where a ratio above 1 goes.
func adoptionTarget(op string, parallelism int, maxRatio float64) func([]row) (bool, string, bool) {
	return func(rows []row) (bool, string, bool) {
		r, ok := find(rows, 500, op, parallelism)
		if !ok {
			return false, "", false
		}
		calls := sum(r.calls.Calls)
		return calls <= 10 && r.errors == 0 && (maxRatio == 0 || r.ratio() <= maxRatio),
			fmt.Sprintf("%d calls, %.2fx plan -refresh=false (CPU: provider %+.2f s, CLI %+.2f s), %d errors", calls, r.ratio(),
				(r.cpu.provider - r.baseCPU.provider).Seconds(), (r.cpu.cli - r.baseCPU.cli).Seconds(), r.errors), true
	}
}

// destroyTarget judges the destroy of the adopted directory at N = 500:
// at most N + N/2 + 20 calls, wall at most 1.2x (lower bound + CLI time).
func destroyTarget(rows []row) (bool, string, bool) {
	r, ok := find(rows, 500, opAdoptDestroy, 10)
	if !ok {
		return false, "", false
	}
	calls := sum(r.calls.Calls)
	bound := r.lowerBound + r.baseline
	return calls <= 500+250+20 && r.errors == 0 && r.wall.Seconds() <= 1.2*bound.Seconds(),
		fmt.Sprintf("%d calls, %s = %.2fx (lower bound %s + CLI %s)", calls, seconds(r.wall),
			r.wall.Seconds()/bound.Seconds(), seconds(r.lowerBound), seconds(r.baseline)), true
}

var targets = []target{
	{"refresh of 500 Active contacts: at most 6 API calls, wall at most 1.2x plan -refresh=false", refreshTarget(opRefreshActive, 6, 1.2)},
	{"500 contacts of which 50 Verifying: at most 7 calls", refreshTarget(fmt.Sprintf(opRefreshPending, 10), 7, 0)},
	{"500 contacts plus 500 bindings: at most 6 calls", refreshTarget(opRefreshBound, 6, 0)},
	{"apply of 200 contacts at -parallelism=10: zero errors, wall at most 1.1x (lower bound + CLI time)", applyTarget(10)},
	{"apply of 200 contacts at -parallelism=30: zero errors, wall at most 1.1x (lower bound + CLI time)", applyTarget(30)},
	{"adoption plan of 500 contacts (250 bound): at most 10 calls, wall at most 1.3x plan -refresh=false once adopted", adoptionTarget(opAdoptPlan, 0, 1.3)},
	{"adoption plan at -parallelism=30: exactly N + N/2 imports, at most 10 calls", adoptionTarget(opAdoptPlan, 30, 0)},
	{"adoption apply of 500 contacts: at most 10 calls, wall at most 1.3x plan -refresh=false once adopted", adoptionTarget(opAdoptApply, 10, 1.3)},
	{"destroy of the 500 adopted contacts and 250 member sets: at most N + N/2 + 20 calls, wall at most 1.2x (lower bound + CLI time)", destroyTarget},
	{"peak provider RSS under 60 MiB at N = 500", func(rows []row) (bool, string, bool) {
		var peak int64
		seen := false
		for _, r := range rows {
			if r.n == 500 && r.batch {
				seen = true
				peak = max(peak, r.peakRSS)
			}
		}
		return peak < 60*mib, fmt.Sprintf("%.1f MiB (largest of every operation, batching on)", float64(peak)/mib), seen
	}},
}

// printTargets judges each of the targets (batching on, the
// default) on the rows measured.
func printTargets(w io.Writer, rows []row) {
	fmt.Fprintln(w, "\nTargets (batching on):")
	fmt.Fprintln(w)
	for _, t := range targets {
		met, evidence, measured := t.verdict(rows)
		switch {
		case !measured:
			fmt.Fprintf(w, "- NOT MEASURED: %s (run with the N it needs)\n", t.what)
		case met:
			fmt.Fprintf(w, "- met: %s: %s\n", t.what, evidence)
		default:
			fmt.Fprintf(w, "- MISSED: %s: %s\n", t.what, evidence)
		}
	}
}
