// Package cost estimates camvault's monthly AWS bill for a described
// deployment from measured per-operation units (Measure) and a dated price
// table (prices.go).
package cost

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// DaysPerMonth is the average month.
const DaysPerMonth = 365.0 / 12

// Deployment describes what is run and how it is used.
type Deployment struct {
	// Name labels the profile.
	Name string
	// Cameras and ClipsPerCameraPerDay: what is uploaded.
	Cameras              int
	ClipsPerCameraPerDay float64
	// ClipMB is one clip's size; ThumbKB its thumbnail's.
	ClipMB, ThumbKB float64
	// Viewers, and what each does a day: PageViews (the timeline with its
	// thumbnails) and Plays (a clip opened and streamed once).
	Viewers                      int
	PageViewsPerDay, PlaysPerDay float64
	// RetentionDays is how long clips are kept.
	RetentionDays int
	// Stage is dev, qa or prod: it sets how long logs are kept.
	Stage string
}

// Op is one operation's measured cost.
type Op struct {
	// Function is the Lambda that serves it ("" for none), MemoryMB its
	// size, BilledMs its billed duration per invocation, Invocations how
	// many invocations the operation takes.
	Function    string
	MemoryMB    float64
	BilledMs    float64
	Invocations float64
	// RCU, WCU are DynamoDB read and write request units per operation.
	RCU, WCU float64
	// S3Put, S3Get are S3 requests per operation made by the function.
	S3Put, S3Get float64
	// LogBytes are CloudWatch log bytes per operation.
	LogBytes float64
}

// Units are the measured operations, by name: OpIngest (one clip and its
// thumbnail), OpExpire (one clip expiring), OpPage (GET /videos),
// OpCameras (GET /cameras), OpMe (GET /me), OpPlay (GET of one clip),
// OpAuthorize (one authorizer decision).
type Units map[string]Op

// Operation names.
const (
	OpIngest    = "ingest"
	OpExpire    = "expire"
	OpPage      = "page"
	OpCameras   = "cameras"
	OpMe        = "me"
	OpPlay      = "play"
	OpAuthorize = "authorize"
)

// Assumptions of the usage model, beyond the deployment's numbers.
const (
	// ThumbsPerPage is how many thumbnails a timeline page shows (its
	// limit); each is one S3 GET by the browser.
	ThumbsPerPage = 50
	// GetsPerPlay is the S3 GETs of one play (range requests of a player).
	GetsPerPlay = 2
	// APIRequestsPerPageView: /me, /cameras and /videos.
	APIRequestsPerPageView = 3
	// AuthorizerCallsPerPageView: API Gateway caches the decision per
	// token for the TTL (5 minutes), so a page view's three requests need
	// at most one; counted as one (an upper bound).
	AuthorizerCallsPerPageView = 1
	// RecordBytes is a clip record with its index copy, and a camera's.
	RecordBytes = 1000
	// LambdaPlatformLogBytes are the START, END and REPORT lines Lambda
	// writes per invocation (with X-Ray's trace id), beside the function's
	// own (measured) lines.
	LambdaPlatformLogBytes = 330
	// APIGatewayLogBytes is what API Gateway logs per request: the stage's
	// JSON access log line (about 600 bytes in infra/api.go's format) and
	// execution logging at INFO (about 1,000 bytes; dev's data trace logs
	// bodies too and is not counted).
	APIGatewayLogBytes = 1600
)

// LogRetentionDays of each stage's log groups (infra/stages.go).
var LogRetentionDays = map[string]float64{"dev": 7, "qa": 30, "prod": 365}

// Line is one priced quantity.
type Line struct {
	Service, Item string
	Quantity      float64
	Unit          string
	USD           float64
}

// Bill is an estimate: its lines and totals.
type Bill struct {
	Deployment Deployment
	Prices     Prices
	Lines      []Line
}

// Total is the whole bill.
func (b Bill) Total() float64 {
	t := 0.0
	for _, l := range b.Lines {
		t += l.USD
	}
	return t
}

// ByService sums the lines per service.
func (b Bill) ByService() map[string]float64 {
	m := map[string]float64{}
	for _, l := range b.Lines {
		m[l.Service] += l.USD
	}
	return m
}

// Monthly counts of a deployment.
type Monthly struct {
	Clips, PageViews, Plays float64
}

// Counts returns the monthly clips, page views and plays of d.
func (d Deployment) Counts() Monthly {
	return Monthly{
		Clips:     float64(d.Cameras) * d.ClipsPerCameraPerDay * DaysPerMonth,
		PageViews: float64(d.Viewers) * d.PageViewsPerDay * DaysPerMonth,
		Plays:     float64(d.Viewers) * d.PlaysPerDay * DaysPerMonth,
	}
}

// Estimate prices a month of d with the operations' units u at prices p.
// At steady state as many clips expire as arrive, and storage holds
// RetentionDays of clips.
func Estimate(d Deployment, u Units, p Prices) (Bill, error) {
	for _, name := range []string{OpIngest, OpExpire, OpPage, OpCameras, OpMe, OpPlay, OpAuthorize} {
		if _, ok := u[name]; !ok {
			return Bill{}, fmt.Errorf("cost: no measured units for %q", name)
		}
	}
	logDays, ok := LogRetentionDays[d.Stage]
	if !ok {
		return Bill{}, fmt.Errorf("cost: unknown stage %q", d.Stage)
	}
	m := d.Counts()
	b := Bill{Deployment: d, Prices: p}
	add := func(service, item string, q float64, unit string, price float64) {
		b.Lines = append(b.Lines, Line{service, item, q, unit, q * price})
	}
	// How often each operation runs in the month.
	count := map[string]float64{
		OpIngest: m.Clips, OpExpire: m.Clips,
		OpPage: m.PageViews, OpCameras: m.PageViews, OpMe: m.PageViews,
		OpPlay:      m.Plays,
		OpAuthorize: m.PageViews*AuthorizerCallsPerPageView + m.Plays,
	}
	names := make([]string, 0, len(count))
	for n := range count {
		names = append(names, n)
	}
	sort.Strings(names)
	var invocations, gbs, rcu, wcu, s3put, s3get, logBytes float64
	for _, n := range names {
		op, c := u[n], count[n]
		inv := op.Invocations * c
		invocations += inv
		g := inv * op.BilledMs / 1000 * op.MemoryMB / 1024
		gbs += g
		add("Lambda", "duration: "+n+" ("+op.Function+")", g, "GB-s", p.LambdaGBSecond)
		rcu += op.RCU * c
		wcu += op.WCU * c
		s3put += op.S3Put * c
		s3get += op.S3Get * c
		logBytes += op.LogBytes*c + inv*LambdaPlatformLogBytes
	}
	add("Lambda", "requests", invocations, "invocations", p.LambdaRequest)

	api := m.PageViews*APIRequestsPerPageView + m.Plays
	add("API Gateway", "REST API requests", api, "requests", p.APIRequest)
	logBytes += api * APIGatewayLogBytes

	add("DynamoDB", "reads", rcu, "RRU", p.DynamoRead)
	add("DynamoDB", "writes", wcu, "WRU", p.DynamoWrite)
	storedClips := float64(d.Cameras) * d.ClipsPerCameraPerDay * float64(d.RetentionDays)
	add("DynamoDB", "storage", storedClips*RecordBytes/1e9, "GB-month", p.DynamoGBMonth)

	add("S3", "storage", storedClips*(d.ClipMB*1e6+d.ThumbKB*1e3)/1e9, "GB-month", p.S3GBMonth)
	// Cameras PUT each clip and its thumbnail.
	add("S3", "PUT requests", 2*m.Clips+s3put, "requests", p.S3Put)
	gets := s3get + m.PageViews*ThumbsPerPage + m.Plays*GetsPerPlay
	add("S3", "GET requests", gets, "requests", p.S3Get)
	outGB := (m.PageViews*ThumbsPerPage*d.ThumbKB*1e3 + m.Plays*d.ClipMB*1e6) / 1e9
	add("Data transfer", "out to viewers (thumbnails, plays)", outGB, "GB", p.TransferOutGB)

	logGB := logBytes / 1e9
	add("CloudWatch Logs", "ingested", logGB, "GB", p.LogsIngestGB)
	add("CloudWatch Logs", "stored", logGB*math.Min(logDays/DaysPerMonth, 12), "GB-month", p.LogsGBMonth)

	// Active tracing: one trace per API request and per ingest/expire
	// invocation (an upper bound: sampling records fewer).
	add("X-Ray", "traces", api+count[OpIngest]*u[OpIngest].Invocations+count[OpExpire]*u[OpExpire].Invocations, "traces", p.XRayTrace)
	add("Secrets Manager", "cursor key secret", 1, "secret-month", p.SecretMonth)
	return b, nil
}

// Write prints the bill: the deployment, a per-service breakdown, and every
// line.
func (b Bill) Write(w io.Writer) {
	d := b.Deployment
	fmt.Fprintf(w, "%s: %d cameras × %.0f clips/day of %.1f MB, %d viewers × %.0f page views and %.0f plays/day, %d days retention, stage %s\n",
		d.Name, d.Cameras, d.ClipsPerCameraPerDay, d.ClipMB, d.Viewers, d.PageViewsPerDay, d.PlaysPerDay, d.RetentionDays, d.Stage)
	fmt.Fprintf(w, "prices: %s list prices of %s, no free tier\n\n", b.Prices.Region, b.Prices.Date)
	by := b.ByService()
	services := make([]string, 0, len(by))
	for s := range by {
		services = append(services, s)
	}
	sort.Slice(services, func(i, j int) bool { return by[services[i]] > by[services[j]] })
	for _, s := range services {
		fmt.Fprintf(w, "  %-16s %10s\n", s, usd(by[s]))
	}
	fmt.Fprintf(w, "  %-16s %10s\n\n", "total / month", usd(b.Total()))
	for _, l := range b.Lines {
		fmt.Fprintf(w, "  %-16s %-44s %14.4g %-11s %10s\n", l.Service, l.Item, l.Quantity, l.Unit, usd(l.USD))
	}
}

func usd(v float64) string {
	if v < 0.01 && v > 0 {
		return "<$0.01"
	}
	s := fmt.Sprintf("$%.2f", v)
	return strings.Replace(s, "$-", "-$", 1)
}
