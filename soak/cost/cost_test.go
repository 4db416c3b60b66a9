package cost_test

import (
	"math"
	"strings"
	"testing"

	"github.com/camvault/camvault/soak/cost"
)

// TestEstimateAgainstAHandComputedCase: round prices and units, a small
// deployment, and the bill worked out by hand (in the comments).
func TestEstimateAgainstAHandComputedCase(t *testing.T) {
	p := cost.Prices{
		LambdaRequest: 1e-6, LambdaGBSecond: 1e-5, APIRequest: 2e-6,
		DynamoRead: 1e-6, DynamoWrite: 2e-6, DynamoGBMonth: 0.5,
		S3Put: 1e-5, S3Get: 1e-6, S3GBMonth: 0.02, TransferOutGB: 0.1,
		LogsIngestGB: 0.5, LogsGBMonth: 0.03, XRayTrace: 5e-6, SecretMonth: 0.4,
	}
	// Every operation: one 1 GB × 1 s invocation, 1 RRU, 1 WRU, one S3 GET
	// of its own, 1,000 log bytes; ingest is two invocations.
	op := cost.Op{Function: "f", MemoryMB: 1024, BilledMs: 1000, Invocations: 1, RCU: 1, WCU: 1, S3Get: 1, LogBytes: 1000}
	u := cost.Units{}
	for _, n := range []string{cost.OpExpire, cost.OpPage, cost.OpCameras, cost.OpMe, cost.OpPlay, cost.OpAuthorize} {
		u[n] = op
	}
	ingest := op
	ingest.Invocations = 2
	u[cost.OpIngest] = ingest
	d := cost.Deployment{Name: "hand", Cameras: 2, ClipsPerCameraPerDay: 10, ClipMB: 5, ThumbKB: 20,
		Viewers: 1, PageViewsPerDay: 4, PlaysPerDay: 2, RetentionDays: 30, Stage: "qa"}
	b, err := cost.Estimate(d, u, p)
	if err != nil {
		t.Fatal(err)
	}
	// A month is 365/12 = 30.41667 days: 608.333 clips, 121.667 page
	// views, 60.833 plays. Operations: ingest and expire 608.333 each,
	// page, cameras and me 121.667 each, play 60.833, authorize 182.5
	// (a page view's one decision and a play's): 1,825 operations,
	// 2,433.333 invocations (ingest counts twice).
	want := map[string]float64{
		"Lambda/requests":               2433.333333 * 1e-6, // invocations
		"API Gateway/REST API requests": 425.833333 * 2e-6,  // 3 × 121.667 + 60.833
		"DynamoDB/reads":                1825 * 1e-6,
		"DynamoDB/writes":               1825 * 2e-6,
		"DynamoDB/storage":              0.0006 * 0.5,       // 600 stored clips × 1,000 B
		"S3/storage":                    3.012 * 0.02,       // 600 × (5 MB + 20 kB)
		"S3/PUT requests":               1216.666667 * 1e-5, // 2 per clip
		"S3/GET requests":               8030 * 1e-6,        // 1,825 own + 121.667 × 50 thumbnails + 60.833 × 2
		"Data transfer/out to viewers (thumbnails, plays)": 0.4258333 * 0.1, // 121.667 × 50 × 20 kB + 60.833 × 5 MB
		// 1,825 × 1,000 measured + 2,433.333 invocations × 330 platform +
		// 425.833 API requests × 1,600 = 1,825,000 + 803,000 + 681,333 B.
		"CloudWatch Logs/ingested":          0.003309333 * 0.5,
		"CloudWatch Logs/stored":            0.003264658 * 0.03, // 30 days of a 30.41667-day month kept
		"X-Ray/traces":                      2250.833333 * 5e-6, // 425.833 API + 1,216.667 ingest + 608.333 expire invocations
		"Secrets Manager/cursor key secret": 0.4,
	}
	got := map[string]float64{}
	gbs := 0.0
	for _, l := range b.Lines {
		if l.Service == "Lambda" && strings.HasPrefix(l.Item, "duration") {
			gbs += l.Quantity
			continue
		}
		got[l.Service+"/"+l.Item] = l.USD
	}
	if math.Abs(gbs-2433.333333) > 1e-3 {
		t.Errorf("Lambda GB-s = %.6f, want 2433.333", gbs)
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || math.Abs(g-w) > 1e-6*math.Max(1, w) {
			t.Errorf("%s = %.8f, want %.8f", k, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("lines %v, want exactly %d priced items besides Lambda duration", got, len(want))
	}
	// The sum by hand: 0.0243333 (GB-s) + 0.0024333 + 0.0008517 + 0.001825
	// + 0.00365 + 0.0003 + 0.06024 + 0.0121667 + 0.00803 + 0.0425833 +
	// 0.0016547 + 0.0000979 + 0.0112542 + 0.4 = 0.5694202.
	if total := b.Total(); math.Abs(total-0.5694202) > 1e-5 {
		t.Errorf("total = %.7f, want 0.5694202", total)
	}
	if s := b.ByService()["Lambda"]; math.Abs(s-(0.0243333+0.0024333)) > 1e-6 {
		t.Errorf("Lambda = %.7f", s)
	}
}

func TestEstimateRefusesMissingUnitsAndStages(t *testing.T) {
	d := cost.Deployment{Cameras: 1, Stage: "prod"}
	if _, err := cost.Estimate(d, cost.Units{}, cost.USEast1); err == nil {
		t.Error("no units: no error")
	}
	u := cost.Units{}
	for _, n := range []string{cost.OpIngest, cost.OpExpire, cost.OpPage, cost.OpCameras, cost.OpMe, cost.OpPlay, cost.OpAuthorize} {
		u[n] = cost.Op{}
	}
	d.Stage = "staging"
	if _, err := cost.Estimate(d, u, cost.USEast1); err == nil {
		t.Error("unknown stage: no error")
	}
}
