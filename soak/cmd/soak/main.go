// Command soak starts a fresh camvault-local on free loopback ports, sends
// a bounded mix of requests from viewers, admins, a restricted person,
// strangers and junk tokens, prints throughput and latency and exits 1 on
// any violation (make soak).
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/camvault/camvault/soak"
)

func main() {
	bin := flag.String("bin", "build/bin/camvault-local", "the camvault-local binary")
	requests := flag.Int("requests", 20000, "requests in all")
	clients := flag.Int("clients", 32, "concurrent clients")
	deadline := flag.Duration("deadline", 3*time.Minute, "hard deadline for the whole run, start included")
	seed := flag.Uint64("seed", 9, "seed of the request mix")
	report := flag.String("report", "", "also write the report to this file (make soak: docs/bench/soak-load.txt)")
	flag.Parse()
	if err := run(*bin, *requests, *clients, *deadline, *seed, *report); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(bin string, requests, clients int, deadline time.Duration, seed uint64, report string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()

	dir, err := os.MkdirTemp("", "camvault-soak-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	logFile, err := os.Create(filepath.Join(dir, "stack.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	t0 := time.Now()
	p, err := soak.StartBinary(ctx, bin, filepath.Join(dir, "data"), logFile, time.Minute)
	if err != nil {
		return err
	}
	defer p.Stop()
	fmt.Printf("soak: local stack up in %s: %s\n", time.Since(t0).Round(time.Millisecond), p.Info.APIURL)

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}}
	people, cat, err := soak.Prepare(ctx, client, p.Info)
	if err != nil {
		return err
	}
	fmt.Printf("soak: %d cameras, restricted person granted %v, restricted3 granted %v (%d clips, audience index), %d junk tokens; %d requests from %d clients (deadline %s)\n",
		len(cat.Cameras), cat.Granted, cat.Granted3, len(cat.Timeline3), len(people.Junk), requests, clients, deadline)
	rep := soak.Run(ctx, soak.Config{APIURL: p.Info.APIURL, People: people, Catalog: cat, Requests: requests, Clients: clients, Seed: seed, Client: client})
	fmt.Print(rep.String())
	if report != "" {
		head := fmt.Sprintf("load: %d requests, %d clients, seed %d, against %s (fresh data dir, port 0 everywhere)\n", requests, clients, seed, bin)
		if err := os.WriteFile(report, []byte(head+rep.String()), 0o644); err != nil {
			return err
		}
	}
	if rep.Requests < requests {
		return fmt.Errorf("only %d of %d requests answered before the deadline", rep.Requests, requests)
	}
	if !rep.OK() {
		return fmt.Errorf("%d kinds of violation", len(rep.Violations))
	}
	// The owner's console under load: a person removed mid-load must be
	// refused on every route once the revocation cache turns over.
	clip := ""
	if ids := cat.Clips[cat.Cameras[0]]; len(ids) > 0 {
		clip = ids[0]
	}
	rev, err := soak.RunRevocation(ctx, soak.RevocationConfig{
		APIURL: p.Info.APIURL, IssuerURL: p.Info.IssuerURL, Admin: people.Admin,
		Camera: cat.Cameras[0], Clip: clip, Clients: clients / 2, Pace: 2 * time.Millisecond, Client: client,
	})
	fmt.Print(rev.String())
	if report != "" {
		f, ferr := os.OpenFile(report, os.O_APPEND|os.O_WRONLY, 0o644)
		if ferr == nil {
			_, _ = f.WriteString(rev.String())
			_ = f.Close()
		}
	}
	if err != nil {
		return fmt.Errorf("revocation phase: %w", err)
	}
	if !rev.OK() {
		return fmt.Errorf("revocation phase: %d leaks, %d console failures, %d 5xx", rev.Leaks, rev.AdminFailures, rev.ServerErrors)
	}
	// Share links opened under load while a bulk job deletes a camera's
	// clips (one of them shared): no link ever yields another clip.
	shr, err := soak.RunSharing(ctx, soak.SharingConfig{
		APIURL: p.Info.APIURL, Admin: people.Admin, Catalog: cat, Clients: clients / 2, Pace: 2 * time.Millisecond, Client: client,
	})
	fmt.Print(shr.String())
	if report != "" {
		f, ferr := os.OpenFile(report, os.O_APPEND|os.O_WRONLY, 0o644)
		if ferr == nil {
			_, _ = f.WriteString(shr.String())
			_ = f.Close()
		}
	}
	if err != nil {
		return fmt.Errorf("sharing phase: %w", err)
	}
	if !shr.OK() {
		return fmt.Errorf("sharing phase: %d leaks, %d failures, %d 5xx", shr.Leaks, shr.Failures, shr.ServerErrors)
	}
	fmt.Println("soak: PASS")
	return nil
}
