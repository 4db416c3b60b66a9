// Command migrate-timeline moves a deployed stage's clips recorded before
// the single timeline partition (GSI1PK DAY#{yyyy-mm-dd}) onto it
// (DAY#ALL), so the timeline lists them again; see videos-api/README.md.
// It reads the legacy day partitions of the last -days days (a keys-only
// Query each) and rewrites each clip's timeline key with a conditional
// update; it is idempotent and safe beside live traffic.
//
//	make migrate STAGE=prod     (the table from the stack's outputs)
//	go run ./scripts/migrate-timeline -table NAME [-days 40]
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
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/camvault/camvault/videos-api/store"
)

func main() {
	table := flag.String("table", "", "the stage's clips table (stack output VideosTableName)")
	days := flag.Int("days", 40, "days back to migrate: the stage's retention plus a few")
	flag.Parse()
	if err := run(*table, *days); err != nil {
		fmt.Fprintln(os.Stderr, "migrate-timeline:", err)
		os.Exit(1)
	}
}

func run(table string, days int) error {
	if table == "" {
		return errors.New("-table is required")
	}
	if days < 1 || days > 3660 {
		return fmt.Errorf("-days %d: want 1 to 3660", days)
	}
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	moved, err := store.New(dynamodb.NewFromConfig(cfg), table).MigrateTimeline(ctx, now.AddDate(0, 0, -days), now.AddDate(0, 0, 1))
	fmt.Printf("moved %d clips of %s to the timeline partition\n", moved, table)
	return err
}
