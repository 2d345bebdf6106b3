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
		listen         = fs.String("listen", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
		keyID          = fs.String("access-key-id", "", "accepted AccessKey ID (default "+emulator.DefaultAccessKeyID+")")
		keySecret      = fs.String("access-key-secret", "", "secret of -access-key-id (default "+emulator.DefaultAccessKeySecret+")")
		token          = fs.String("security-token", "", "if set, the key pair is an STS pair that requires this token")
		readMode       = fs.String("read-mode", "submitted", "what Get/List report while a change is pending: submitted or verified")
		directory      = fs.String("directory", "", "JSON file with the resource directory tree (default: the built-in tree)")
		latency        = fs.Duration("latency", 0, "delay added to every API call")
		mutationHold   = fs.Duration("mutation-hold", 0, "extra time a mutating call holds its lock")
		lockScope      = fs.String("lock-scope", "account", "mutation lock scope: account or contact")
		rateLimit      = fs.Int("rate-limit", 20, "calls per second per action (0 disables)")
		dailySendLimit = fs.Int("daily-send-limit", 10, "verification messages per day (0 disables)")
		maxMembers     = fs.Int("max-members-per-contact", 20, "objects one contact may be bound to (0 removes the cap)")
		asyncDelete    = fs.Duration("async-delete", 0, "how long a contact deleted with RetainContactInMembers=false stays Deleting")
		readDelay      = fs.Duration("read-after-create-delay", 0, "how long a new contact stays invisible to Get/List")
		errorRate      = fs.Float64("error-rate", 0, "probability of a random 5xx on each call")
		seed           = fs.Uint64("seed", 1, "seed for IDs and random errors")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	mode, err := emulator.ParseReadMode(*readMode)
	if err != nil {
		return err
	}
	scope, err := emulator.ParseLockScope(*lockScope)
	if err != nil {
		return err
	}
	if *errorRate < 0 || *errorRate > 1 {
		return fmt.Errorf("-error-rate %v is not within [0, 1]", *errorRate)
	}
	opts := []emulator.Option{
		emulator.WithReadMode(mode),
		emulator.WithLatency(*latency),
		emulator.WithMutationHold(*mutationHold),
		emulator.WithLockScope(scope),
		emulator.WithRateLimit(*rateLimit),
		emulator.WithDailySendLimit(*dailySendLimit),
		emulator.WithMaxMembersPerContact(*maxMembers),
		emulator.WithAsyncDelete(*asyncDelete),
		emulator.WithReadAfterCreateDelay(*readDelay),
		emulator.WithServerErrorRate(*errorRate),
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

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           emulator.New(opts...),
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
