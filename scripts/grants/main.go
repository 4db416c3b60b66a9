// Command grants writes and lists the authorizer's grants and address
// bindings in a stage's allowlist table or the local stack's. See
// `grants -h` and authorizer/README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/camvault/camvault/scripts/internal/grantscli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := grantscli.Run(ctx, os.Args[1:], grantscli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Lookup: os.LookupEnv})
	stop()
	os.Exit(code)
}
