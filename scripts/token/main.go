// Command token prints an ID token for the camvault API: from the local
// stack's dev issuer (--email) or from Google's loopback sign-in (--google),
// or writes it into a Postman environment file (--postman-env). See
// `token -h`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/camvault/camvault/scripts/internal/tokencli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := tokencli.Run(ctx, os.Args[1:], tokencli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Lookup: os.LookupEnv})
	stop()
	os.Exit(code)
}
