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
	"syscall"

	"github.com/camvault/camvault/local/stack"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	opts, err := parseOptions(args, os.LookupEnv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "camvault-local:", err)
		return 2
	}
	opts.Log = slog.New(slog.NewTextHandler(stderr, nil))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintln(stdout, "camvault-local: starting (first start seeds sample clips)...")
	s, err := stack.Start(ctx, opts)
	if err != nil {
		fmt.Fprintln(stderr, "camvault-local:", err)
		return 1
	}
	defer s.Close()
	printBanner(stdout, s.Info(), filepath.Join(opts.DataDir, "local.json"))

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

func printBanner(w io.Writer, info stack.Info, localJSON string) {
	fmt.Fprintf(w, `
camvault is running locally (Ctrl-C stops everything):

  web client   %s
  API          %s   (Swagger UI: %s/docs)
  sign-in      %s
  S3           %s   (bucket %s)
  DynamoDB     %s   (table %s)

Sign in on the web client as one of:
  viewer@example.com     a viewer (allowed domain example.com)
  admin@example.com      an admin (may delete clips)
  stranger@example.org   refused (403)

A token for curl:  curl -s -d email=viewer@example.com %s/token
These URLs are in %s
`, info.WebURL, info.APIURL, trimStage(info.APIURL, info.Stage), info.IssuerURL, info.S3URL, info.Bucket, info.DynamoDBURL, info.Table, info.IssuerURL, localJSON)
}

func trimStage(apiURL, stage string) string {
	return apiURL[:len(apiURL)-len(stage)-1]
}
