// Command rdemulator serves the Resource Directory message contact API
// emulator on a local address, for demos and for testing Terraform modules
// offline. It prints its base URL as the first line on stdout and serves
// until SIGINT or SIGTERM.
//
//	go run ./cmd/rdemulator -listen 127.0.0.1:0 -access-key-id ID -access-key-secret SECRET
//
// Without -access-key-id the emulator accepts the pair
// emulator-access-key-id / emulator-access-key-secret. See the emulator
// package documentation for the fidelity contract and the admin endpoints.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "rdemulator:", err)
		}
		os.Exit(2)
	}
}

// run parses args, serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rdemulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		listen    = fs.String("listen", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
		keyID     = fs.String("access-key-id", "", "accepted AccessKey ID (default "+emulator.DefaultAccessKeyID+")")
		keySecret = fs.String("access-key-secret", "", "secret of -access-key-id (default "+emulator.DefaultAccessKeySecret+")")
		token     = fs.String("security-token", "", "if set, the key pair is an STS pair that requires this token")
		directory = fs.String("directory", "", "JSON file with the resource directory tree (default: the built-in tree)")
		seed      = fs.Uint64("seed", 1, "seed for IDs and random errors")
		stateFile = fs.String("state-file", "", "JSON file keeping contacts across restarts: loaded at start, rewritten atomically after each change")
		settings  = emulator.DefaultSettings()
	)
	// One flag per emulator setting, named like the settings admin endpoint.
	settings.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err := settings.Validate(); err != nil {
		return err
	}
	opts := []emulator.Option{
		emulator.WithSettings(func(s *emulator.Settings) { *s = settings }),
		emulator.WithSeed(*seed),
	}
	switch {
	case (*keyID == "") != (*keySecret == ""):
		return errors.New("-access-key-id and -access-key-secret go together")
	case *keyID != "" && *token != "":
		opts = append(opts, emulator.WithoutDefaultCredential(), emulator.WithSTSCredential(*keyID, *keySecret, *token))
	case *keyID != "":
		opts = append(opts, emulator.WithoutDefaultCredential(), emulator.WithCredential(*keyID, *keySecret))
	case *token != "":
		opts = append(opts, emulator.WithoutDefaultCredential(),
			emulator.WithSTSCredential(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, *token))
	}
	if *directory != "" {
		d, err := emulator.LoadDirectory(*directory)
		if err != nil {
			return err
		}
		opts = append(opts, emulator.WithDirectory(d))
	}

	if *stateFile != "" {
		opts = append(opts, emulator.WithStateFile(*stateFile))
	}
	emu, err := emulator.Open(opts...)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           emu,
		ReadHeaderTimeout: 10 * time.Second,
	}
	if _, err := fmt.Fprintf(stdout, "http://%s\n", ln.Addr()); err != nil {
		_ = ln.Close()
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
