//go:build unix

package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/harness"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// Interrupts and contention with the CLI and the provider as the separate
// processes a user runs: the CLI is a subprocess, and it starts the provider
// binary that make install laid out in the README's filesystem mirror (one
// provider process per CLI run). The emulator runs in this process, behind a
// gate that lets a test see, hold or line up the API calls in flight.

const (
	// interruptBound is how soon after SIGINT the CLI must have exited: the
	// one grace the provider takes to record a write the API may have
	// committed (rdapi.InterruptGrace, 5 s, in all), plus 3 s for the CLI
	// and the provider to stop (well under a second on an idle machine).
	// A provider that spent a second grace, or waited out anything else,
	// fails the test.
	interruptBound = rdapi.InterruptGrace + 3*time.Second
	// processWait bounds a CLI run, or a wait for a call to be in flight,
	// that should take a few seconds.
	processWait = 2 * time.Minute
)

// processCLI returns the CLI these tests run: TF_ACC_TERRAFORM_PATH
// (OpenTofu under make test), else a Terraform binary.
func processCLI(t *testing.T) harness.CLI {
	t.Helper()
	return harness.CLIs(t)[0]
}

// gatedEmulator is an emulator in this process, on loopback, behind a
// gate.
type gatedEmulator struct {
	*emulator.Emulator
	url  string
	gate atomic.Pointer[gateFunc]
	// held counts the calls held so far.
	held atomic.Int64
}

// gateFunc sees every API call before the emulator does, and may block.
type gateFunc func(r *http.Request, action string, params url.Values) gateAction

type gateAction int

const (
	// forward passes the call to the emulator.
	forward gateAction = iota
	// holdRequest keeps the call from the emulator until the client gives
	// up: the request never reached the API.
	holdRequest
	// holdReply lets the emulator carry the call out in full and withholds
	// its reply until the client gives up: committed, reply in flight.
	holdReply
)

func newGatedEmulator(t *testing.T, settings func(*emulator.Settings), opts ...emulator.Option) *gatedEmulator {
	t.Helper()
	e := &gatedEmulator{}
	gate := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.serve(next, w, r) })
	}
	emu := startEmulator(t, harness.EmulatorConfig{Settings: settings, Options: opts, Wrap: gate})
	e.Emulator, e.url = emu.Server, emu.URL
	return e
}

// serve passes a call through the gate to next, the emulator.
func (e *gatedEmulator) serve(next http.Handler, w http.ResponseWriter, r *http.Request) {
	how := forward
	if g := e.gate.Load(); g != nil {
		q := r.URL.Query()
		action := r.Header.Get("x-acs-action")
		if action == "" {
			action = q.Get("Action")
		}
		how = (*g)(r, action, q)
	}
	switch how {
	case holdRequest:
		e.held.Add(1)
		<-r.Context().Done()
	case holdReply:
		next.ServeHTTP(httptest.NewRecorder(), r.WithContext(context.WithoutCancel(r.Context())))
		e.held.Add(1)
		<-r.Context().Done()
	default:
		next.ServeHTTP(w, r)
	}
}

func (e *gatedEmulator) setGate(g gateFunc) { e.gate.Store(&g) }

// holdFirst applies how to the next call of action and forwards every
// other call. The function it returns reports whether that call is held
// (for holdReply: carried out, and its reply withheld).
func (e *gatedEmulator) holdFirst(action string, how gateAction) func() bool {
	var taken atomic.Bool
	before := e.held.Load()
	e.setGate(func(_ *http.Request, a string, _ url.Values) gateAction {
		if a != action || taken.Swap(true) {
			return forward
		}
		return how
	})
	return func() bool { return e.held.Load() > before }
}

// addForeign creates a contact out of band, as another workspace or a
// person would, and returns its ID.
func (e *gatedEmulator) addForeign(t *testing.T, name string) string {
	t.Helper()
	client, err := rdapi.New(rdapi.Options{
		Endpoint:    e.url,
		Credentials: rdapi.StaticCredentials(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := client.AddMessageContact(t.Context(), rdapi.AddMessageContactInput{
		Name: name, EmailAddress: contactEmail(name), Title: "TechnicalDirector", MessageTypes: []string{"AccountExpenses"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.ContactID
}

// named returns the stored contact with this name (zero if none).
func (e *gatedEmulator) named(name string) emulator.Contact {
	for _, c := range e.Contacts() {
		if c.Name == name {
			return c
		}
	}
	return emulator.Contact{}
}

func contactEmail(name string) string { return strings.ToLower(name) + "@example.com" }

// contactBlocks declares one contact per name, with the given title.
func contactBlocks(title string, names ...string) string {
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "\nresource \"resourcedirectory_message_contact\" %q {\n  name          = %q\n  email_address = %q\n"+
			"  title         = %q\n  message_types = [\"AccountExpenses\"]\n}\n", strings.ToLower(n), n, contactEmail(n), title)
	}
	return b.String()
}

// cliWorkspace is one configuration directory, with its local state, run
// with a CLI and the provider from the mirror.
type cliWorkspace struct {
	*harness.Workspace
	t *testing.T
}

// newCLIWorkspace makes a workspace with the given resources, pointed at
// url, and runs init in it.
func newCLIWorkspace(t *testing.T, cli harness.CLI, rc, url, resources string) *cliWorkspace {
	t.Helper()
	w := &cliWorkspace{Workspace: newWorkspace(t, harness.WorkspaceConfig{CLI: cli, CLIConfig: rc, Endpoint: url}), t: t}
	w.configure(resources)
	if out, err := w.run(func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Init(ctx) }); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	return w
}

func (w *cliWorkspace) configure(resources string) {
	if err := w.WriteFile("main.tf", "terraform {\n  required_providers {\n    resourcedirectory = {\n"+
		"      source  = \""+providerAddress+"\"\n      version = \""+installVersion+"\"\n    }\n  }\n}\n"+resources); err != nil {
		w.t.Fatal(err)
	}
}

// run runs one command to its end, within processWait, and returns its
// output. It is safe to call from any goroutine.
func (w *cliWorkspace) run(f func(ctx context.Context, tf *tfexec.Terraform) error) (string, error) {
	return run(w.t, w.Workspace, f)
}

func apply(ctx context.Context, tf *tfexec.Terraform) error   { return tf.Apply(ctx) }
func destroy(ctx context.Context, tf *tfexec.Terraform) error { return tf.Destroy(ctx) }

// mustRun runs apply or destroy and fails the test unless it succeeds.
func (w *cliWorkspace) mustRun(command func(ctx context.Context, tf *tfexec.Terraform) error) string {
	w.t.Helper()
	out, err := w.run(command)
	if err != nil {
		w.t.Fatalf("%v\n%s", err, out)
	}
	return out
}

// interruptWhen starts the CLI in a process group of its own, waits until
// inFlight reports the write to interrupt is in flight, sends SIGINT to the
// group as Ctrl-C in a terminal does (the CLI and the provider get it), and
// returns the CLI's output and exit status once it has stopped. It fails the
// test if the CLI ends first, or does not stop within interruptBound.
func (w *cliWorkspace) interruptWhen(inFlight func() bool, what string, args ...string) (string, error) {
	w.t.Helper()
	cmd, err := w.Start(args...)
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(cmd.Kill)
	kill := func() {
		cmd.Kill()
		_, err := cmd.Wait()
		w.t.Logf("killed %s and its provider: %v", w.CLI.Name, err)
	}

	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(processWait)
	for !inFlight() {
		select {
		case <-cmd.Done():
			_, err := cmd.Wait()
			w.t.Fatalf("%s ended (%v) before %s:\n%s", w.CLI.Name, err, what, cmd.Output())
		case <-deadline:
			kill()
			w.t.Fatalf("%s not seen within %v:\n%s", what, processWait, cmd.Output())
		case <-tick.C:
		}
	}
	if err := cmd.Interrupt(); err != nil {
		w.t.Fatal(err)
	}
	sent := time.Now()
	select {
	case <-cmd.Done():
		w.t.Logf("%s stopped %v after SIGINT during %s", w.CLI.Name, time.Since(sent).Round(time.Millisecond), what)
		return cmd.Wait()
	case <-time.After(interruptBound):
		kill()
		w.t.Fatalf("%s did not stop within %v of SIGINT during %s:\n%s", w.CLI.Name, interruptBound, what, cmd.Output())
		return "", nil
	}
}

// stateContact is one contact in a workspace's state.
type stateContact struct{ addr, id, name string }

// state reads the contacts of the workspace's state file, as the CLI left
// it.
func (w *cliWorkspace) state() []stateContact {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.Dir, "terraform.tfstate"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		w.t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Mode, Type, Name string
			Instances        []struct {
				Attributes struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		w.t.Fatalf("reading the state: %v", err)
	}
	var out []stateContact
	for _, r := range st.Resources {
		if r.Mode != "managed" || r.Type != "resourcedirectory_message_contact" {
			continue
		}
		for _, in := range r.Instances {
			out = append(out, stateContact{r.Type + "." + r.Name, in.Attributes.ID, in.Attributes.Name})
		}
	}
	return out
}

// checkOwnership asserts what the users of workspaces ws rely on: every
// contact in the emulator except the foreign ones is in exactly one state
// (nothing orphaned, nothing shared), no foreign contact is in any state,
// and, unless stale entries are allowed (an interrupted destroy may leave
// some, which the next refresh drops), every state entry is a contact that
// exists. It returns the state entries by contact ID.
func checkOwnership(t *testing.T, emu *gatedEmulator, foreign []string, allowStale bool, ws ...*cliWorkspace) map[string]stateContact {
	t.Helper()
	owned := map[string]stateContact{}
	for i, w := range ws {
		for _, c := range w.state() {
			if prev, dup := owned[c.id]; dup {
				t.Errorf("contact %s is in two states: %s and %s (workspace %d)", c.id, prev.addr, c.addr, i)
			}
			if slices.Contains(foreign, c.id) {
				t.Errorf("workspace %d holds the foreign contact %s (%s) as %s", i, c.id, c.name, c.addr)
			}
			owned[c.id] = c
		}
	}
	stored := map[string]bool{}
	for _, c := range emu.Contacts() {
		stored[c.ID] = true
		if _, ok := owned[c.ID]; !ok && !slices.Contains(foreign, c.ID) {
			t.Errorf("contact %s (%s, %s) exists but is in no state: orphaned", c.ID, c.Name, c.Status)
		}
	}
	if !allowStale {
		for id, c := range owned {
			if !stored[id] {
				t.Errorf("the state holds %s as %s, but no such contact exists", id, c.addr)
			}
		}
	}
	return owned
}

// TestProcess_interruptedWrites presses Ctrl-C while a write is in flight,
// with the CLI and the provider as separate processes. The CLI stops at
// once, and whatever the interrupted write did, every contact that exists is
// in state, once, and the foreign contact in none; the next run converges.
func TestProcess_interruptedWrites(t *testing.T) {
	cli := processCLI(t)
	rc := mirrorCLIConfig(t)

	// The API committed the Add, the update or the delete, and the reply
	// is still on its way when the user interrupts.
	t.Run("committed", func(t *testing.T) {
		t.Parallel()
		emu := newGatedEmulator(t, func(s *emulator.Settings) { s.DailySendLimit = 0 })
		foreign := emu.addForeign(t, "Foreign")
		names := []string{"Alpha", "Bravo", "Charlie"}
		ws := newCLIWorkspace(t, cli, rc, emu.url, contactBlocks("TechnicalDirector", names...))
		applyArgs := []string{"apply", "-auto-approve", "-input=false", "-no-color"}

		// Create: the client writes one contact at a time, so the other
		// two creates wait for the held one.
		out, err := ws.interruptWhen(emu.holdFirst("AddMessageContact", holdReply), "an Add", applyArgs...)
		if err == nil {
			t.Errorf("the interrupted apply succeeded:\n%s", out)
		}
		owned := checkOwnership(t, emu, []string{foreign}, false, ws)
		if len(owned) == 0 {
			t.Fatalf("after the interrupted create the state holds nothing, want the contact the API created:\n%s", out)
		}
		t.Logf("the interrupted create left %d of %d contacts in state", len(owned), len(names))
		if !strings.Contains(out, "Message Contact Created Despite Interruption") {
			t.Errorf("the CLI does not say the contact was created despite the interrupt:\n%s", out)
		}
		out = ws.mustRun(apply)
		if want := fmt.Sprintf("Apply complete! Resources: %d added, 0 changed, 0 destroyed.", len(names)-len(owned)); !strings.Contains(out, want) {
			t.Errorf("the next apply does not create exactly the missing contacts (%q):\n%s", want, out)
		}
		before := checkOwnership(t, emu, []string{foreign}, false, ws)
		if len(before) != len(names) {
			t.Fatalf("after the next apply the state holds %v, want %v", before, names)
		}
		for id := range owned {
			if _, ok := before[id]; !ok {
				t.Errorf("the next apply replaced the recorded contact %s", id)
			}
		}

		// Update: a title change committed, the reply held.
		ws.configure(contactBlocks("TechnicalDirector", names[1:]...) + contactBlocks("FinanceDirector", names[0]))
		if c := emu.named(names[0]); c.Title != "TechnicalDirector" {
			t.Fatalf("%s's title is %q before the update", names[0], c.Title)
		}
		out, err = ws.interruptWhen(emu.holdFirst("UpdateMessageContact", holdReply), "an update", applyArgs...)
		if err == nil {
			t.Errorf("the interrupted apply succeeded:\n%s", out)
		}
		if n := strings.Count(out, "Error: Update Interrupted"); n != 1 || strings.Contains(out, "Unable to Update") {
			t.Errorf("the interrupted update is not one \"Update Interrupted\" block (%d):\n%s", n, out)
		}
		if c := emu.named(names[0]); c.Title != "FinanceDirector" {
			t.Errorf("the held update was not carried out: %s's title is %q", c.Name, c.Title)
		}
		if after := checkOwnership(t, emu, []string{foreign}, false, ws); !maps.Equal(after, before) {
			t.Errorf("the interrupted update changed what the state holds: %v, before %v", after, before)
		}
		ws.mustRun(apply)
		if c := emu.named(names[0]); c.Title != "FinanceDirector" {
			t.Errorf("after the next apply %s's title is %q, want FinanceDirector", c.Name, c.Title)
		}
		var changes bool
		out, err = ws.run(func(ctx context.Context, tf *tfexec.Terraform) (err error) { changes, err = tf.Plan(ctx); return err })
		if err != nil || changes {
			t.Errorf("after the next apply the plan is not empty (changes %v, %v):\n%s", changes, err, out)
		}

		// Destroy: one delete committed, the reply held.
		out, err = ws.interruptWhen(emu.holdFirst("DeleteMessageContact", holdReply), "a delete",
			"destroy", "-auto-approve", "-input=false", "-no-color")
		if err == nil {
			t.Errorf("the interrupted destroy succeeded:\n%s", out)
		}
		// The held delete says what the API did; the deletes waiting for
		// their turn say they were not sent; none says only "context
		// canceled".
		held := strings.Count(out, "Message Contact Deleted Despite Interruption") + strings.Count(out, "Error: Delete Interrupted")
		if held != 1 || strings.Contains(out, "Unable to Delete") || strings.Contains(out, "waiting for another write") {
			t.Errorf("the interrupted destroy does not report the held delete once and the others as not sent:\n%s", out)
		}
		if n := strings.Count(out, "Error: Delete Cancelled"); n > len(names)-1 {
			t.Errorf("%d \"Delete Cancelled\" blocks for %d queued deletes:\n%s", n, len(names)-1, out)
		}
		checkOwnership(t, emu, []string{foreign}, true, ws)
		ws.mustRun(destroy)
		if owned := checkOwnership(t, emu, []string{foreign}, false, ws); len(owned) != 0 {
			t.Errorf("after the destroy the state still holds %v", owned)
		}
		if n := emu.Len(); n != 1 {
			t.Errorf("after the destroy %d contacts exist, want only the foreign one", n)
		}
	})

	// The Add never reached the API, and the name it asks for is held by a
	// foreign contact with the same details, which another workspace created
	// ten minutes ago: the provider must not take it.
	t.Run("never reached the API", func(t *testing.T) {
		t.Parallel()
		var shift atomic.Int64
		emu := newGatedEmulator(t, nil, emulator.WithClock(func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }))
		shift.Store(int64(-10 * time.Minute))
		foreign := emu.addForeign(t, "Shared")
		shift.Store(0)
		ws := newCLIWorkspace(t, cli, rc, emu.url, contactBlocks("TechnicalDirector", "Shared"))
		out, err := ws.interruptWhen(emu.holdFirst("AddMessageContact", holdRequest), "an Add",
			"apply", "-auto-approve", "-input=false", "-no-color")
		if err == nil {
			t.Errorf("the interrupted apply succeeded:\n%s", out)
		}
		if owned := checkOwnership(t, emu, []string{foreign}, false, ws); len(owned) != 0 {
			t.Errorf("the state holds %v, want nothing", owned)
		}
		if n := emu.Len(); n != 1 {
			t.Errorf("%d contacts exist, want only the foreign one", n)
		}
		if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "Create Cancelled") ||
			!strings.Contains(flat, "nothing was created") {
			t.Errorf("the CLI does not say that the create was cancelled and nothing was created:\n%s", out)
		}

		// Without the interrupt, the next apply names the holder.
		out, err = ws.run(apply)
		if flat := strings.Join(strings.Fields(out), " "); err == nil || !strings.Contains(flat, "Message Contact Name Already Used") ||
			!strings.Contains(flat, foreign) || !strings.Contains(flat, "import {") {
			t.Errorf("the next apply does not fail naming %s with its import block (%v):\n%s", foreign, err, out)
		}
		if owned := checkOwnership(t, emu, []string{foreign}, false, ws); len(owned) != 0 {
			t.Errorf("after the next apply the state holds %v, want nothing", owned)
		}
	})
}

// TestProcess_parallelAppliesContend runs three applies at once, in three
// CLI processes with a provider process each, against one account whose
// write lock covers every mutation for the call's whole server-side time
// (20 ms). Their first creates reach the API together, so they conflict;
// each apply still succeeds, each state holds exactly its own contacts, and
// three parallel destroys leave nothing.
func TestProcess_parallelAppliesContend(t *testing.T) {
	const (
		workspaces = 3
		perSpace   = 10
	)
	cli := processCLI(t)
	rc := mirrorCLIConfig(t)
	emu := newGatedEmulator(t, func(s *emulator.Settings) {
		s.Latency = 20 * time.Millisecond
		s.LockScope = emulator.LockPerAccount
		s.DailySendLimit = 0
	})
	spaceName := func(i int) string { return "Space" + string(rune('a'+i)) }

	// Each workspace's first Add waits at the gate until every workspace
	// has sent one, so that the applies surely overlap.
	var (
		mu      sync.Mutex
		arrived = map[string]bool{}
		lined   = make(chan struct{})
	)
	emu.setGate(func(r *http.Request, action string, q url.Values) gateAction {
		if action != "AddMessageContact" {
			return forward
		}
		mu.Lock()
		name := q.Get("Name")
		arrived[name[:max(len(name)-1, 0)]] = true
		if len(arrived) == workspaces {
			select {
			case <-lined:
			default:
				close(lined)
			}
		}
		mu.Unlock()
		select {
		case <-lined:
			return forward
		case <-r.Context().Done():
			return holdRequest
		}
	})

	ws := make([]*cliWorkspace, workspaces)
	names := make([][]string, workspaces)
	for i := range ws {
		for j := range perSpace {
			names[i] = append(names[i], spaceName(i)+string(rune('a'+j)))
		}
		ws[i] = newCLIWorkspace(t, cli, rc, emu.url, contactBlocks("TechnicalDirector", names[i]...))
	}
	inParallel := func(name string, command func(ctx context.Context, tf *tfexec.Terraform) error) {
		t.Helper()
		outs, errs := make([]string, workspaces), make([]error, workspaces)
		var wg sync.WaitGroup
		start := time.Now()
		for i, w := range ws {
			wg.Go(func() { outs[i], errs[i] = w.run(command) })
		}
		wg.Wait()
		t.Logf("%d parallel %ss took %v", workspaces, name, time.Since(start).Round(time.Millisecond))
		for i, err := range errs {
			if err != nil {
				t.Errorf("%s in workspace %d: %v\n%s", name, i, err, outs[i])
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}

	inParallel("apply", apply)
	owned := checkOwnership(t, emu, nil, false, ws...)
	if len(owned) != workspaces*perSpace || emu.Len() != workspaces*perSpace {
		t.Errorf("%d contacts exist and %d are in states, want %d", emu.Len(), len(owned), workspaces*perSpace)
	}
	for i, w := range ws {
		var got []string
		for _, c := range w.state() {
			got = append(got, c.name)
		}
		slices.Sort(got)
		if !slices.Equal(got, names[i]) {
			t.Errorf("workspace %d's state holds %v, want %v", i, got, names[i])
		}
	}
	st := emu.Stats()
	if st.Conflicts["AddMessageContact"] == 0 {
		t.Errorf("no create met a conflict, so the applies did not contend: %+v", st)
	}
	t.Logf("applies: %d conflicts, %d calls", sumValues(st.Conflicts), sumValues(st.Calls))

	emu.ResetStats()
	inParallel("destroy", destroy)
	if owned := checkOwnership(t, emu, nil, false, ws...); len(owned) != 0 {
		t.Errorf("after the destroys the states hold %v", owned)
	}
	if n := emu.Len(); n != 0 {
		t.Errorf("after the destroys %d contacts exist, want none", n)
	}
	st = emu.Stats()
	t.Logf("destroys: %d conflicts, %d calls", sumValues(st.Conflicts), sumValues(st.Calls))
}

func sumValues(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
