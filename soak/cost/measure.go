package cost

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/camvault/camvault/authorizer"
	"github.com/camvault/camvault/dynalite"
	"github.com/camvault/camvault/local/issuer"
	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/routes"
	"github.com/camvault/camvault/videos-api/store"
)

// MemoryMB of each function, as infra/functions.go sizes them.
var MemoryMB = map[string]float64{
	routes.FunctionMe: 128, routes.FunctionCameras: 256, routes.FunctionVideos: 256,
	routes.FunctionVideo: 256, routes.FunctionIngest: 256, routes.FunctionExpire: 128, "authorizer": 256,
}

// Network time added to each billed invocation per DynamoDB and S3 call:
// locally they answer over loopback in well under a millisecond, in AWS a
// call from Lambda in the same region takes a few milliseconds.
const (
	DynamoCallMs = 5.0
	S3CallMs     = 15.0
)

// meter counts what the functions ask of DynamoDB and S3.
type meter struct {
	mu                    sync.Mutex
	rcu, wcu              float64
	ddbCalls              int
	s3Put, s3Get, s3Calls int
}

func (m *meter) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rcu, m.wcu, m.ddbCalls, m.s3Put, m.s3Get, m.s3Calls = 0, 0, 0, 0, 0, 0
}

// consumedCapacity asks DynamoDB for the capacity of every call and adds
// it up: reads and writes by operation.
func (m *meter) consumedCapacity(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("camvaultCost", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		total := ddbtypes.ReturnConsumedCapacityTotal
		write := false
		switch v := in.Parameters.(type) {
		case *dynamodb.GetItemInput:
			v.ReturnConsumedCapacity = total
		case *dynamodb.QueryInput:
			v.ReturnConsumedCapacity = total
		case *dynamodb.PutItemInput:
			v.ReturnConsumedCapacity, write = total, true
		case *dynamodb.UpdateItemInput:
			v.ReturnConsumedCapacity, write = total, true
		case *dynamodb.DeleteItemInput:
			v.ReturnConsumedCapacity, write = total, true
		case *dynamodb.BatchWriteItemInput:
			v.ReturnConsumedCapacity, write = total, true
		}
		out, md, err := next.HandleInitialize(ctx, in)
		var cc []ddbtypes.ConsumedCapacity
		switch r := out.Result.(type) {
		case *dynamodb.GetItemOutput:
			cc = one(r.ConsumedCapacity)
		case *dynamodb.QueryOutput:
			cc = one(r.ConsumedCapacity)
		case *dynamodb.PutItemOutput:
			cc = one(r.ConsumedCapacity)
		case *dynamodb.UpdateItemOutput:
			cc = one(r.ConsumedCapacity)
		case *dynamodb.DeleteItemOutput:
			cc = one(r.ConsumedCapacity)
		case *dynamodb.BatchWriteItemOutput:
			cc = r.ConsumedCapacity
		}
		m.mu.Lock()
		m.ddbCalls++
		for _, c := range cc {
			if write {
				m.wcu += aws.ToFloat64(c.CapacityUnits)
			} else {
				m.rcu += aws.ToFloat64(c.CapacityUnits)
			}
		}
		if write && len(cc) == 0 && err != nil {
			// A refused conditional write still costs a unit in AWS.
			m.wcu++
		}
		m.mu.Unlock()
		return out, md, err
	}), middleware.After)
}

func one(c *ddbtypes.ConsumedCapacity) []ddbtypes.ConsumedCapacity {
	if c == nil {
		return nil
	}
	return []ddbtypes.ConsumedCapacity{*c}
}

// RoundTrip counts S3 requests by price class.
func (m *meter) RoundTrip(r *http.Request) (*http.Response, error) {
	m.mu.Lock()
	m.s3Calls++
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		m.s3Get++
	} else {
		m.s3Put++
	}
	m.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// countingWriter counts log bytes.
type countingWriter struct {
	mu sync.Mutex
	n  int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.n += len(p)
	c.mu.Unlock()
	return len(p), nil
}

func (c *countingWriter) take() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.n
	c.n = 0
	return n
}

// Measure runs every operation of the cost model against the real
// handlers, authorizer and store, on dynalite and an in-memory S3, runs
// times each, and returns what one operation costs: DynamoDB capacity as
// DynamoDB reports it (ReturnConsumedCapacity: TOTAL), S3 requests made,
// log bytes written, and the billed duration: local time plus the
// network time of its calls in AWS (DynamoCallMs, S3CallMs), rounded up
// to Lambda's 1 ms. The log format is the functions' own (slog text for
// the videos functions, JSON for the authorizer).
func Measure(ctx context.Context, runs int) (Units, error) {
	tmp, err := os.MkdirTemp("", "camvault-cost-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	ddbSrv, err := dynalite.Start(ctx, dynalite.Options{})
	if err != nil {
		return nil, err
	}
	defer ddbSrv.Stop()
	m := &meter{}
	ddb := dynamodb.New(dynamodb.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(ddbSrv.Endpoint()),
		Credentials: credentials.NewStaticCredentialsProvider("cost", "cost", ""),
		APIOptions:  []func(*middleware.Stack) error{m.consumedCapacity},
	})
	const table, bucket = "clips", "clips"
	if err := store.CreateTable(ctx, ddb, table); err != nil {
		return nil, err
	}
	s3srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer s3srv.Close()
	s3c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(s3srv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("cost", "cost", ""), HTTPClient: &http.Client{Transport: m},
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired, ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired})
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		return nil, err
	}
	logs := &countingWriter{}
	a := app.New(app.Config{TableName: table, BucketName: bucket, WebOrigin: "https://videos.example.com",
		CursorSecret: []byte("cost-cursor-secret-0123456789"), Logger: slog.New(slog.NewTextHandler(logs, nil))}, ddb, s3c)
	h := a.Handlers()

	// A realistic table: 4 cameras, 200 clips over the last days.
	now := time.Now().UTC()
	var clips []clip.Video
	put := func(v clip.Video) error {
		key, thumb, err := clip.ObjectKeys(v.CameraID, v.ID)
		if err != nil {
			return err
		}
		for _, k := range []string{key, thumb} {
			if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: bytes.NewReader(make([]byte, 1024))}); err != nil {
				return err
			}
		}
		return a.Ingest(ctx, s3Event(bucket, now, key, thumb))
	}
	for i := range 200 {
		id, err := clip.NewVideoID(now.Add(-time.Duration(i+1)*17*time.Minute), rand.Reader)
		if err != nil {
			return nil, err
		}
		v := clip.Video{ID: id, CameraID: []string{"front-door", "garage", "porch", "side"}[i%4]}
		if err := put(v); err != nil {
			return nil, err
		}
		clips = append(clips, v)
	}

	viewer := map[string]any{"email": "viewer@example.com", "sub": "sub-viewer", "role": "viewer", "cameras": "*", "principalId": "sub-viewer"}
	request := func(method, resource, path string, params map[string]string) events.APIGatewayProxyRequest {
		return events.APIGatewayProxyRequest{HTTPMethod: method, Resource: resource, Path: path, PathParameters: params,
			RequestContext: events.APIGatewayProxyRequestContext{RequestID: "cost", Authorizer: viewer}}
	}
	units := Units{}
	measure := func(name, function string, invocations float64, op func(i int) error) error {
		m.reset()
		logs.take()
		var localMs []float64
		for i := range runs {
			m.reset()
			t0 := time.Now()
			if err := op(i); err != nil {
				return fmt.Errorf("cost: measuring %s: %w", name, err)
			}
			local := float64(time.Since(t0).Microseconds()) / 1000
			// Per invocation: the local time, plus the network time its
			// calls take in AWS, rounded up to a millisecond.
			localMs = append(localMs, local+float64(m.ddbCalls)*DynamoCallMs+float64(m.s3Calls)*S3CallMs)
			if i == 0 {
				units[name] = Op{Function: function, MemoryMB: MemoryMB[function], Invocations: invocations,
					RCU: m.rcu, WCU: m.wcu, S3Put: float64(m.s3Put), S3Get: float64(m.s3Get)}
			}
		}
		u := units[name]
		u.LogBytes = float64(logs.take()) / float64(runs)
		u.BilledMs = math.Ceil(median(localMs) / invocations)
		units[name] = u
		return nil
	}

	// Ingest: a new clip and its thumbnail (two events, two invocations);
	// the cameras' PUTs are the model's, not the function's.
	var fresh []clip.Video
	for i := range runs {
		id, err := clip.NewVideoID(now.Add(-time.Duration(i+1)*time.Second), rand.Reader)
		if err != nil {
			return nil, err
		}
		v := clip.Video{ID: id, CameraID: "porch"}
		key, thumb, _ := clip.ObjectKeys(v.CameraID, v.ID)
		for _, k := range []string{key, thumb} {
			if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: bytes.NewReader(make([]byte, 1024))}); err != nil {
				return nil, err
			}
		}
		fresh = append(fresh, v)
	}
	steps := []struct {
		name, function string
		invocations    float64
		op             func(i int) error
	}{
		{OpIngest, routes.FunctionIngest, 2, func(i int) error {
			key, thumb, _ := clip.ObjectKeys(fresh[i].CameraID, fresh[i].ID)
			if err := a.Ingest(ctx, s3Event(bucket, now, key)); err != nil {
				return err
			}
			return a.Ingest(ctx, s3Event(bucket, now, thumb))
		}},
		{OpPage, routes.FunctionVideos, 1, func(int) error {
			return ok(h[routes.FunctionVideos](ctx, request("GET", "/videos", "/videos", nil)))
		}},
		{OpCameras, routes.FunctionCameras, 1, func(int) error {
			return ok(h[routes.FunctionCameras](ctx, request("GET", "/cameras", "/cameras", nil)))
		}},
		{OpMe, routes.FunctionMe, 1, func(int) error {
			return ok(h[routes.FunctionMe](ctx, request("GET", "/me", "/me", nil)))
		}},
		{OpPlay, routes.FunctionVideo, 1, func(i int) error {
			v := clips[i%len(clips)]
			return ok(h[routes.FunctionVideo](ctx, request("GET", "/cameras/{cameraId}/videos/{videoId}",
				"/cameras/"+v.CameraID+"/videos/"+v.ID, map[string]string{"cameraId": v.CameraID, "videoId": v.ID})))
		}},
		{OpExpire, routes.FunctionExpire, 1, func(i int) error {
			// As TTL does: the record goes, then its stream record comes.
			v := clips[len(clips)-1-i]
			res, err := ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table), ReturnValues: ddbtypes.ReturnValueAllOld,
				Key: map[string]ddbtypes.AttributeValue{"PK": &ddbtypes.AttributeValueMemberS{Value: "CAM#" + v.CameraID}, "SK": &ddbtypes.AttributeValueMemberS{Value: "VID#" + v.ID}}})
			if err != nil {
				return err
			}
			m.reset() // TTL's own delete is free
			resp, err := a.Expire(ctx, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{{
				EventName: "REMOVE", UserIdentity: &events.DynamoDBUserIdentity{Type: "Service", PrincipalID: app.TTLPrincipal},
				Change: events.DynamoDBStreamRecord{OldImage: streamImage(res.Attributes), SequenceNumber: fmt.Sprint(i)},
			}}})
			if err == nil && len(resp.BatchItemFailures) > 0 {
				err = fmt.Errorf("expire reported failures")
			}
			return err
		}},
	}
	for _, s := range steps {
		if err := measure(s.name, s.function, s.invocations, s.op); err != nil {
			return nil, err
		}
	}
	if err := measureAuthorizer(ctx, tmp, runs, units); err != nil {
		return nil, err
	}
	return units, nil
}

// measureAuthorizer runs the real authorizer (its JSON decision log
// included) against the dev issuer: a token it has not seen, as after
// API Gateway's cache TTL on a cold-ish container (the costlier case).
func measureAuthorizer(ctx context.Context, dir string, runs int, units Units) error {
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	defer srv.Close()
	iss, err := issuer.New(issuer.Config{URL: srv.URL, KeyFile: filepath.Join(dir, "issuer-key.pem")})
	if err != nil {
		return err
	}
	h = iss.Handler()
	logs := &countingWriter{}
	authz, err := authorizer.New(ctx, authorizer.Config{ClientIDs: []string{issuer.ClientID}, AllowedDomains: []string{"example.com"},
		Issuer: srv.URL, JWKSURL: srv.URL + "/jwks", Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		return err
	}
	var toks []string
	for i := range runs {
		tok, err := iss.Token(issuer.TokenRequest{Email: fmt.Sprintf("viewer%d@example.com", i)})
		if err != nil {
			return err
		}
		toks = append(toks, tok)
	}
	logs.take()
	var ms []float64
	for _, tok := range toks {
		t0 := time.Now()
		if _, err := authz.Handle(ctx, events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: "Bearer " + tok,
			MethodArn: "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/videos"}); err != nil {
			return err
		}
		ms = append(ms, float64(time.Since(t0).Microseconds())/1000)
	}
	units[OpAuthorize] = Op{Function: "authorizer", MemoryMB: MemoryMB["authorizer"], Invocations: 1,
		BilledMs: math.Ceil(median(ms)), LogBytes: float64(logs.take()) / float64(runs)}
	return nil
}

func ok(resp events.APIGatewayProxyResponse, err error) error {
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %s", resp.StatusCode, resp.Body)
	}
	return nil
}

func s3Event(bucket string, at time.Time, keys ...string) events.S3Event {
	var ev events.S3Event
	for _, k := range keys {
		ev.Records = append(ev.Records, events.S3EventRecord{EventSource: "aws:s3", EventName: "ObjectCreated:Put", EventTime: at,
			S3: events.S3Entity{Bucket: events.S3Bucket{Name: bucket}, Object: events.S3Object{Key: url.QueryEscape(k)}}})
	}
	return ev
}

func streamImage(item map[string]ddbtypes.AttributeValue) map[string]events.DynamoDBAttributeValue {
	out := map[string]events.DynamoDBAttributeValue{}
	for k, v := range item {
		switch v := v.(type) {
		case *ddbtypes.AttributeValueMemberS:
			out[k] = events.NewStringAttribute(v.Value)
		case *ddbtypes.AttributeValueMemberN:
			out[k] = events.NewNumberAttribute(v.Value)
		case *ddbtypes.AttributeValueMemberBOOL:
			out[k] = events.NewBooleanAttribute(v.Value)
		case *ddbtypes.AttributeValueMemberSS:
			out[k] = events.NewStringSetAttribute(v.Value)
		}
	}
	return out
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s[len(s)/2]
}
