package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
)

// emulatorProcess is a running cmd/rdemulator.
type emulatorProcess struct {
	url     string
	logPath string
	cmd     *exec.Cmd
	logFile *os.File
	done    chan error // receives cmd.Wait's result once
	http    *http.Client
}

// asyncDelete is how long the emulator keeps a deleted contact in the
// Deleting state.
const asyncDelete = 2 * time.Second

// startupTimeout bounds how long the emulator may take to print its URL.
const startupTimeout = 30 * time.Second

// startEmulator runs the emulator on a free loopback port with its default
// credentials and waits for the URL it prints as its first stdout line. The
// rest of its output goes to logPath.
func startEmulator(ctx context.Context, bin, logPath string) (*emulatorProcess, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	// The emulator must outlive ctx cancellation long enough for stop to
	// shut it down gracefully, so it is not started with CommandContext.
	cmd := exec.Command(bin,
		"-listen", "127.0.0.1:0",
		"-access-key-id", emulator.DefaultAccessKeyID,
		"-access-key-secret", emulator.DefaultAccessKeySecret,
		// Like the real API, delete contacts asynchronously when they are not
		// retained in the members, so that destroy visibly waits.
		"-async-delete", asyncDelete.String(),
	)
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		_ = logFile.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	e := &emulatorProcess{
		logPath: logPath,
		cmd:     cmd,
		logFile: logFile,
		done:    make(chan error, 1),
		http:    &http.Client{Timeout: 10 * time.Second},
	}

	first := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		first <- strings.TrimSpace(line)
		_, _ = io.Copy(logFile, r) // the rest of stdout, until the process exits
		e.done <- cmd.Wait()
	}()

	timer := time.NewTimer(startupTimeout)
	defer timer.Stop()
	select {
	case line := <-first:
		u, err := url.Parse(line)
		if err != nil || u.Scheme != "http" || u.Host == "" {
			_ = e.stop()
			return nil, fmt.Errorf("the emulator's first line should be its URL, got %q (see %s)", line, logPath)
		}
		e.url = line
		return e, nil
	case <-timer.C:
		_ = e.stop()
		return nil, fmt.Errorf("the emulator printed no URL within %s (see %s)", startupTimeout, logPath)
	case <-ctx.Done():
		_ = e.stop()
		return nil, ctx.Err()
	}
}

// stop asks the emulator to shut down (SIGINT, which it handles gracefully)
// and kills it if it has not exited after a few seconds.
func (e *emulatorProcess) stop() error {
	defer func() { _ = e.logFile.Close() }()
	if err := e.cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
		_ = e.cmd.Process.Kill()
	}
	select {
	case err := <-e.done:
		var exit *exec.ExitError
		if errors.As(err, &exit) && !exit.Exited() {
			return nil // ended by the signal: expected
		}
		if err != nil {
			return fmt.Errorf("the emulator exited with %v (see %s)", err, e.logPath)
		}
		return nil
	case <-time.After(5 * time.Second):
		_ = e.cmd.Process.Kill()
		waitErr := <-e.done
		return fmt.Errorf("the emulator did not stop within 5s of SIGINT and was killed (%v; see %s)", waitErr, e.logPath)
	}
}

// verify completes the verification of a pending email address or phone
// number through the emulator's admin endpoint, as if the recipient had
// clicked the link or entered the code.
func (e *emulatorProcess) verify(ctx context.Context, contactID, target string) error {
	body, err := json.Marshal(map[string]string{"contact_id": contactID, "target": target})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url+"/_emulator/verify", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.http.Do(req)
	if err != nil {
		return fmt.Errorf("POST /_emulator/verify: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("POST /_emulator/verify: HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(msg))
	}
	return nil
}
