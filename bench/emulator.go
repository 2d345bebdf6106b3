package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// emulatorProc is a running cmd/rdemulator and its admin API.
type emulatorProc struct {
	url  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

// startEmulator starts the emulator binary on a free loopback port with the
// given latency and per-action quota, writes serialised per account (lock
// scope account), and no daily send limit (every contact gets its
// verification message, so each can be verified through the admin API).
func startEmulator(ctx context.Context, bin string, latency time.Duration, rateLimit int, logTo io.Writer) (*emulatorProc, error) {
	cmd := exec.CommandContext(ctx, bin,
		"-listen", "127.0.0.1:0",
		"-latency", latency.String(),
		"-rate-limit", strconv.Itoa(rateLimit),
		"-lock-scope", "account",
		"-daily-send-limit", "0",
	)
	cmd.Stderr = logTo
	dieWithParent(cmd)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	e := &emulatorProc{cmd: cmd, done: make(chan struct{})}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("reading the emulator's URL: %w", err)
	}
	e.url = strings.TrimSpace(line)
	go func() {
		_, _ = io.Copy(io.Discard, stdout)
		_ = cmd.Wait()
		close(e.done)
	}()
	return e, nil
}

// stop ends the emulator with SIGINT (a graceful shutdown) and waits for it.
func (e *emulatorProc) stop() {
	_ = e.cmd.Process.Signal(os.Interrupt)
	select {
	case <-e.done:
	case <-time.After(15 * time.Second):
		_ = e.cmd.Process.Kill()
		<-e.done
	}
}

// stats is the part of GET /_emulator/stats the benchmark reports.
type stats struct {
	Calls     map[string]int `json:"calls"`
	Conflicts map[string]int `json:"conflicts"`
	Throttled map[string]int `json:"throttled"`
	Errors    map[string]int `json:"errors"`
}

// since returns the counts of s minus those of before: what one phase did.
func (s stats) since(before stats) stats {
	diff := func(a, b map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range a {
			if d := v - b[k]; d != 0 {
				out[k] = d
			}
		}
		return out
	}
	return stats{
		Calls:     diff(s.Calls, before.Calls),
		Conflicts: diff(s.Conflicts, before.Conflicts),
		Throttled: diff(s.Throttled, before.Throttled),
		Errors:    diff(s.Errors, before.Errors),
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func (e *emulatorProc) stats(ctx context.Context) (stats, error) {
	var s stats
	err := e.admin(ctx, http.MethodGet, "stats", nil, &s)
	return s, err
}

// reset drops every contact and counter (settings stay).
func (e *emulatorProc) reset(ctx context.Context) error {
	return e.admin(ctx, http.MethodPost, "reset", nil, nil)
}

// verify completes the verification of target, as if its recipient had
// followed the link.
func (e *emulatorProc) verify(ctx context.Context, target string) error {
	return e.admin(ctx, http.MethodPost, "verify", map[string]string{"target": target}, nil)
}

func (e *emulatorProc) admin(ctx context.Context, method, name string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.url+"/_emulator/"+name, body)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("emulator admin %s: %w", name, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("emulator admin %s: %w", name, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("emulator admin %s answered %s: %s", name, resp.Status, bytes.TrimSpace(b))
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}
