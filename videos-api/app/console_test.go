package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/clip"
)

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// consoleEnv is an env whose App has the allowlist table, an owner, a
// clock that moves, and a second App over the same table and bucket: a
// separate Lambda container of the videos functions, with its own
// revocation cache.
type consoleEnv struct {
	*env
	clock     *clock
	allowlist string
	other     map[string]app.Handler
}

func newConsoleEnv(t testing.TB) *consoleEnv {
	t.Helper()
	e := newEnv(t)
	allowlist := fmt.Sprintf("allowlist-%d", seq.Add(1))
	_, err := e.ddb.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String(allowlist),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("subject"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("subject"), KeyType: ddbtypes.KeyTypeHash}},
	})
	if err != nil {
		t.Fatal(err)
	}
	w := dynamodb.NewTableExistsWaiter(e.ddb, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 20*time.Millisecond, 200*time.Millisecond
	})
	if err := w.Wait(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(allowlist)}, time.Minute); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: now}
	mk := func() *app.App {
		return app.New(app.Config{
			TableName: e.table, BucketName: bucket, WebOrigin: webOrigin, CursorSecret: []byte(secret),
			AllowlistTable: allowlist, Owners: []string{"admin@example.com"}, RemovalBatchesPerCall: 1,
			Now: clk.now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		}, e.ddb, e.s3)
	}
	a := mk()
	e.app, e.h = a, a.Handlers()
	return &consoleEnv{env: e, clock: clk, allowlist: allowlist, other: mk().Handlers()}
}

// who is an authorizer context with the keys the revocation check reads.
func who(email, role, cameras, access string, at time.Time) map[string]any {
	c := caller(email, role, cameras)
	c["access"] = access
	c["authorizedAt"] = strconv.FormatInt(at.UnixMilli(), 10)
	return c
}

var owner = who("admin@example.com", "admin", "*", "owner", now)

// send is call with a JSON body, through handlers h (nil: the console env's own).
func (e *consoleEnv) send(h map[string]app.Handler, ctxt map[string]any, method, target, body string) (int, map[string]any) {
	e.t.Helper()
	if h == nil {
		h = e.h
	}
	fn, req := request(ctxt, method, target)
	req.Body = body
	resp, err := h[fn](context.Background(), req)
	if err != nil {
		e.t.Fatalf("%s %s: handler error %v", method, target, err)
	}
	validate(e.t, req, resp)
	var out map[string]any
	if resp.Body != "" {
		if err := json.Unmarshal([]byte(resp.Body), &out); err != nil {
			e.t.Fatalf("%s %s: body is not JSON: %q", method, target, resp.Body)
		}
	}
	return resp.StatusCode, out
}

func (e *consoleEnv) want(status int, code, param string, got int, body map[string]any) {
	e.t.Helper()
	c, p := errorOf(body)
	if got != status || c != code || p != param {
		e.t.Errorf("got %d %s/%s, want %d %s/%s (body %v)", got, c, p, status, code, param, body)
	}
}

func TestGrantsRulesAndValidation(t *testing.T) {
	e := newConsoleEnv(t)
	e.upload("front-door", "2026-11-25T10:00:00Z", 1, false)
	e.upload("porch", "2026-11-25T11:00:00Z", 2, false)

	st, body := e.send(nil, owner, "PUT", "/grants/ana@example.com", `{"role":"viewer","cameras":["front-door"]}`)
	if st != 200 || body["subject"] != "ana@example.com" || fmt.Sprint(body["cameras"]) != "[front-door]" {
		t.Fatalf("PUT grant: %d %v", st, body)
	}
	st, body = e.send(nil, owner, "GET", "/grants/ana@example.com", "")
	if st != 200 || body["role"] != "viewer" {
		t.Fatalf("GET grant: %d %v", st, body)
	}
	// What the authorizer reads: lowercase subject, role, cameras as a set.
	item, err := e.ddb.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(e.allowlist), Key: map[string]ddbtypes.AttributeValue{"subject": &ddbtypes.AttributeValueMemberS{Value: "ana@example.com"}},
	})
	if err != nil || item.Item["role"].(*ddbtypes.AttributeValueMemberS).Value != "viewer" ||
		!slices.Equal(item.Item["cameras"].(*ddbtypes.AttributeValueMemberSS).Value, []string{"front-door"}) {
		t.Fatalf("allowlist item: %v %v", item, err)
	}
	if st, body = e.send(nil, owner, "PUT", "/grants/example.org", `{"role":"admin","cameras":["*"]}`); st != 200 {
		t.Fatalf("PUT domain grant: %d %v", st, body)
	}
	if _, ok := item.Item["cameras"]; !ok {
		t.Fatal("restricted grant stored without cameras")
	}

	bad := []struct{ target, body, param string }{
		{"/grants/Ana@example.com", `{"role":"viewer","cameras":["*"]}`, "subject"},
		{"/grants/ana@", `{"role":"viewer","cameras":["*"]}`, "subject"},
		{"/grants/ana@exa_mple.com", `{"role":"viewer","cameras":["*"]}`, "subject"},
		{"/grants/ana@example.com", `{"role":"owner","cameras":["*"]}`, "role"},
		{"/grants/ana@example.com", `{"cameras":["*"]}`, "role"},
		{"/grants/ana@example.com", `{"role":"viewer","cameras":[]}`, "cameras"},
		{"/grants/ana@example.com", `{"role":"viewer"}`, "cameras"},
		{"/grants/ana@example.com", `{"role":"viewer","cameras":["garage"]}`, "cameras"},
		{"/grants/ana@example.com", `{"role":"viewer","cameras":["*","porch"]}`, "cameras"},
		{"/grants/ana@example.com", `{"role":"viewer","cameras":["Porch"]}`, "cameras"},
		{"/grants/ana@example.com", `{"role":"viewer","cameras":"*"}`, "cameras"},
		{"/grants/ana@example.com", `{"role":"viewer","cameras":["*"],"extra":1}`, "extra"},
		{"/grants/ana@example.com", `[1]`, "body"},
		{"/grants/ana@example.com", `{"role":"viewer","cameras":["*"]} {}`, "body"},
		{"/grants/ana@example.com", ``, "body"},
	}
	for _, b := range bad {
		st, body := e.send(nil, owner, "PUT", b.target, b.body)
		e.want(400, "invalid_parameter", b.param, st, body)
	}

	// Owners cannot be changed through the API.
	st, body = e.send(nil, owner, "PUT", "/grants/admin@example.com", `{"role":"viewer","cameras":["*"]}`)
	e.want(409, "conflict", "owner", st, body)
	// Even a grant written by hand for an owner stays.
	_, err = e.ddb.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(e.allowlist), Item: map[string]ddbtypes.AttributeValue{
		"subject": &ddbtypes.AttributeValueMemberS{Value: "admin@example.com"}, "role": &ddbtypes.AttributeValueMemberS{Value: "admin"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	st, body = e.send(nil, owner, "DELETE", "/grants/admin@example.com", "")
	e.want(409, "conflict", "owner", st, body)
	// The authorizer's address bindings share the table; they are no grants.
	_, err = e.ddb.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(e.allowlist), Item: map[string]ddbtypes.AttributeValue{
		"subject": &ddbtypes.AttributeValueMemberS{Value: "BIND#ana@example.com"}, "sub": &ddbtypes.AttributeValueMemberS{Value: "123"},
	}})
	if err != nil {
		t.Fatal(err)
	}

	// An admin restricted to front-door grants only front-door, and sees
	// only grants within it; porch is "no camera" to them.
	lim := who("lim@example.com", "admin", "front-door", "email-grant", now)
	st, body = e.send(nil, lim, "PUT", "/grants/bo@example.com", `{"role":"viewer","cameras":["porch"]}`)
	e.want(400, "invalid_parameter", "cameras", st, body)
	st, body = e.send(nil, lim, "PUT", "/grants/bo@example.com", `{"role":"viewer","cameras":["*"]}`)
	e.want(403, "forbidden", "camera_scope", st, body)
	if st, body = e.send(nil, lim, "PUT", "/grants/bo@example.com", `{"role":"viewer","cameras":["front-door"]}`); st != 200 {
		t.Fatalf("restricted admin granting their camera: %d %v", st, body)
	}
	st, body = e.send(nil, lim, "DELETE", "/grants/example.org", "")
	e.want(404, "not_found", "", st, body)
	st, body = e.send(nil, lim, "GET", "/grants?limit=200", "")
	var subjects []string
	for _, it := range body["items"].([]any) {
		subjects = append(subjects, it.(map[string]any)["subject"].(string))
	}
	slices.Sort(subjects)
	if st != 200 || !slices.Equal(subjects, []string{"ana@example.com", "bo@example.com"}) {
		t.Errorf("restricted admin's grant list: %d %v", st, subjects)
	}

	// Paging: every grant once, pages of one.
	var all []string
	cursor := ""
	for range 10 {
		target := "/grants?limit=1"
		if cursor != "" {
			target += "&cursor=" + cursor
		}
		st, body := e.send(nil, owner, "GET", target, "")
		if st != 200 {
			t.Fatalf("page: %d %v", st, body)
		}
		for _, it := range body["items"].([]any) {
			all = append(all, it.(map[string]any)["subject"].(string))
		}
		next, _ := body["nextCursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	slices.Sort(all)
	if !slices.Equal(all, []string{"admin@example.com", "ana@example.com", "bo@example.com", "example.org"}) {
		t.Errorf("paged grants: %v", all)
	}
	st, body = e.send(nil, lim, "GET", "/grants?cursor="+cursor, "")
	e.want(400, "invalid_parameter", "cursor", st, body)

	// Viewers get 403 on every console route.
	for _, r := range [][2]string{{"GET", "/grants"}, {"GET", "/grants/ana@example.com"}, {"PUT", "/grants/ana@example.com"}, {"DELETE", "/grants/ana@example.com"}, {"GET", "/audit"}, {"PATCH", "/cameras/porch"}, {"DELETE", "/cameras/porch"}} {
		st, body := e.send(nil, viewer, r[0], r[1], `{"role":"viewer","cameras":["*"]}`)
		e.want(403, "forbidden", "", st, body)
	}
}

func TestNobodyRemovesTheirOwnLastAdminPath(t *testing.T) {
	e := newConsoleEnv(t)
	e.upload("porch", "2026-11-25T11:00:00Z", 2, false)
	for _, g := range [][2]string{{"boss@example.com", `{"role":"admin","cameras":["*"]}`}} {
		if st, body := e.send(nil, owner, "PUT", "/grants/"+g[0], g[1]); st != 200 {
			t.Fatalf("setup: %d %v", st, body)
		}
	}
	boss := who("boss@example.com", "admin", "*", "email-grant", now)
	st, body := e.send(nil, boss, "DELETE", "/grants/boss@example.com", "")
	e.want(409, "conflict", "last_admin_path", st, body)
	st, body = e.send(nil, boss, "PUT", "/grants/boss@example.com", `{"role":"viewer","cameras":["*"]}`)
	e.want(409, "conflict", "last_admin_path", st, body)
	// Narrowing one's own cameras keeps admin: allowed.
	if st, body = e.send(nil, boss, "PUT", "/grants/boss@example.com", `{"role":"admin","cameras":["porch"]}`); st != 200 {
		t.Fatalf("narrowing own cameras: %d %v", st, body)
	}
	// With a second path (the domain's grant), the address's grant may go.
	if st, body = e.send(nil, owner, "PUT", "/grants/example.com", `{"role":"admin","cameras":["*"]}`); st != 200 {
		t.Fatalf("domain grant: %d %v", st, body)
	}
	boss = who("boss@example.com", "admin", "*", "email-grant", e.clock.now().Add(5*time.Minute))
	e.clock.add(5 * time.Minute)
	if st, body = e.send(nil, boss, "DELETE", "/grants/boss@example.com", ""); st != 204 {
		t.Fatalf("delete with another path left: %d %v", st, body)
	}
	// Now the domain grant is boss's last path.
	boss = who("boss@example.com", "admin", "*", "domain-grant", e.clock.now().Add(5*time.Minute))
	e.clock.add(5 * time.Minute)
	st, body = e.send(nil, boss, "DELETE", "/grants/example.com", "")
	e.want(409, "conflict", "last_admin_path", st, body)
}

// TestRevocationBeatsTheGatewayCache is the 60-second promise: a person
// whose Allow API Gateway cached keeps it, context and all, yet loses what
// a narrowed or removed grant took on every route, in every function, by
// the revocation cache's TTL (10 s).
func TestRevocationBeatsTheGatewayCache(t *testing.T) {
	e := newConsoleEnv(t)
	front := e.upload("front-door", "2026-11-25T10:00:00Z", 1, false)
	porch := e.upload("porch", "2026-11-25T11:00:00Z", 2, false)
	if st, body := e.send(nil, owner, "PUT", "/grants/ana@example.com", `{"role":"viewer","cameras":["front-door","porch"]}`); st != 200 {
		t.Fatalf("grant: %d %v", st, body)
	}
	// Ana signs in: the authorizer decides, the gateway caches this context.
	ana := who("ana@example.com", "viewer", "front-door,porch", "email-grant", e.clock.now())
	routes := []string{"/me", "/cameras", "/videos", "/cameras/front-door/videos", "/cameras/front-door/videos/" + front,
		"/cameras/porch/videos", "/cameras/porch/videos/" + porch}
	for _, r := range routes {
		if st, body := e.send(e.other, ana, "GET", r, ""); st != 200 {
			t.Fatalf("before: GET %s = %d %v", r, st, body)
		}
	}

	e.clock.add(time.Minute)
	if st, body := e.send(nil, owner, "PUT", "/grants/ana@example.com", `{"role":"viewer","cameras":["front-door"]}`); st != 200 {
		t.Fatalf("narrow: %d %v", st, body)
	}
	// The admin function applies it at once; the other container by its
	// cache's TTL.
	if st, _ := e.send(nil, ana, "GET", "/cameras/porch/videos", ""); st != 403 {
		t.Errorf("same function right after narrowing: porch = %d, want 403", st)
	}
	e.clock.add(app.DefaultRevocationCacheTTL)
	for _, r := range []string{"/cameras/porch/videos", "/cameras/porch/videos/" + porch, "/videos?camera=porch"} {
		if st, _ := e.send(e.other, ana, "GET", r, ""); st != 403 {
			t.Errorf("after narrowing: GET %s = %d, want 403", r, st)
		}
	}
	if _, body := e.send(e.other, ana, "GET", "/cameras", ""); fmt.Sprint(itemIDs(body)) != "[front-door]" {
		t.Errorf("after narrowing, cameras = %v", itemIDs(body))
	}
	if _, body := e.send(e.other, ana, "GET", "/videos", ""); fmt.Sprint(itemIDs(body)) != "[front-door/"+front+"]" {
		t.Errorf("after narrowing, timeline = %v", itemIDs(body))
	}
	if _, body := e.send(e.other, ana, "GET", "/me", ""); fmt.Sprint(body["cameras"]) != "[front-door]" {
		t.Errorf("after narrowing, me = %v", body)
	}

	e.clock.add(time.Minute)
	if st, body := e.send(nil, owner, "DELETE", "/grants/ana@example.com", ""); st != 204 {
		t.Fatalf("remove: %d %v", st, body)
	}
	e.clock.add(app.DefaultRevocationCacheTTL)
	for _, r := range routes {
		st, body := e.send(e.other, ana, "GET", r, "")
		e.want(403, "forbidden", "", st, body)
	}
	// Someone else, and ana's domain colleagues admitted statically, are
	// untouched.
	if st, _ := e.send(e.other, who("bea@example.com", "viewer", "*", "static", now), "GET", "/cameras/porch/videos", ""); st != 200 {
		t.Errorf("unrelated person: %d", st)
	}
	// A decision made well after the change (the authorizer saw the
	// grant gone and admitted ana by a static rule) is not held to it.
	later := who("ana@example.com", "viewer", "*", "static", e.clock.now().Add(3*time.Minute))
	e.clock.add(3 * time.Minute)
	if st, _ := e.send(e.other, later, "GET", "/cameras/porch/videos", ""); st != 200 {
		t.Errorf("fresh static decision after removal: %d", st)
	}
	// A context without a decision time counts as before every change.
	stale := caller("ana@example.com", "viewer", "*")
	stale["access"] = "email-grant"
	if st, _ := e.send(e.other, stale, "GET", "/me", ""); st != 403 {
		t.Errorf("context without authorizedAt: %d, want 403", st)
	}
}

func TestActivityTrail(t *testing.T) {
	e := newConsoleEnv(t)
	front := e.upload("front-door", "2026-11-25T10:00:00Z", 1, false)
	porch := e.upload("porch", "2026-11-25T11:00:00Z", 2, false)
	step := func() { e.clock.add(time.Second) }
	e.send(nil, owner, "PUT", "/grants/ana@example.com", `{"role":"viewer","cameras":["front-door","porch"]}`)
	step()
	ana := who("ana@example.com", "viewer", "front-door,porch", "email-grant", e.clock.now())
	e.send(e.other, ana, "GET", "/cameras/front-door/videos/"+front, "")
	step()
	e.send(e.other, ana, "GET", "/cameras/porch/videos/"+porch, "")
	step()
	e.send(e.other, ana, "GET", "/cameras/porch/videos", "") // a list hands out no clip URLs: not recorded
	e.send(nil, owner, "PUT", "/grants/ana@example.com", `{"role":"viewer","cameras":["front-door"]}`)
	step()
	e.send(nil, owner, "PATCH", "/cameras/porch", `{"name":"Back porch"}`)
	step()
	e.send(nil, owner, "DELETE", "/grants/ana@example.com", "")

	st, body := e.send(nil, owner, "GET", "/audit", "")
	if st != 200 {
		t.Fatalf("audit: %d %v", st, body)
	}
	type line struct{ actor, action, subject, camera, video, before, after string }
	var got []line
	for _, it := range body["items"].([]any) {
		m := it.(map[string]any)
		s := func(k string) string { v, _ := m[k].(string); return v }
		j := func(k string) string {
			if v, ok := m[k]; ok {
				b, _ := json.Marshal(v)
				return string(b)
			}
			return ""
		}
		got = append(got, line{s("actor"), s("action"), s("subject"), s("cameraId"), s("videoId"), j("before"), j("after")})
	}
	want := []line{
		{"admin@example.com", "grant.delete", "ana@example.com", "", "", `{"cameras":["front-door"],"role":"viewer","subject":"ana@example.com"}`, ""},
		{"admin@example.com", "camera.rename", "", "porch", "", `{"name":"porch"}`, `{"name":"Back porch"}`},
		{"admin@example.com", "grant.put", "ana@example.com", "", "", `{"cameras":["front-door","porch"],"role":"viewer","subject":"ana@example.com"}`, `{"cameras":["front-door"],"role":"viewer","subject":"ana@example.com"}`},
		{"ana@example.com", "clip.open", "", "porch", porch, "", ""},
		{"ana@example.com", "clip.open", "", "front-door", front, "", ""},
		{"admin@example.com", "grant.put", "ana@example.com", "", "", "", `{"cameras":["front-door","porch"],"role":"viewer","subject":"ana@example.com"}`},
	}
	if !slices.Equal(got, want) {
		t.Errorf("trail:\n got %v\nwant %v", got, want)
	}
	// Filters, and pages of one that visit every entry once.
	if _, body := e.send(nil, owner, "GET", "/audit?person=ana@example.com", ""); len(body["items"].([]any)) != 2 {
		t.Errorf("person filter: %v", body)
	}
	if _, body := e.send(nil, owner, "GET", "/audit?camera=porch", ""); len(body["items"].([]any)) != 2 {
		t.Errorf("camera filter: %v", body)
	}
	from := now.Add(1500 * time.Millisecond).Format(time.RFC3339Nano)
	to := now.Add(3500 * time.Millisecond).Format(time.RFC3339Nano)
	if _, body := e.send(nil, owner, "GET", "/audit?from="+from+"&to="+to, ""); len(body["items"].([]any)) != 2 {
		t.Errorf("time filter %s..%s: %v", from, to, body)
	}
	seen := 0
	cursor := ""
	for range 10 {
		target := "/audit?limit=1"
		if cursor != "" {
			target += "&cursor=" + cursor
		}
		_, body := e.send(nil, owner, "GET", target, "")
		seen += len(body["items"].([]any))
		next, _ := body["nextCursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	if seen != len(want) {
		t.Errorf("paged trail saw %d entries, want %d", seen, len(want))
	}
	// A restricted admin sees only entries about their cameras.
	lim := who("lim@example.com", "admin", "front-door", "email-grant", e.clock.now())
	if _, body := e.send(nil, lim, "GET", "/audit", ""); len(body["items"].([]any)) != 1 {
		t.Errorf("restricted admin's trail: %v", body)
	}
	st, body = e.send(nil, lim, "GET", "/audit?camera=porch", "")
	e.want(400, "invalid_parameter", "camera", st, body)
	st, body = e.send(nil, owner, "GET", "/audit?person=Ana", "")
	e.want(400, "invalid_parameter", "person", st, body)
}

func TestCameraAdministration(t *testing.T) {
	e := newConsoleEnv(t)
	for i := range 30 {
		e.upload("garage", fmt.Sprintf("2026-11-25T10:%02d:00Z", i), i, i%2 == 0)
	}
	e.upload("porch", "2026-11-25T11:00:00Z", 99, false)

	st, body := e.send(nil, owner, "PATCH", "/cameras/porch", `{"name":"  Back porch  "}`)
	if st != 200 || body["name"] != "Back porch" {
		t.Fatalf("rename: %d %v", st, body)
	}
	// A later upload's camera-name metadata does not undo the rename.
	id := clipID("2026-11-25T11:30:00Z", 100)
	key, _, _ := clip.ObjectKeys("porch", id)
	e.put(key, "video/mp4", []byte("x"), map[string]string{"camera-name": "porch-pi"})
	e.ingest(key)
	_, body = e.call(viewer, "GET", "/cameras")
	names := map[string]string{}
	for _, it := range body["items"].([]any) {
		m := it.(map[string]any)
		names[m["id"].(string)] = m["name"].(string)
	}
	if names["porch"] != "Back porch" {
		t.Errorf("name after upload = %q", names["porch"])
	}

	for _, b := range []struct{ body, param string }{
		{`{}`, "body"}, {`{"name":""}`, "name"}, {`{"name":"a\u0007b"}`, "name"}, {`{"disabled":"yes"}`, "disabled"}, {`{"nick":"x"}`, "nick"},
	} {
		st, body := e.send(nil, owner, "PATCH", "/cameras/porch", b.body)
		e.want(400, "invalid_parameter", b.param, st, body)
	}
	st, body = e.send(nil, owner, "PATCH", "/cameras/nowhere", `{"name":"x"}`)
	e.want(404, "not_found", "", st, body)
	lim := who("lim@example.com", "admin", "porch", "email-grant", now)
	st, body = e.send(nil, lim, "PATCH", "/cameras/garage", `{"name":"x"}`)
	e.want(403, "forbidden", "", st, body)

	// Disabled: uploads refused, clips kept.
	if st, body = e.send(nil, owner, "PATCH", "/cameras/porch", `{"disabled":true}`); st != 200 || body["disabled"] != true {
		t.Fatalf("disable: %d %v", st, body)
	}
	refused := clipID("2026-11-25T12:00:00Z", 101)
	key, _, _ = clip.ObjectKeys("porch", refused)
	e.put(key, "video/mp4", []byte("x"), nil)
	e.ingest(key)
	if _, body = e.call(viewer, "GET", "/cameras/porch/videos"); len(itemIDs(body)) != 2 || slices.Contains(itemIDs(body), "porch/"+refused) {
		t.Errorf("disabled camera's clips: %v", itemIDs(body))
	}

	// Remove: resumable batches with progress, then gone with its objects.
	var progress []string
	for range 5 {
		st, body := e.send(nil, owner, "DELETE", "/cameras/garage", "")
		progress = append(progress, fmt.Sprintf("%d:%v:%v", st, body["removedClips"], body["done"]))
		if st == 200 {
			break
		}
		if st != 202 {
			t.Fatalf("remove: %d %v", st, body)
		}
		// Mid-removal the camera is listed nowhere and takes no uploads.
		if _, body := e.call(viewer, "GET", "/cameras"); slices.Contains(itemIDs(body), "garage") {
			t.Error("camera listed while being removed")
		}
	}
	if fmt.Sprint(progress) != "[202:25:false 202:30:false 200:30:true]" {
		t.Errorf("progress = %v", progress)
	}
	st, body = e.send(nil, owner, "DELETE", "/cameras/garage", "")
	e.want(404, "not_found", "", st, body)
	if _, body = e.call(viewer, "GET", "/videos?camera=garage"); len(itemIDs(body)) != 0 {
		t.Errorf("removed camera's clips still listed: %v", itemIDs(body))
	}
	objs, err := e.s3.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("clips/garage/")})
	if err != nil || len(objs.Contents) != 0 {
		t.Errorf("removed camera's objects: %d left (%v)", len(objs.Contents), err)
	}
}

// TestBlockedGrantsAreListed: a grant an operator wrote with a role the
// console does not write (blocked, or anything the authorizer denies) is
// listed as blocked, not dropped or answered out of contract.
func TestBlockedGrantsAreListed(t *testing.T) {
	e := newConsoleEnv(t)
	for subject, role := range map[string]string{"mallory@example.com": "blocked", "eve@example.com": "superuser"} {
		_, err := e.ddb.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(e.allowlist), Item: map[string]ddbtypes.AttributeValue{
			"subject": &ddbtypes.AttributeValueMemberS{Value: subject}, "role": &ddbtypes.AttributeValueMemberS{Value: role},
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	st, body := e.send(nil, owner, "GET", "/grants", "")
	if st != 200 {
		t.Fatalf("GET /grants: %d %v", st, body)
	}
	for _, it := range body["items"].([]any) {
		if r := it.(map[string]any)["role"]; r != "blocked" {
			t.Errorf("grant %v: role %v, want blocked", it, r)
		}
	}
	st, body = e.send(nil, owner, "PUT", "/grants/eve@example.com", `{"role":"blocked","cameras":["*"]}`)
	e.want(400, "invalid_parameter", "role", st, body)
}
