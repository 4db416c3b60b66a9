package stack_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
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
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/camvault/camvault/local/gateway"
	"github.com/camvault/camvault/local/issuer"
	"github.com/camvault/camvault/local/stack"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/routes"
)

// clock is the gateway cache's settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// counter wraps the real authorizer: it counts invocations per token and
// keeps the function so tests can call it directly.
type counter struct {
	mu    sync.Mutex
	calls map[string]int
	inner gateway.Authorizer
	// extra, when set, edits the real authorizer's answer (to add a Deny).
	extra func(events.APIGatewayCustomAuthorizerRequest, *events.APIGatewayCustomAuthorizerResponse)
}

func (c *counter) wrap(inner gateway.Authorizer) gateway.Authorizer {
	c.inner = inner
	return func(ctx context.Context, req events.APIGatewayCustomAuthorizerRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
		c.mu.Lock()
		c.calls[req.AuthorizationToken]++
		extra := c.extra
		c.mu.Unlock()
		resp, err := inner(ctx, req)
		if err == nil && extra != nil {
			extra(req, &resp)
		}
		return resp, err
	}
}

func (c *counter) count(token string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[token]
}

type env struct {
	s     *stack.Stack
	dir   string
	clock *clock
	auth  *counter
}

func start(t *testing.T, dir string, noSeed bool, issuerPort ...int) *env {
	t.Helper()
	port := 0
	if len(issuerPort) > 0 {
		port = issuerPort[0]
	}
	e := &env{dir: dir, clock: &clock{t: time.Now()}, auth: &counter{calls: map[string]int{}}}
	s, err := stack.Start(context.Background(), stack.Options{
		DataDir: dir, CacheTTL: 300 * time.Second, NoSeed: noSeed, IssuerPort: port,
		AllowedDomains: []string{"example.com"}, AdminEmails: []string{"admin@example.com"},
		WebDir: filepath.Join(dir, "no-web"), Now: e.clock.Now, WrapAuthorizer: e.auth.wrap,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.s = s
	t.Cleanup(s.Close)
	return e
}

func (e *env) token(t *testing.T, email string) string {
	t.Helper()
	tok, err := e.s.Issuer().Token(issuer.TokenRequest{Email: email})
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + tok
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
}

func (e *env) do(t *testing.T, method, path, auth string, hdr ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, e.s.Info().APIURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Origin", e.s.Info().WebURL)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, b}
}

type list struct {
	Items []struct {
		ID, CameraID, CapturedAt, Name string
	} `json:"items"`
	NextCursor string `json:"nextCursor"`
}

func TestStack(t *testing.T) {
	e := start(t, t.TempDir(), false)
	info := e.s.Info()
	viewer, admin, stranger := e.token(t, "viewer@example.com"), e.token(t, "admin@example.com"), e.token(t, "stranger@example.org")

	t.Run("local.json", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(e.dir, "local.json"))
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"webUrl", "apiUrl", "issuerUrl", "s3Url", "dynamodbUrl", "bucket", "table", "allowlistTable", "clientId", "stage", "camerasFile"} {
			if got[k] == "" {
				t.Errorf("local.json lacks %s: %s", k, b)
			}
		}
		if !strings.HasSuffix(got["apiUrl"], "/dev") || got["clientId"] != issuer.ClientID {
			t.Errorf("local.json %s", b)
		}
	})

	t.Run("preflight without a token", func(t *testing.T) {
		r := e.do(t, "OPTIONS", "/cameras/front-door/videos/x", "", "Access-Control-Request-Method", "DELETE", "Access-Control-Request-Headers", "authorization")
		if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != info.WebURL || !strings.Contains(r.header.Get("Access-Control-Allow-Methods"), "DELETE") {
			t.Fatalf("%d %v", r.status, r.header)
		}
		if e.auth.count("") != 0 {
			t.Fatal("authorizer invoked for preflight")
		}
	})

	expired, _ := e.s.Issuer().Token(issuer.TokenRequest{Email: "viewer@example.com", ExpiresIn: -time.Hour})
	otherAud, _ := e.s.Issuer().Token(issuer.TokenRequest{Email: "viewer@example.com", Audience: "someone-else"})
	refusals := []struct {
		name, auth string
		status     int
	}{
		{"no token", "", 401},
		{"garbage token", "Bearer not.a.jwt", 401},
		{"expired token", "Bearer " + expired, 401},
		{"wrong audience", "Bearer " + otherAud, 401},
		{"stranger", stranger, 403},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "GET", "/videos", tt.auth)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if r.header.Get("Access-Control-Allow-Origin") != info.WebURL {
				t.Fatalf("no CORS header on a %d: %v", r.status, r.header)
			}
		})
	}

	var cams list
	t.Run("viewer GETs", func(t *testing.T) {
		var me map[string]any
		r := e.do(t, "GET", "/me", viewer)
		r.json(t, &me)
		if r.status != 200 || me["email"] != "viewer@example.com" || me["role"] != "viewer" {
			t.Fatalf("%d %s", r.status, r.body)
		}
		r = e.do(t, "GET", "/cameras", viewer)
		r.json(t, &cams)
		if r.status != 200 || len(cams.Items) != 3 {
			t.Fatalf("cameras %d %s", r.status, r.body)
		}
		var vids list
		r = e.do(t, "GET", "/videos?limit=5", viewer)
		r.json(t, &vids)
		if r.status != 200 || len(vids.Items) != 5 || vids.NextCursor == "" {
			t.Fatalf("videos %d %s", r.status, r.body)
		}
		r = e.do(t, "GET", "/cameras/"+cams.Items[0].ID+"/videos", viewer)
		r.json(t, &vids)
		if r.status != 200 || len(vids.Items) == 0 {
			t.Fatalf("camera videos %d %s", r.status, r.body)
		}
		var one map[string]any
		r = e.do(t, "GET", "/cameras/"+vids.Items[0].CameraID+"/videos/"+vids.Items[0].ID, viewer)
		r.json(t, &one)
		if r.status != 200 || one["playUrl"] == nil {
			t.Fatalf("video %d %s", r.status, r.body)
		}
		// The signed URL plays from the local S3, with ranges, no token.
		req, _ := http.NewRequest("GET", one["playUrl"].(string), nil)
		req.Header.Set("Range", "bytes=0-7")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 206 || !bytes.Equal(b[4:8], []byte("ftyp")) {
			t.Fatalf("play URL: %d %q", resp.StatusCode, b)
		}
		// The whole download matches the SHA-256 the API recorded from the
		// upload's checksum (what sha256sum -c checks).
		resp, err = http.Get(one["downloadUrl"].(string))
		if err != nil {
			t.Fatal(err)
		}
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if sum := sha256.Sum256(b); resp.StatusCode != 200 || one["sha256"] != hex.EncodeToString(sum[:]) {
			t.Fatalf("download: %d, %d bytes, sha256 %x; the API says %v", resp.StatusCode, len(b), sum, one["sha256"])
		}
	})

	t.Run("viewer DELETE refused by the cached policy", func(t *testing.T) {
		before := e.auth.count(viewer)
		r := e.do(t, "DELETE", "/cameras/front-door/videos/01J0000000000000000000000A", viewer)
		if r.status != 403 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		if n := e.auth.count(viewer); n != before || n != 1 {
			t.Fatalf("authorizer invocations %d (before %d), want the one cached", n, before)
		}
	})

	t.Run("admin DELETE", func(t *testing.T) {
		var vids list
		e.do(t, "GET", "/videos?limit=1", admin).json(t, &vids)
		path := "/cameras/" + vids.Items[0].CameraID + "/videos/" + vids.Items[0].ID
		if r := e.do(t, "DELETE", path, admin); r.status/100 != 2 {
			t.Fatalf("delete %d %s", r.status, r.body)
		}
		if r := e.do(t, "GET", path, admin); r.status != 404 {
			t.Fatalf("after delete: %d %s", r.status, r.body)
		}
	})

	t.Run("authorizer cache TTL", func(t *testing.T) {
		tok := e.token(t, "ttl@example.com")
		for i := 0; i < 10; i++ {
			if r := e.do(t, "GET", "/me", tok); r.status != 200 {
				t.Fatalf("status %d", r.status)
			}
			e.clock.Advance(25 * time.Second)
		}
		if n := e.auth.count(tok); n != 1 {
			t.Fatalf("within the TTL: %d invocations, want 1", n)
		}
		e.clock.Advance(100 * time.Second)
		e.do(t, "GET", "/me", tok)
		if n := e.auth.count(tok); n != 2 {
			t.Fatalf("after the TTL: %d invocations, want 2", n)
		}
	})

	t.Run("explicit deny wins", func(t *testing.T) {
		e.auth.mu.Lock()
		e.auth.extra = func(req events.APIGatewayCustomAuthorizerRequest, resp *events.APIGatewayCustomAuthorizerResponse) {
			arn := req.MethodArn
			stagePrefix := arn[:strings.Index(arn, "/dev/")+len("/dev/")]
			resp.PolicyDocument.Statement = append(resp.PolicyDocument.Statement, events.IAMPolicyStatement{
				Effect: "Deny", Action: []string{"execute-api:Invoke"}, Resource: []string{stagePrefix + "GET/cameras"},
			})
		}
		e.auth.mu.Unlock()
		defer func() { e.auth.mu.Lock(); e.auth.extra = nil; e.auth.mu.Unlock() }()
		tok := e.token(t, "deny.test@example.com")
		if r := e.do(t, "GET", "/cameras", tok); r.status != 403 {
			t.Fatalf("denied route: %d", r.status)
		}
		if r := e.do(t, "GET", "/me", tok); r.status != 200 {
			t.Fatalf("allowed route: %d", r.status)
		}
	})

	t.Run("allowlist grant", func(t *testing.T) {
		ddb := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String(info.DynamoDBURL), Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")})
		_, err := ddb.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(info.AllowlistTable), Item: map[string]ddbtypes.AttributeValue{
			"subject": &ddbtypes.AttributeValueMemberS{Value: "guest@other.org"},
			"role":    &ddbtypes.AttributeValueMemberS{Value: "viewer"},
			"cameras": &ddbtypes.AttributeValueMemberSS{Value: []string{"driveway"}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		var me struct{ Role string }
		r := e.do(t, "GET", "/me", e.token(t, "guest@other.org"))
		r.json(t, &me)
		if r.status != 200 || me.Role != "viewer" {
			t.Fatalf("granted guest: %d %s", r.status, r.body)
		}
		var cams list
		e.do(t, "GET", "/cameras", e.token(t, "guest@other.org")).json(t, &cams)
		if len(cams.Items) != 1 || cams.Items[0].ID != "driveway" {
			t.Fatalf("guest sees cameras %+v", cams.Items)
		}
		if r := e.do(t, "GET", "/me", e.token(t, "other@other.org")); r.status != 403 {
			t.Fatalf("ungranted person: %d", r.status)
		}
	})

	t.Run("upload, ingest, listed", func(t *testing.T) {
		captured := time.Now().UTC().Add(-time.Minute).Truncate(time.Millisecond)
		id, _ := clip.NewVideoID(captured, rand.Reader)
		key, _, _ := clip.ObjectKeys("porch", id)
		porch, err := e.s.CameraS3("porch")
		if err != nil {
			t.Fatal(err)
		}
		_, err = porch.PutObject(context.Background(), &s3.PutObjectInput{
			Bucket: aws.String(info.Bucket), Key: aws.String(key), Body: strings.NewReader("not really an mp4"),
			ContentType: aws.String("video/mp4"), Metadata: map[string]string{"duration-seconds": "3"},
			IfNoneMatch: aws.String("*"),
		})
		if err != nil {
			t.Fatal(err)
		}
		// The camera's key creates and does nothing else; nobody
		// overwrites; anonymous callers get nothing.
		refused := []struct {
			name string
			do   func() error
			want int
		}{
			{"overwrite", func() error {
				_, err := porch.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(info.Bucket), Key: aws.String(key), Body: strings.NewReader("replaced"), IfNoneMatch: aws.String("*")})
				return err
			}, 412},
			{"overwrite with the Lambdas' key", func() error {
				_, err := e.s.S3().PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(info.Bucket), Key: aws.String(key), Body: strings.NewReader("replaced")})
				return err
			}, 403},
			{"another camera's prefix", func() error {
				k2, _, _ := clip.ObjectKeys("front-door", id)
				_, err := porch.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(info.Bucket), Key: aws.String(k2), Body: strings.NewReader("fake"), IfNoneMatch: aws.String("*")})
				return err
			}, 403},
			{"read", func() error {
				_, err := porch.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(info.Bucket), Key: aws.String(key)})
				return err
			}, 403},
			{"delete", func() error {
				_, err := porch.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(info.Bucket), Key: aws.String(key)})
				return err
			}, 403},
		}
		for _, r := range refused {
			var re *smithyhttp.ResponseError
			if err := r.do(); !errors.As(err, &re) || re.HTTPStatusCode() != r.want {
				t.Errorf("camera %s = %v, want %d", r.name, err, r.want)
			}
		}
		for _, method := range []string{"GET", "PUT", "DELETE"} {
			req, _ := http.NewRequest(method, info.S3URL+"/"+info.Bucket+"/"+key, strings.NewReader("anonymous"))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 403 {
				t.Errorf("anonymous %s = %d, want 403", method, resp.StatusCode)
			}
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			var vids list
			r := e.do(t, "GET", "/cameras/porch/videos", viewer)
			r.json(t, &vids)
			if r.status == 200 && len(vids.Items) == 1 && vids.Items[0].ID == id {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("clip never listed: %d %s", r.status, r.body)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})

	t.Run("every route answers", func(t *testing.T) {
		for _, rt := range routes.All() {
			path := strings.NewReplacer("{cameraId}", "no-such-camera", "{videoId}", "01J0000000000000000000000A").Replace(rt.Path)
			r := e.do(t, rt.Method, path, admin)
			// The handler answered, not the gateway (a gateway response
			// carries x-amzn-ErrorType).
			if r.status == 403 || r.status >= 500 || r.header.Get("X-Amzn-Errortype") != "" {
				t.Errorf("%s %s: %d %s", rt.Method, rt.Path, r.status, r.body)
			}
		}
	})

	t.Run("route roles agree with the real authorizer's policy", func(t *testing.T) {
		for _, role := range []struct {
			role  routes.Role
			token string
		}{{routes.Viewer, viewer}, {routes.Admin, admin}} {
			for _, rt := range routes.All() {
				if rt.Public {
					continue // no authorizer runs: no policy covers it
				}
				path := strings.NewReplacer("{cameraId}", "front-door", "{videoId}", "01J0000000000000000000000A", "{shareId}", "0123456789abcdef0123456789abcdef").Replace(rt.Path)
				arn := gateway.MethodARN(gateway.DefaultRegion, gateway.DefaultAccountID, gateway.DefaultAPIID, "dev", rt.Method, path)
				resp, err := e.auth.inner(context.Background(), events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: role.token, MethodArn: arn})
				if err != nil {
					t.Fatal(err)
				}
				// Any ARN of the API may have been the first: the policy must
				// fit every route, whichever one was called.
				other := gateway.MethodARN(gateway.DefaultRegion, gateway.DefaultAccountID, gateway.DefaultAPIID, "dev", "GET", "/me")
				resp2, _ := e.auth.inner(context.Background(), events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: role.token, MethodArn: other})
				for _, policy := range []events.APIGatewayCustomAuthorizerPolicy{resp.PolicyDocument, resp2.PolicyDocument} {
					got := gateway.Evaluate(policy, arn) == gateway.Allowed
					if want := rt.Allows(role.role); got != want {
						t.Errorf("%s %s %s: policy admits %v, route table says %v", role.role, rt.Method, rt.Path, got, want)
					}
				}
			}
		}
	})
}

func TestRestartKeepsData(t *testing.T) {
	dir := t.TempDir()
	e := start(t, dir, true)
	tok := e.token(t, "viewer@example.com")
	captured := time.Now().UTC().Add(-time.Hour).Truncate(time.Millisecond)
	id, _ := clip.NewVideoID(captured, rand.Reader)
	key, _, _ := clip.ObjectKeys("garage", id)
	if _, err := e.s.S3().PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(stack.Bucket), Key: aws.String(key), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")}); err != nil {
		t.Fatal(err)
	}
	e.s.WaitIngest()
	issuerPort, _ := strconv.Atoi(e.s.Info().IssuerURL[strings.LastIndex(e.s.Info().IssuerURL, ":")+1:])
	e.s.Close()
	if _, err := os.Stat(filepath.Join(dir, "local.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("local.json left behind: %v", err)
	}

	// Same issuer port: the issuer URL is the tokens' iss.
	e2 := start(t, dir, true, issuerPort)
	// The token minted before the restart is still good: the key persisted.
	var vids list
	r := e2.do(t, "GET", "/cameras/garage/videos", tok)
	r.json(t, &vids)
	if r.status != 200 || len(vids.Items) != 1 || vids.Items[0].ID != id {
		t.Fatalf("after restart: %d %s", r.status, r.body)
	}
	out, err := e2.s.S3().GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(stack.Bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	out.Body.Close()
}

func TestStartErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port

	corrupt := t.TempDir()
	if err := os.WriteFile(filepath.Join(corrupt, "issuer-key.pem"), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts stack.Options
		want string
	}{
		{"api port in use", stack.Options{DataDir: t.TempDir(), APIPort: port, NoSeed: true}, "api port " + strconv.Itoa(port) + " is in use"},
		{"corrupt data dir", stack.Options{DataDir: corrupt, NoSeed: true}, "--reset"},
		{"dynamodb port in use", stack.Options{DataDir: t.TempDir(), DynamoDBPort: port, NoSeed: true}, "in use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := stack.Start(context.Background(), tt.opts)
			if err == nil {
				s.Close()
				t.Fatal("started")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not say %q", err, tt.want)
			}
		})
	}
	t.Run("data dir in use", func(t *testing.T) {
		dir := t.TempDir()
		first, err := stack.Start(context.Background(), stack.Options{DataDir: dir, NoSeed: true, AllowedDomains: []string{"example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		defer first.Close()
		second, err := stack.Start(context.Background(), stack.Options{DataDir: dir, NoSeed: true, AllowedDomains: []string{"example.com"}})
		if err == nil {
			second.Close()
			t.Fatal("a second stack started on the same data dir")
		}
		if !strings.Contains(err.Error(), "in use by another camvault-local") {
			t.Fatalf("error %q", err)
		}
		// The failed start must not have removed the running stack's files.
		if _, err := os.Stat(filepath.Join(dir, "local.json")); err != nil {
			t.Fatalf("local.json of the running stack: %v", err)
		}
	})
	t.Run("reset repairs", func(t *testing.T) {
		s, err := stack.Start(context.Background(), stack.Options{DataDir: corrupt, NoSeed: true, Reset: true, AllowedDomains: []string{"example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
	})
}

func TestDocs(t *testing.T) {
	e := start(t, t.TempDir(), true)
	base := strings.TrimSuffix(e.s.Info().APIURL, "/dev")
	resp, err := http.Get(base + "/docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "servers:\n  - url: "+e.s.Info().APIURL+"\n") || !strings.Contains(string(b), "paths:") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	resp, err = http.Get(base + "/docs")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/docs: %d", resp.StatusCode)
	}
}
