// Command retag-clips is the one-off backfill a deployed stage needs once
// it has the keep feature: the clips bucket's expiring lifecycle rule now
// takes only objects tagged retention=standard (kept clips are tagged
// retention=kept), and ingest tags every new object, but objects uploaded
// before have no tag and would never expire. It tags every untagged object
// under clips/ retention=standard (nothing was kept before the tag
// existed) and leaves tagged ones alone; it is idempotent and safe beside
// live traffic. See infra/README.md.
//
//	go run ./scripts/retag-clips -bucket NAME [-dry-run]
//
// It uses the AWS SDK's default credentials and region.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/videos-api/media"
)

func main() {
	bucket := flag.String("bucket", "", "the stage's clips bucket (stack output ClipsBucketName)")
	dryRun := flag.Bool("dry-run", false, "only count what would be tagged")
	flag.Parse()
	if err := run(*bucket, *dryRun); err != nil {
		fmt.Fprintln(os.Stderr, "retag-clips:", err)
		os.Exit(1)
	}
}

func run(bucket string, dryRun bool) error {
	if bucket == "" {
		return errors.New("-bucket is required")
	}
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	tagged, already, err := media.New(s3.NewFromConfig(cfg), bucket, time.Minute).TagUntagged(ctx, "clips/", dryRun)
	verb := "tagged"
	if dryRun {
		verb = "would tag"
	}
	fmt.Printf("%s %d objects of %s retention=standard; %d already had a retention tag\n", verb, tagged, bucket, already)
	return err
}
