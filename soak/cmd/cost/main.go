// Command cost estimates camvault's monthly AWS bill (make cost): it
// measures what each operation costs on the real handlers, authorizer and
// store (dynalite and an in-memory S3 on loopback), then prices a month of
// a described deployment with the dated price table of soak/cost. With
// no deployment flags it prints the three README profiles.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/camvault/camvault/soak/cost"
)

// Profiles are the README's three deployments.
var Profiles = []cost.Deployment{
	{Name: "home (2 cameras)", Cameras: 2, ClipsPerCameraPerDay: 20, ClipMB: 4, ThumbKB: 30, Viewers: 2, PageViewsPerDay: 5, PlaysPerDay: 3, RetentionDays: 30, Stage: "prod"},
	{Name: "small office (10 cameras)", Cameras: 10, ClipsPerCameraPerDay: 50, ClipMB: 6, ThumbKB: 30, Viewers: 5, PageViewsPerDay: 10, PlaysPerDay: 5, RetentionDays: 30, Stage: "prod"},
	{Name: "site (50 cameras)", Cameras: 50, ClipsPerCameraPerDay: 100, ClipMB: 8, ThumbKB: 30, Viewers: 20, PageViewsPerDay: 20, PlaysPerDay: 10, RetentionDays: 90, Stage: "prod"},
}

func main() {
	var d cost.Deployment
	flag.IntVar(&d.Cameras, "cameras", 0, "cameras (0: print the three README profiles)")
	flag.Float64Var(&d.ClipsPerCameraPerDay, "clips-per-day", 20, "clips per camera per day")
	flag.Float64Var(&d.ClipMB, "clip-mb", 4, "clip size, MB")
	flag.Float64Var(&d.ThumbKB, "thumb-kb", 30, "thumbnail size, kB")
	flag.IntVar(&d.Viewers, "viewers", 2, "people who watch")
	flag.Float64Var(&d.PageViewsPerDay, "page-views", 5, "timeline page views per viewer per day")
	flag.Float64Var(&d.PlaysPerDay, "plays", 3, "clips played per viewer per day")
	flag.IntVar(&d.RetentionDays, "retention-days", 30, "days clips are kept")
	flag.StringVar(&d.Stage, "stage", "prod", "stage: dev, qa or prod (log retention)")
	runs := flag.Int("runs", 20, "measurements of each operation (median duration)")
	flag.Parse()
	if err := run(d, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "cost:", err)
		os.Exit(1)
	}
}

func run(d cost.Deployment, runs int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	u, err := cost.Measure(ctx, runs)
	if err != nil {
		return err
	}
	fmt.Printf("Measured per operation (median of %d; billed ms = local time + %.0f ms per DynamoDB call + %.0f ms per S3 call, rounded up):\n\n", runs, cost.DynamoCallMs, cost.S3CallMs)
	fmt.Printf("  %-10s %-10s %6s %5s %9s %6s %6s %6s %6s %9s\n", "operation", "function", "MB", "inv", "billed ms", "RCU", "WCU", "S3 PUT", "S3 GET", "log bytes")
	names := make([]string, 0, len(u))
	for n := range u {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		o := u[n]
		fmt.Printf("  %-10s %-10s %6.0f %5.0f %9.0f %6.1f %6.1f %6.0f %6.0f %9.0f\n", n, o.Function, o.MemoryMB, o.Invocations, o.BilledMs, o.RCU, o.WCU, o.S3Put, o.S3Get, o.LogBytes)
	}
	fmt.Printf("\nPrices: %s, %s; sources: %v\n\n", cost.USEast1.Region, cost.USEast1.Date, cost.USEast1.Sources)
	profiles := Profiles
	if d.Cameras > 0 {
		d.Name = "your deployment"
		profiles = []cost.Deployment{d}
	}
	for _, p := range profiles {
		b, err := cost.Estimate(p, u, cost.USEast1)
		if err != nil {
			return err
		}
		b.Write(os.Stdout)
		fmt.Println()
	}
	return nil
}
