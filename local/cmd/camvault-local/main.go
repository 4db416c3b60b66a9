// Command camvault-local runs all of camvault on loopback (API Gateway
// emulator with the real authorizer and handlers, dev OIDC issuer, S3,
// DynamoDB, web client) until Ctrl-C or SIGTERM. See local/README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/camvault/camvault/local/stack"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, err := parseOptions(args, os.LookupEnv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "camvault-local:", err)
		return 2
	}
	// While starting, only warnings and errors are logged: the first start
	// ingests dozens of sample clips, and their lines would bury the banner.
	// The banner comes last; request logs follow it.
	level := new(slog.LevelVar)
	level.Set(slog.LevelWarn)
	opts.Log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	opts.Progress = stdout

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintln(stdout, "camvault-local: starting...")
	s, err := stack.Start(ctx, opts)
	if err != nil {
		fmt.Fprintln(stderr, "camvault-local:", err)
		return 1
	}
	defer s.Close()
	printBanner(stdout, s.Info(), opts)
	level.Set(slog.LevelInfo)
	go serveConsole(ctx, stdin, stdout, time.Now, s.Expire)

	select {
	case <-ctx.Done():
		stop() // a second Ctrl-C now ends the process at once
		fmt.Fprintln(stdout, "camvault-local: stopping")
		return 0
	case err := <-s.Died():
		fmt.Fprintln(stderr, "camvault-local:", err)
		return 1
	}
}

// printBanner says where everything listens and who may sign in, as
// configured (the same notes as the dev issuer's sign-in page).
func printBanner(w io.Writer, info stack.Info, opts stack.Options) {
	web := info.WebURL
	if checkWebDir(opts.WebDir) != nil {
		web += "   (no web client built in " + opts.WebDir + ": run make web-build)"
	}
	var people strings.Builder
	for _, p := range stack.People(opts) {
		fmt.Fprintf(&people, "  %-22s %s\n", p.Email, p.Note)
	}
	fmt.Fprintf(w, `
camvault is running locally (Ctrl-C stops everything):

  web client   %s
  API          %s   (Swagger UI: %s/docs)
  sign-in      %s
  S3           %s   (bucket %s; signed requests only, camera keys in %s)
  DynamoDB     %s   (table %s)
  Web Push     %s   (stand-in push service; what it received: /received)

Sign in on the web client as one of:
%sAccess rules: %s
(grants in the DynamoDB table %s can admit more people)

A token for curl:  curl -s -d email=viewer@example.com %s/token | jq -r .id_token
  (or, in the repo: make token EMAIL=viewer@example.com)
These URLs are in %s
`, web, info.APIURL, trimStage(info.APIURL, info.Stage), info.IssuerURL, info.S3URL, info.Bucket, info.CamerasFile, info.DynamoDBURL, info.Table, info.PushURL,
		people.String(), stack.AccessSummary(opts), info.AllowlistTable, info.IssuerURL, filepath.Join(opts.DataDir, "local.json"))
}

func trimStage(apiURL, stage string) string {
	return apiURL[:len(apiURL)-len(stage)-1]
}
