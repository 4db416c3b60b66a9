package soak_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/camvault/camvault/authorizer"
	"github.com/camvault/camvault/authorizer/authorizertest"
	"github.com/camvault/camvault/authorizer/lambdaruntimetest"
	"github.com/camvault/camvault/dynalite/dynalitetest"
	"github.com/camvault/camvault/local/gateway"
	"github.com/camvault/camvault/local/issuer"
	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/store"
)

// benchSizes are the table sizes of BenchmarkPageCost;
// CAMVAULT_BENCH_SIZES=1000,10000,100000 (make bench) overrides them.
func benchSizes(b *testing.B) []int {
	s := os.Getenv("CAMVAULT_BENCH_SIZES")
	if s == "" {
		s = "1000,10000"
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			b.Fatalf("CAMVAULT_BENCH_SIZES: bad size %q", f)
		}
		out = append(out, n)
	}
	return out
}

func ddbClient(endpoint string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("bench", "bench", ""),
	})
}

var benchCameras = []string{"front-door", "garage", "porch", "side"}

// restrictedCameras are the restricted row's cameras: three of
// benchCameras, read through their audience index.
var restrictedCameras = []string{"front-door", "garage", "porch"}

// benchVideo is the i-th of n clips spread over four cameras and the 30 days
// before now.
func benchVideo(i, n int, now time.Time) clip.Video {
	when := now.Add(-time.Duration(i+1) * (30 * 24 * time.Hour / time.Duration(n))).Truncate(time.Millisecond)
	cam := benchCameras[i%len(benchCameras)]
	id := clip.WithTime(fmt.Sprintf("%026d", i), when)
	return clip.Video{ID: id, CameraID: cam, CapturedAt: when, Size: 1000, ContentType: "video/mp4",
		ObjectKey: "clips/" + cam + "/x.mp4", ExpiresAt: when.AddDate(0, 0, 30)}
}

// seedConcurrently writes n clips with BatchWriteItem (25 a call) from
// workers goroutines and returns how long it took.
func seedConcurrently(b *testing.B, ddb *dynamodb.Client, table string, n, workers int, now time.Time) time.Duration {
	b.Helper()
	start := time.Now()
	batches := make(chan []ddbtypes.WriteRequest)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for batch := range batches {
				req := map[string][]ddbtypes.WriteRequest{table: batch}
				for len(req[table]) > 0 {
					out, err := ddb.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: req})
					if err != nil {
						errs <- err
						return
					}
					req = out.UnprocessedItems
				}
			}
		})
	}
	var batch []ddbtypes.WriteRequest
	for i := range n {
		batch = append(batch, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: store.EncodeVideo(benchVideo(i, n, now))}})
		if len(batch) == 25 || i == n-1 {
			select {
			case batches <- batch:
			case err := <-errs:
				b.Fatalf("seed: %v", err)
			}
			batch = nil
		}
	}
	close(batches)
	wg.Wait()
	select {
	case err := <-errs:
		b.Fatalf("seed: %v", err)
	default:
	}
	return time.Since(start)
}

// BenchmarkPageCost is a mid-list page of 50 clips of each listing at
// growing table sizes, on dynalite: its latency, the read capacity it
// consumed (ReturnConsumedCapacity TOTAL) and the DynamoDB calls it made,
// plus how long seeding the table took (seed-s, 8 concurrent writers).
func BenchmarkPageCost(b *testing.B) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	ddb := ddbClient(dynalitetest.Start(b))
	for _, n := range benchSizes(b) {
		table := fmt.Sprintf("clips-%d", n)
		if err := store.CreateTable(context.Background(), ddb, table); err != nil {
			b.Fatal(err)
		}
		seed := seedConcurrently(b, ddb, table, n, 8, now)
		s := store.New(ddb, table)
		// The restricted person sees three of the four cameras: their
		// audience, registered before the data, and its index entries as
		// ingest writes them (store.IndexVideos).
		if _, err := s.RegisterAudience(context.Background(), restrictedCameras, now.AddDate(-1, 0, 0)); err != nil {
			b.Fatal(err)
		}
		videos := make([]clip.Video, n)
		for i := range n {
			videos[i] = benchVideo(i, n, now)
		}
		if err := s.IndexVideos(context.Background(), videos); err != nil {
			b.Fatal(err)
		}
		window := store.Query{From: now.AddDate(0, 0, -32), To: now.Add(24 * time.Hour), Limit: 50}
		lists := []struct {
			name string
			list func(context.Context, store.Query) (store.Page, error)
		}{
			{"camera", func(ctx context.Context, q store.Query) (store.Page, error) {
				return s.CameraVideos(ctx, "front-door", q)
			}},
			{"timeline", s.Timeline},
			{"restricted", func(ctx context.Context, q store.Query) (store.Page, error) {
				return s.AudienceVideos(ctx, restrictedCameras, q)
			}},
		}
		for _, l := range lists {
			b.Run(fmt.Sprintf("%s/clips=%d", l.name, n), func(b *testing.B) {
				var m store.Meter
				ctx := store.WithMeter(context.Background(), &m)
				first, err := l.list(ctx, window)
				if err != nil || len(first.Videos) != 50 {
					b.Fatalf("first page: %d clips, %v", len(first.Videos), err)
				}
				q := window
				q.After = store.PositionOf(first.Videos[49])
				m.Reset()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if p, err := l.list(ctx, q); err != nil || len(p.Videos) != 50 {
						b.Fatalf("page: %d clips, %v", len(p.Videos), err)
					}
				}
				b.StopTimer()
				b.ReportMetric(m.Units()/float64(b.N), "RCU/page")
				b.ReportMetric(float64(m.Requests())/float64(b.N), "queries/page")
				b.ReportMetric(seed.Seconds(), "seed-s")
			})
		}
	}
}

// apiFixture is the real videos handlers over dynalite and gofakes3, the
// real authorizer over an in-process dev issuer, and the local gateway in
// front of them on loopback.
type apiFixture struct {
	handlers map[string]app.Handler
	gateway  *httptest.Server
	header   string
	context  map[string]any
}

func newAPIFixture(b *testing.B) *apiFixture {
	b.Helper()
	ctx := context.Background()
	ddb := ddbClient(dynalitetest.Start(b))
	if err := store.CreateTable(ctx, ddb, "clips"); err != nil {
		b.Fatal(err)
	}
	s3srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	b.Cleanup(s3srv.Close)
	s3c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(s3srv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("bench", "bench", "")})
	videos := app.New(app.Config{TableName: "clips", BucketName: "clips", WebOrigin: "http://127.0.0.1:1",
		CursorSecret: []byte("bench-cursor-secret-0123456789"), Logger: slog.New(slog.DiscardHandler)}, ddb, s3c)
	now := time.Now().UTC()
	st := store.New(ddb, "clips")
	for i := range 200 {
		v := benchVideo(i, 200, now)
		if _, err := st.PutVideo(ctx, v); err != nil {
			b.Fatal(err)
		}
		if err := st.CountVideo(ctx, v, ""); err != nil { // creates the camera, as ingest does
			b.Fatal(err)
		}
	}

	var issHandler http.Handler
	issSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { issHandler.ServeHTTP(w, r) }))
	b.Cleanup(issSrv.Close)
	iss, err := issuer.New(issuer.Config{URL: issSrv.URL, KeyFile: filepath.Join(b.TempDir(), "key.pem")})
	if err != nil {
		b.Fatal(err)
	}
	issHandler = iss.Handler()
	authz, err := authorizer.New(ctx, authorizer.Config{
		ClientIDs: []string{issuer.ClientID}, AllowedDomains: []string{"example.com"},
		Issuer: issSrv.URL, JWKSURL: issSrv.URL + "/jwks", Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	handlers := map[string]gateway.Handler{}
	for k, h := range videos.Handlers() {
		handlers[k] = h
	}
	gw, err := gateway.New(gateway.Config{Stage: "dev", Handlers: handlers, Authorizer: authz.Handle, CacheTTL: 5 * time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	gwSrv := httptest.NewServer(gw)
	b.Cleanup(gwSrv.Close)
	tok, err := iss.Token(issuer.TokenRequest{Email: "viewer@example.com"})
	if err != nil {
		b.Fatal(err)
	}
	return &apiFixture{
		handlers: videos.Handlers(), gateway: gwSrv, header: "Bearer " + tok,
		context: map[string]any{"email": "viewer@example.com", "sub": issuer.Subject("viewer@example.com"), "domain": "example.com",
			"role": "viewer", "cameras": "*", "principalId": issuer.Subject("viewer@example.com")},
	}
}

// BenchmarkGatewayOverhead serves two routes by calling the videos handler
// directly, and through the local gateway over loopback HTTP (routing, the
// cached authorizer policy, the proxy event through JSON, the response), at
// 1 and 16 concurrent clients: GET /me (no storage: the gateway's cost
// shows plainly) and GET /cameras/porch/videos?limit=20 (one DynamoDB
// Query: what a real request costs). gateway/direct is the overhead.
func BenchmarkGatewayOverhead(b *testing.B) {
	f := newAPIFixture(b)
	routes := []struct {
		name, function, resource, path string
		params, query                  map[string]string
	}{
		{"me", "me", "/me", "/me", nil, nil},
		{"camera-videos", "videos", "/cameras/{cameraId}/videos", "/cameras/porch/videos",
			map[string]string{"cameraId": "porch"}, map[string]string{"limit": "20"}},
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	for _, r := range routes {
		direct := func(b *testing.B) func() {
			h := f.handlers[r.function]
			req := events.APIGatewayProxyRequest{
				Resource: r.resource, Path: r.path, HTTPMethod: "GET", PathParameters: r.params, QueryStringParameters: r.query,
				RequestContext: events.APIGatewayProxyRequestContext{Stage: "dev", ResourcePath: r.resource,
					HTTPMethod: "GET", Authorizer: f.context},
			}
			return func() {
				resp, err := h(context.Background(), req)
				if err != nil || resp.StatusCode != 200 {
					b.Fatalf("direct %s: %d %v", r.path, resp.StatusCode, err)
				}
			}
		}
		viaGateway := func(b *testing.B) func() {
			u := f.gateway.URL + "/dev" + r.path
			if r.query != nil {
				u += "?limit=" + r.query["limit"]
			}
			return func() {
				req, _ := http.NewRequest("GET", u, nil)
				req.Header.Set("Authorization", f.header)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("gateway %s: %d", u, resp.StatusCode)
				}
			}
		}
		for _, clients := range []int{1, 16} {
			for _, way := range []struct {
				name string
				call func(*testing.B) func()
			}{{"direct", direct}, {"gateway", viaGateway}} {
				b.Run(fmt.Sprintf("%s/%s/clients=%d", r.name, way.name, clients), func(b *testing.B) {
					call := way.call(b)
					call() // warm: the authorizer's answer cached, connections open
					if clients == 1 {
						for b.Loop() {
							call()
						}
						return
					}
					b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							call()
						}
					})
				})
			}
		}
	}
}

// BenchmarkAuthorizerColdStart builds the real authorizer bootstrap (host
// platform, -tags lambda.norpc) and measures process start to its first
// answer (an Allow) under a local Lambda Runtime API, 20 times per
// iteration; it reports the median and the worst (run with -benchtime 1x).
func BenchmarkAuthorizerColdStart(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", bin, "./cmd/authorizer")
	build.Dir = filepath.Join("..", "authorizer")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build the authorizer: %v\n%s", err, out)
	}
	const issuerURL, clientID = "https://accounts.google.com", "bench.apps.googleusercontent.com"
	key := authorizertest.NewKey(b, "bench-1")
	jwks := authorizertest.NewJWKS(b, key)
	header := "Bearer " + key.Sign(b, authorizertest.Claims(issuerURL, clientID, "viewer@example.com", "example.com", time.Now()))
	event := events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: header,
		MethodArn: "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/GET/cameras"}
	var samples []time.Duration
	for b.Loop() {
		for range 20 {
			// A Runtime API per process: a killed process's pending /next
			// must not swallow the next one's event.
			rt := lambdaruntimetest.Start(b)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			cmd := exec.Command(bin)
			cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + rt.Addr, "GOOGLE_CLIENT_IDS=" + clientID,
				"ALLOWED_DOMAINS=example.com", "OIDC_JWKS_URL=" + jwks.URL}
			t0 := time.Now()
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			res, err := rt.Invoke(ctx, event)
			d := time.Since(t0)
			cancel()
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			if err != nil || res.Err != nil || !strings.Contains(string(res.Payload), `"Allow"`) {
				b.Fatalf("invoke: %v %v %s", err, res.Err, res.Payload)
			}
			samples = append(samples, d)
		}
	}
	slices.Sort(samples)
	b.ReportMetric(float64(samples[len(samples)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(samples[len(samples)-1].Microseconds())/1000, "ms-max")
	b.ReportMetric(float64(len(samples)), "starts")
}
