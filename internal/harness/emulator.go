package harness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
)

// EmulatorConfig says how StartEmulator runs the emulator.
type EmulatorConfig struct {
	// Binary is the rdemulator to run as a process of its own (see Build);
	// "" serves the emulator in this process, on loopback.
	Binary string
	// Settings edits the emulator's settings from emulator.DefaultSettings.
	// A process gets them as its flags, one per changed setting.
	Settings func(*emulator.Settings)
	// Options configure an emulator in this process (clock, directory,
	// seed, ...). A process takes its own flags in Args instead.
	Options []emulator.Option
	// Args are more flags of the process (-directory, -state-file, -seed,
	// -access-key-id, ...).
	Args []string
	// Wrap, in this process, puts a handler in front of the emulator: one
	// that sees, holds or drops requests.
	Wrap func(next http.Handler) http.Handler
	// Log receives the process's output after its URL (stderr included);
	// nil discards it.
	Log io.Writer
}

// Emulator is a running emulator on loopback.
type Emulator struct {
	// URL is the endpoint, http://127.0.0.1:PORT: the provider's endpoint
	// and the base of the admin API.
	URL string
	// Admin is the client of its /_emulator/ endpoints.
	Admin *Admin
	// Server is the emulator itself when it runs in this process, nil for
	// a process.
	Server *emulator.Emulator

	once     sync.Once
	stop     func() error
	closeErr error
}

// startupTimeout bounds how long rdemulator may take to print its URL.
const startupTimeout = 30 * time.Second

// StartEmulator starts an emulator as cfg says. Close stops it.
func StartEmulator(ctx context.Context, cfg EmulatorConfig) (*Emulator, error) {
	change := cfg.Settings
	if change == nil {
		change = func(*emulator.Settings) {}
	}
	if cfg.Binary == "" {
		if len(cfg.Args) > 0 || cfg.Log != nil {
			return nil, errors.New("harness: Args and Log are for an emulator process (Binary)")
		}
		return serveEmulator(cfg, change)
	}
	if len(cfg.Options) > 0 || cfg.Wrap != nil {
		return nil, errors.New("harness: Options and Wrap are for an emulator in this process (no Binary)")
	}
	flags, err := SettingsFlags(change)
	if err != nil {
		return nil, err
	}
	return startProcess(ctx, cfg.Binary, append(append([]string{"-listen", "127.0.0.1:0"}, flags...), cfg.Args...), cfg.Log)
}

func serveEmulator(cfg EmulatorConfig, change func(*emulator.Settings)) (*Emulator, error) {
	e, err := emulator.Open(append([]emulator.Option{emulator.WithSettings(change)}, cfg.Options...)...)
	if err != nil {
		return nil, err
	}
	var h http.Handler = e
	if cfg.Wrap != nil {
		h = cfg.Wrap(e)
	}
	srv := httptest.NewServer(h)
	return &Emulator{URL: srv.URL, Admin: NewAdmin(srv.URL), Server: e, stop: func() error { srv.Close(); return nil }}, nil
}

// startProcess runs rdemulator with args and waits for the URL it prints
// as its first line.
func startProcess(ctx context.Context, bin string, args []string, log io.Writer) (*Emulator, error) {
	if log == nil {
		log = io.Discard
	}
	// The process's stderr and the rest of its stdout are copied in two
	// goroutines.
	log = &lockedWriter{w: log}
	// Not CommandContext: the emulator outlives ctx until Close stops it
	// gracefully.
	cmd := exec.Command(bin, args...)
	cmd.Stderr = log
	dieWithParent(cmd)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	done := make(chan error, 1)
	first := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		first <- strings.TrimSpace(line)
		_, _ = io.Copy(log, r) // the rest of stdout, until the process exits
		done <- cmd.Wait()
	}()
	e := &Emulator{stop: func() error { return stopProcess(cmd, done) }}

	timer := time.NewTimer(startupTimeout)
	defer timer.Stop()
	select {
	case line := <-first:
		if u, err := url.Parse(line); err != nil || u.Scheme != "http" || !strings.HasPrefix(u.Host, "127.0.0.1:") {
			return nil, errors.Join(fmt.Errorf("the emulator's first line should be its URL, got %q", line), e.Close())
		}
		e.URL, e.Admin = line, NewAdmin(line)
		return e, nil
	case <-timer.C:
		return nil, errors.Join(fmt.Errorf("the emulator printed no URL within %s", startupTimeout), e.Close())
	case <-ctx.Done():
		return nil, errors.Join(ctx.Err(), e.Close())
	}
}

// stopGrace is how long the emulator may take to shut down after SIGINT.
const stopGrace = 10 * time.Second

// stopProcess sends SIGINT, which rdemulator handles with a graceful
// shutdown, and kills the process if it has not exited within stopGrace.
func stopProcess(cmd *exec.Cmd, done <-chan error) error {
	if err := cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
		_ = cmd.Process.Kill()
	}
	timer := time.NewTimer(stopGrace)
	defer timer.Stop()
	select {
	case err := <-done:
		if exit, ok := errors.AsType[*exec.ExitError](err); ok && !exit.Exited() {
			return nil // ended by the signal before it could handle it
		}
		if err != nil {
			return fmt.Errorf("the emulator exited with %v", err)
		}
		return nil
	case <-timer.C:
		_ = cmd.Process.Kill()
		return fmt.Errorf("the emulator did not stop within %s of SIGINT and was killed (%v)", stopGrace, <-done)
	}
}

// Close stops the emulator: a process gets SIGINT and a few seconds to
// shut down. It returns the first call's result on every call.
func (e *Emulator) Close() error {
	e.once.Do(func() { e.closeErr = e.stop() })
	return e.closeErr
}

// SettingsFlags returns the rdemulator flags that set what change edits,
// one per setting that differs from emulator.DefaultSettings: the setting's
// JSON name with "-" for "_", and its JSON value.
func SettingsFlags(change func(*emulator.Settings)) ([]string, error) {
	want := emulator.DefaultSettings()
	change(&want)
	if err := want.Validate(); err != nil {
		return nil, err
	}
	changed, err := changedSettings(emulator.DefaultSettings(), want)
	if err != nil {
		return nil, err
	}
	var flags []string
	for name, v := range changed {
		text := string(v)
		var s string
		if json.Unmarshal(v, &s) == nil {
			text = s
		}
		flags = append(flags, "-"+strings.ReplaceAll(name, "_", "-")+"="+text)
	}
	slices.Sort(flags)
	return flags, nil
}

// changedSettings returns the settings of after that differ from before,
// by JSON name, in their JSON form: a patch for the settings endpoint.
func changedSettings(before, after emulator.Settings) (map[string]json.RawMessage, error) {
	var was, is map[string]json.RawMessage
	for _, s := range []struct {
		settings emulator.Settings
		into     *map[string]json.RawMessage
	}{{before, &was}, {after, &is}} {
		b, err := json.Marshal(s.settings)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, s.into); err != nil {
			return nil, err
		}
	}
	for name, v := range is {
		if bytes.Equal(was[name], v) {
			delete(is, name)
		}
	}
	return is, nil
}
