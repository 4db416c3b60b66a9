// Command upload-clip simulates a camera: it uploads MP4 clips and their
// thumbnails to the local stack or a deployed clips bucket, with the capture
// time and duration metadata the ingest reads. See `upload-clip -h`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/camvault/camvault/scripts/internal/uploadcli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := uploadcli.Run(ctx, os.Args[1:], uploadcli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Lookup: os.LookupEnv, Now: time.Now})
	stop()
	os.Exit(code)
}
