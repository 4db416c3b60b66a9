package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/camvault/camvault/dynalite/dynalitetest"
	videosapi "github.com/camvault/camvault/videos-api"
	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/media/mediatest"
	"github.com/camvault/camvault/videos-api/routes"
	"github.com/camvault/camvault/videos-api/store"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dynalitetest.Stop()
	os.Exit(code)
}

const (
	bucket    = "clips-test"
	webOrigin = "http://127.0.0.1:5173"
	secret    = "test-cursor-secret-0123456789"
)

// now is the fixed clock of every test.
var now = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)

var seq atomic.Int64

// env is one test's camvault: its own table and bucket, a real DynamoDB
// API (dynalite) and a real S3 API (gofakes3).
type env struct {
	t     testing.TB
	app   *app.App
	h     map[string]app.Handler
	ddb   *dynamodb.Client
	s3    *s3.Client
	s3URL string
	table string
	// clock is the app's and the S3 stand-in's: now, unless a test moves it.
	clock *testClock
	// tags are the S3 stand-in's object tags.
	tags *mediatest.Tagging
}

// testClock is now plus an offset a test may move forward.
type testClock struct{ offset atomic.Int64 }

// Now is the fixed test time plus the offset.
func (c *testClock) Now() time.Time { return now.Add(time.Duration(c.offset.Load())) }

// Since is for gofakes3's TimeSource.
func (c *testClock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

// Advance moves the clock forward by d.
func (c *testClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith is newEnv with the app's configuration changed by configure
// (after the test clock and logger are set) before the app is built.
func newEnvWith(t testing.TB, configure func(*app.Config, *testClock)) *env {
	t.Helper()
	ctx := context.Background()
	creds := credentials.NewStaticCredentialsProvider("AKIDTEST", "secret-test", "")
	ddb := dynamodb.New(dynamodb.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(dynalitetest.Shared(t)), Credentials: creds,
	})
	table := fmt.Sprintf("clips-%d", seq.Add(1))
	if err := store.CreateTable(ctx, ddb, table); err != nil {
		t.Fatal(err)
	}
	clock := &testClock{}
	tags := mediatest.NewTagging(gofakes3.New(s3mem.New(s3mem.WithTimeSource(clock))).Server())
	srv := httptest.NewServer(tags)
	t.Cleanup(srv.Close)
	s3c := s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: creds, UsePathStyle: true,
	})
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	cfg, err := app.ConfigFromEnv(mapEnv(map[string]string{
		"TABLE_NAME": table, "BUCKET_NAME": bucket, "WEB_ORIGIN": webOrigin, "CURSOR_SECRET": secret,
	}))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Now = clock.Now
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if configure != nil {
		configure(&cfg, clock)
	}
	a := app.New(cfg, ddb, s3c)
	return &env{t: t, app: a, h: a.Handlers(), ddb: ddb, s3: s3c, s3URL: srv.URL, table: table, clock: clock, tags: tags}
}

func mapEnv(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// clipID is a deterministic video id captured at ts.
func clipID(ts string, n int) string {
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		panic(err)
	}
	id, _ := clip.NewVideoID(t, strings.NewReader(fmt.Sprintf("%010d", n)))
	return id
}

// upload puts a clip (and, if thumb, its thumbnail) as a camera does and
// delivers the S3 events to ingest. It returns the clip's id.
func (e *env) upload(camera, ts string, n int, thumb bool) string {
	e.t.Helper()
	id := clipID(ts, n)
	clipKey, thumbKey, err := clip.ObjectKeys(camera, id)
	if err != nil {
		e.t.Fatal(err)
	}
	e.put(clipKey, "video/mp4", []byte("mp4:"+id), map[string]string{"captured-at": ts, "duration-seconds": "12.5"})
	e.ingest(clipKey)
	if thumb {
		e.put(thumbKey, "image/jpeg", []byte("jpg:"+id), nil)
		e.ingest(thumbKey)
	}
	return id
}

func (e *env) put(key, contentType string, body []byte, meta map[string]string) {
	e.t.Helper()
	_, err := e.s3.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body),
		ContentType: aws.String(contentType), Metadata: meta,
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// s3Event is an ObjectCreated event for keys, URL-encoded as S3 sends them.
func s3Event(keys ...string) events.S3Event {
	var ev events.S3Event
	for _, k := range keys {
		ev.Records = append(ev.Records, events.S3EventRecord{
			EventSource: "aws:s3", EventName: "ObjectCreated:Put", EventTime: now,
			S3: events.S3Entity{
				Bucket: events.S3Bucket{Name: bucket},
				Object: events.S3Object{Key: url.QueryEscape(k)},
			},
		})
	}
	return ev
}

func (e *env) ingest(keys ...string) {
	e.t.Helper()
	if err := e.app.Ingest(context.Background(), s3Event(keys...)); err != nil {
		e.t.Fatalf("Ingest: %v", err)
	}
}

// Callers, as the authorizer describes them.
var (
	admin      = caller("admin@example.com", "admin", "*")
	viewer     = caller("viewer@example.com", "viewer", "*")
	restricted = caller("guest@example.com", "viewer", "front-door,porch")
)

func caller(email, role, cameras string) map[string]any {
	return map[string]any{"email": email, "sub": "sub-" + email, "domain": "example.com", "role": role, "cameras": cameras, "principalId": "sub-" + email}
}

// request builds the proxy request API Gateway sends for method and a
// concrete path (with a query string), as who.
func request(who map[string]any, method, target string) (string, events.APIGatewayProxyRequest) {
	u, err := url.Parse(target)
	if err != nil {
		panic(err)
	}
	for _, r := range routes.All() {
		params, ok := r.Match(method, u.Path)
		if !ok {
			continue
		}
		req := events.APIGatewayProxyRequest{
			Resource: r.Path, Path: u.Path, HTTPMethod: method,
			Headers: map[string]string{"Origin": webOrigin},
			RequestContext: events.APIGatewayProxyRequestContext{
				Stage: "dev", RequestID: "req-1", ResourcePath: r.Path, HTTPMethod: method, Authorizer: who,
			},
		}
		if len(params) > 0 {
			req.PathParameters = params
		}
		if q := u.Query(); len(q) > 0 {
			req.QueryStringParameters = map[string]string{}
			for k := range q {
				req.QueryStringParameters[k] = q.Get(k)
			}
		}
		return r.Function, req
	}
	panic("no route for " + method + " " + target)
}

// call serves a request through the function the route table names, checks
// what every response must carry and validates it against openapi.yaml.
func (e *env) call(who map[string]any, method, target string) (int, map[string]any) {
	e.t.Helper()
	fn, req := request(who, method, target)
	resp, err := e.h[fn](context.Background(), req)
	if err != nil {
		e.t.Fatalf("%s %s: handler error %v", method, target, err)
	}
	if got := resp.Headers["Access-Control-Allow-Origin"]; got != webOrigin {
		e.t.Errorf("%s %s: Access-Control-Allow-Origin = %q", method, target, got)
	}
	if resp.Headers["Vary"] != "Origin" {
		e.t.Errorf("%s %s: no Vary: Origin", method, target)
	}
	validate(e.t, req, resp)
	var body map[string]any
	if resp.Body != "" {
		if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
			e.t.Fatalf("%s %s: body is not JSON: %q", method, target, resp.Body)
		}
	}
	return resp.StatusCode, body
}

var doc = func() *openapi3.T {
	d, err := openapi3.NewLoader().LoadFromData(videosapi.OpenAPI())
	if err != nil {
		panic(err)
	}
	return d
}()

// validate checks a handler's response against the operation openapi.yaml
// documents for the request's route.
func validate(t testing.TB, req events.APIGatewayProxyRequest, resp events.APIGatewayProxyResponse) {
	t.Helper()
	item := doc.Paths.Find(req.Resource)
	if item == nil || item.GetOperation(req.HTTPMethod) == nil {
		t.Fatalf("openapi.yaml has no %s %s", req.HTTPMethod, req.Resource)
	}
	httpReq := httptest.NewRequest(req.HTTPMethod, "http://127.0.0.1/dev"+req.Path, nil)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    httpReq,
			PathParams: req.PathParameters,
			Route: &routers.Route{
				Spec: doc, Path: req.Resource, PathItem: item,
				Method: req.HTTPMethod, Operation: item.GetOperation(req.HTTPMethod),
			},
		},
		Status: resp.StatusCode,
		Header: http.Header{},
		Body:   io.NopCloser(strings.NewReader(resp.Body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	for k, v := range resp.Headers {
		in.Header.Set(k, v)
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s: response %d does not match openapi.yaml: %v\nbody: %s", req.HTTPMethod, req.Path, resp.StatusCode, err, resp.Body)
	}
}

// errorOf returns the code and parameter of an error body.
func errorOf(body map[string]any) (code, param string) {
	e, _ := body["error"].(map[string]any)
	code, _ = e["code"].(string)
	param, _ = e["parameter"].(string)
	return code, param
}

// itemIDs lists the "cameraId/id" of a list body's items.
func itemIDs(body map[string]any) []string {
	out := []string{}
	items, _ := body["items"].([]any)
	for _, it := range items {
		m := it.(map[string]any)
		if cam, ok := m["cameraId"].(string); ok {
			out = append(out, cam+"/"+m["id"].(string))
		} else {
			out = append(out, m["id"].(string))
		}
	}
	return out
}
