package soak_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/camvault/camvault/authorizer/grantstest"
	"github.com/camvault/camvault/authorizer/lambdaruntimetest"
	"github.com/camvault/camvault/dynalite/dynalitetest"
	"github.com/camvault/camvault/videos-api/routes"
	"github.com/camvault/camvault/videos-api/store"
)

// counter is a reverse proxy that counts the requests it forwards.
type counter struct {
	n     atomic.Int64
	proxy http.Handler
}

func newCounter(tb testing.TB, target string) (*counter, string) {
	u, err := url.Parse(target)
	if err != nil {
		tb.Fatal(err)
	}
	c := &counter{proxy: httputil.NewSingleHostReverseProxy(u)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.n.Add(1)
		c.proxy.ServeHTTP(w, r)
	}))
	tb.Cleanup(srv.Close)
	return c, srv.URL
}

// coldFixture is what a videos Lambda's cold start talks to: dynalite and
// an S3 stand-in behind counting proxies, and a Secrets Manager endpoint
// that only counts (nothing may call it).
type coldFixture struct {
	dynamo, s3, secrets *counter
	env                 []string
}

// newColdFixture starts the fixture for one test or benchmark; its
// servers stop when tb ends, so each caller has its own (a fixture shared
// through the process would be dead for the next test of a -count=2 run).
func newColdFixture(tb testing.TB) *coldFixture {
	endpoint := dynalitetest.Start(tb)
	if err := store.CreateTable(context.Background(), ddbClient(endpoint), "clips"); err != nil {
		tb.Fatal(err)
	}
	if err := grantstest.CreateTable(context.Background(), grantstest.Client(endpoint), "camvault-allowlist"); err != nil {
		tb.Fatal(err)
	}
	s3srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	tb.Cleanup(s3srv.Close)
	f := &coldFixture{}
	var ddbURL, s3URL, smURL string
	f.dynamo, ddbURL = newCounter(tb, endpoint)
	f.s3, s3URL = newCounter(tb, s3srv.URL)
	f.secrets, smURL = newCounter(tb, s3srv.URL)
	f.env = []string{"AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=cold", "AWS_SECRET_ACCESS_KEY=cold",
		"AWS_ENDPOINT_URL_DYNAMODB=" + ddbURL, "AWS_ENDPOINT_URL_S3=" + s3URL, "AWS_ENDPOINT_URL_SECRETS_MANAGER=" + smURL,
		"TABLE_NAME=clips", "BUCKET_NAME=clips", "WEB_ORIGIN=https://videos.example.com",
		"CURSOR_SECRET=cold-start-cursor-secret-0123456789", "ALLOWLIST_TABLE=camvault-allowlist", "ADMIN_EMAILS=admin@example.com",
		"VAPID_SECRET=cold-start-vapid-secret-0123456789abcdef"}
	return f
}

// firstEvents are each function's first invocation: an answer that
// touches its storage the way its routes do.
func firstEvents() map[string]any {
	api := func(method, resource, path string, params map[string]string, role string) events.APIGatewayProxyRequest {
		return events.APIGatewayProxyRequest{HTTPMethod: method, Resource: resource, Path: path, PathParameters: params,
			RequestContext: events.APIGatewayProxyRequestContext{RequestID: "cold", Authorizer: map[string]any{
				"email": role + "@example.com", "sub": "sub-" + role, "role": role, "cameras": "*", "principalId": "sub-" + role}}}
	}
	clipParams := map[string]string{"cameraId": "porch", "videoId": "01KB0000000000000000000000"}
	return map[string]any{
		routes.FunctionMe:          api("GET", "/me", "/me", nil, "viewer"),
		routes.FunctionCameras:     api("GET", "/cameras", "/cameras", nil, "viewer"),
		routes.FunctionVideos:      api("GET", "/videos", "/videos", nil, "viewer"),
		routes.FunctionVideo:       api("GET", "/cameras/{cameraId}/videos/{videoId}", "/cameras/porch/videos/01KB0000000000000000000000", clipParams, "viewer"),
		routes.FunctionDeleteVideo: api("DELETE", "/cameras/{cameraId}/videos/{videoId}", "/cameras/porch/videos/01KB0000000000000000000000", clipParams, "admin"),
		routes.FunctionKeep:        api("PUT", "/cameras/{cameraId}/videos/{videoId}/keep", "/cameras/porch/videos/01KB0000000000000000000000/keep", clipParams, "viewer"),
		routes.FunctionAdmin:       api("GET", "/grants", "/grants", nil, "admin"),
		routes.FunctionShares:      api("GET", "/shares", "/shares", nil, "viewer"),
		routes.FunctionShared: events.APIGatewayProxyRequest{HTTPMethod: "POST", Resource: "/shared", Path: "/shared",
			Body: `{"token":"not-a-share-token"}`, RequestContext: events.APIGatewayProxyRequestContext{RequestID: "cold"}},
		routes.FunctionJobs:   api("GET", "/jobs/{jobId}", "/jobs/01KB0000000000000000000000", map[string]string{"jobId": "01KB0000000000000000000000"}, "admin"),
		routes.FunctionAlerts: api("GET", "/alerts", "/alerts", nil, "viewer"),
		routes.FunctionPushSender: map[string]any{"cameraId": "porch", "videoId": "01KB0000000000000000000000",
			"capturedAt": "2026-11-25T10:00:00Z"},
		// The runner's event names a job; one gone already (a replayed
		// event) is read and left alone.
		routes.FunctionJobRunner: map[string]any{"jobId": "01KB0000000000000000000000"},
		routes.FunctionIngest: events.S3Event{Records: []events.S3EventRecord{{EventSource: "aws:s3", EventName: "ObjectCreated:Put", EventTime: time.Now(),
			S3: events.S3Entity{Bucket: events.S3Bucket{Name: "clips"}, Object: events.S3Object{Key: "not-a-clip.txt"}}}}},
		routes.FunctionExpire: events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{{EventName: "REMOVE",
			UserIdentity: &events.DynamoDBUserIdentity{Type: "Service", PrincipalID: "dynamodb.amazonaws.com"},
			Change: events.DynamoDBStreamRecord{SequenceNumber: "1", OldImage: map[string]events.DynamoDBAttributeValue{
				"PK": events.NewStringAttribute("CAM#porch"), "SK": events.NewStringAttribute("VID#01KB0000000000000000000000"),
				"cameraId": events.NewStringAttribute("porch"), "videoId": events.NewStringAttribute("01KB0000000000000000000000"),
				"capturedAt": events.NewStringAttribute("2026-11-25T10:00:00.000Z"), "expiresAt": events.NewNumberAttribute("1")}}}}},
	}
}

// buildBootstraps builds every videos Lambda for the host (the real main,
// -tags lambda.norpc as for Lambda) into dir.
func buildBootstraps(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for _, fn := range routes.Functions() {
		bin := filepath.Join(dir, fn)
		build := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", bin, "./cmd/"+fn)
		build.Dir = filepath.Join("..", "videos-api")
		if o, err := build.CombinedOutput(); err != nil {
			tb.Fatalf("build %s: %v\n%s", fn, err, o)
		}
		out[fn] = bin
	}
	return out
}

// coldStart runs one bootstrap from process start to its first answer and
// returns the time and the calls it made to DynamoDB, S3 and Secrets
// Manager on the way.
func coldStart(tb testing.TB, f *coldFixture, bin string, event any) (time.Duration, [3]int64, []byte) {
	tb.Helper()
	rt := lambdaruntimetest.Start(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	before := [3]int64{f.dynamo.n.Load(), f.s3.n.Load(), f.secrets.n.Load()}
	cmd := exec.Command(bin)
	cmd.Env = append([]string{"AWS_LAMBDA_RUNTIME_API=" + rt.Addr}, f.env...)
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	res, err := rt.Invoke(ctx, event)
	d := time.Since(t0)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if err != nil || res.Err != nil {
		tb.Fatalf("%s: %v %v", filepath.Base(bin), err, res.Err)
	}
	calls := [3]int64{f.dynamo.n.Load() - before[0], f.s3.n.Load() - before[1], f.secrets.n.Load() - before[2]}
	return d, calls, res.Payload
}

// TestColdStartCalls starts every videos Lambda's real bootstrap once under
// a local Runtime API and counts the calls it makes up to its first
// answer: none to Secrets Manager, whatever the function, and an answer
// that is not a server error. (What each first answer costs in DynamoDB
// and S3 calls is BenchmarkColdStarts' table in BENCHMARKS.md: it is each
// route's own work, the revocation read of issue 14 included.)
func TestColdStartCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every Lambda")
	}
	f := newColdFixture(t)
	bins := buildBootstraps(t, t.TempDir())
	evs := firstEvents()
	for _, fn := range routes.Functions() {
		ev, ok := evs[fn]
		if !ok {
			t.Errorf("%s: no first event", fn)
			continue
		}
		_, calls, payload := coldStart(t, f, bins[fn], ev)
		if calls[2] != 0 {
			t.Errorf("%s read Secrets Manager %d times on its cold path", fn, calls[2])
		}
		t.Logf("%s: DynamoDB %d, S3 %d, Secrets Manager %d calls to the first answer", fn, calls[0], calls[1], calls[2])
		if strings.Contains(string(payload), `"statusCode":5`) {
			t.Errorf("%s answered %s", fn, payload)
		}
	}
}

// BenchmarkColdStarts is every videos Lambda's cold start, measured like
// the authorizer's: the real bootstrap (host build), a local Runtime API,
// dynalite and S3 on loopback, process start to first answer, 20 starts;
// it reports each function's median and worst and the calls made.
func BenchmarkColdStarts(b *testing.B) {
	f := newColdFixture(b)
	bins := buildBootstraps(b, b.TempDir())
	evs := firstEvents()
	for _, fn := range routes.Functions() {
		b.Run(fn, func(b *testing.B) {
			var samples []time.Duration
			var calls [3]int64
			for b.Loop() {
				for range 20 {
					d, c, _ := coldStart(b, f, bins[fn], evs[fn])
					samples = append(samples, d)
					calls = c
				}
			}
			slices.Sort(samples)
			b.ReportMetric(float64(samples[len(samples)/2].Microseconds())/1000, "ms-median")
			b.ReportMetric(float64(samples[len(samples)-1].Microseconds())/1000, "ms-max")
			b.ReportMetric(float64(calls[0]), "dynamodb-calls")
			b.ReportMetric(float64(calls[1]), "s3-calls")
			b.ReportMetric(float64(calls[2]), "secrets-calls")
		})
	}
}
