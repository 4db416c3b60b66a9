package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/share"
)

const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

// callBody is call with a JSON body and a User-Agent; who nil is the
// public route's caller (no authorizer context).
func (e *env) callBody(who map[string]any, method, target, body string) (int, map[string]any) {
	e.t.Helper()
	fn, req := request(who, method, target)
	req.Body = body
	req.Headers["User-Agent"] = firefox
	resp, err := e.h[fn](context.Background(), req)
	if err != nil {
		e.t.Fatalf("%s %s: handler error %v", method, target, err)
	}
	if got := resp.Headers["Access-Control-Allow-Origin"]; got != webOrigin {
		e.t.Errorf("%s %s: Access-Control-Allow-Origin = %q", method, target, got)
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

func (e *env) share(who map[string]any, camera, id string, hours int) (token, shareID string) {
	e.t.Helper()
	code, body := e.callBody(who, "POST", "/cameras/"+camera+"/videos/"+id+"/shares", `{"expiresInHours": `+itoa(hours)+`}`)
	if code != http.StatusCreated {
		e.t.Fatalf("create share: %d %v", code, body)
	}
	return body["token"].(string), body["id"].(string)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func (e *env) open(token string) (int, map[string]any) {
	e.t.Helper()
	b, _ := json.Marshal(map[string]string{"token": token})
	return e.callBody(nil, "POST", "/shared", string(b))
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestShareLinkOpensOneClipWithoutSignIn(t *testing.T) {
	e := newEnv(t)
	id := e.upload("porch", "2026-11-25T10:00:00Z", 1, true)
	other := e.upload("porch", "2026-11-25T11:00:00Z", 2, true)

	code, created := e.callBody(viewer, "POST", "/cameras/porch/videos/"+id+"/shares", `{"expiresInHours": 24}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, created)
	}
	token := created["token"].(string)
	if created["url"] != webOrigin+"/#/s/"+token || created["expiresAt"] != "2026-11-26T15:00:00Z" || created["status"] != "active" {
		t.Fatalf("created %v", created)
	}
	code, body := e.open(token)
	if code != http.StatusOK {
		t.Fatalf("open: %d %v", code, body)
	}
	if got, want := keys(body), []string{"cameraName", "capturedAt", "downloadUrl", "playUrl", "thumbnailUrl", "urlExpiresAt"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("open answers %v, want only %v", got, want)
	}
	if body["cameraName"] != "porch" || body["capturedAt"] != "2026-11-25T10:00:00Z" || !strings.Contains(body["playUrl"].(string), id) || strings.Contains(body["playUrl"].(string), other) {
		t.Fatalf("open %v", body)
	}
	// The video plays from the signed URL with no Authorization header.
	resp, err := http.Get(body["playUrl"].(string))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("play URL: %v %v", resp, err)
	}
	resp.Body.Close()

	_, list := e.call(viewer, "GET", "/shares")
	items := list["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("shares %v", list)
	}
	sh := items[0].(map[string]any)
	if sh["opens"] != 1.0 || sh["lastClient"] != "Firefox on Linux" || sh["lastOpenedAt"] != "2026-11-25T15:00:00Z" || sh["token"] != nil {
		t.Fatalf("share after one open: %v", sh)
	}
	// The activity trail has the share's making and its open.
	_, trail := e.call(admin, "GET", "/audit")
	var actions []string
	for _, it := range trail["items"].([]any) {
		m := it.(map[string]any)
		if m["subject"] == sh["id"] {
			actions = append(actions, m["action"].(string)+" by "+m["actor"].(string))
		}
	}
	sort.Strings(actions) // same instant: ids order them at random
	if !reflect.DeepEqual(actions, []string{"share.create by viewer@example.com", "share.open by share-link"}) {
		t.Fatalf("trail %v", actions)
	}
}

func TestShareTokenCannotBeBent(t *testing.T) {
	e := newEnv(t)
	a := e.upload("porch", "2026-11-25T10:00:00Z", 1, true)
	b := e.upload("garage", "2026-11-25T11:00:00Z", 2, false)
	ta, _ := e.share(viewer, "porch", a, 1)
	tb, _ := e.share(viewer, "garage", b, 1)
	pa, _ := share.Parse(ta)
	pb, _ := share.Parse(tb)
	swapped := share.Token{ID: pa.ID, Secret: pb.Secret}
	flipped := pa
	flipped.Secret[0] ^= 1
	for name, tok := range map[string]string{"A's id with B's secret": swapped.String(), "a flipped bit": flipped.String()} {
		if code, body := e.open(tok); code != http.StatusNotFound {
			t.Errorf("%s: %d %v, want 404", name, code, body)
		}
	}
	for _, bad := range []string{"", "x", ta + "x", strings.ToUpper(ta)} {
		code, body := e.open(bad)
		if _, param := errorOf(body); code != http.StatusBadRequest || param != "token" {
			t.Errorf("token %q: %d %v, want 400 naming token", bad, code, body)
		}
	}
	for _, body := range []string{"", "{", `{"token": 1}`, `{"token": "` + ta + `", "videoId": "` + b + `"}`, `{"token": "` + ta + `"} {}`} {
		code, out := e.callBody(nil, "POST", "/shared", body)
		if _, param := errorOf(out); code != http.StatusBadRequest || param != "body" {
			t.Errorf("body %q: %d %v, want 400 naming body", body, code, out)
		}
	}
	// Each token still opens its own clip only.
	if _, body := e.open(tb); body["cameraName"] != "garage" || !strings.Contains(body["playUrl"].(string), b) {
		t.Fatalf("B's token: %v", body)
	}
}

func TestShareLinkStopsAtExpiryAndRevocation(t *testing.T) {
	e := newEnv(t)
	id := e.upload("porch", "2026-11-25T10:00:00Z", 1, true)
	short, _ := e.share(viewer, "porch", id, 1)
	long, longID := e.share(viewer, "porch", id, 168)
	gone, _ := e.share(viewer, "porch", e.upload("porch", "2026-11-25T12:00:00Z", 3, false), 2)

	e.clock.Advance(time.Hour)
	if code, body := e.open(short); code != http.StatusGone {
		t.Fatalf("expired link: %d %v", code, body)
	}
	if code, _ := e.open(long); code != http.StatusOK {
		t.Fatalf("long link: %d", code)
	}
	other := caller("other@example.com", "viewer", "*")
	if code, _ := e.call(other, "DELETE", "/shares/"+longID); code != http.StatusForbidden {
		t.Fatalf("someone else's revoke: %d", code)
	}
	if code, _ := e.call(viewer, "DELETE", "/shares/"+longID); code != http.StatusNoContent {
		t.Fatalf("revoke: %d", code)
	}
	if code, body := e.open(long); code != http.StatusGone || !strings.Contains(body["error"].(map[string]any)["message"].(string), "revoked") {
		t.Fatalf("revoked link: %d %v", code, body)
	}
	_, list := e.call(viewer, "GET", "/shares")
	statuses := map[string]string{}
	for _, it := range list["items"].([]any) {
		m := it.(map[string]any)
		statuses[m["id"].(string)] = m["status"].(string)
	}
	if statuses[longID] != "revoked" {
		t.Fatalf("statuses %v", statuses)
	}
	// A deleted clip's link is gone too.
	cam, vid := "porch", clipIDOf(t, e, gone)
	e.call(admin, "DELETE", "/cameras/"+cam+"/videos/"+vid)
	if code, _ := e.open(gone); code != http.StatusGone {
		t.Fatalf("link to a deleted clip: %d", code)
	}
	// Admins see and revoke everyone's.
	_, all := e.call(admin, "GET", "/shares")
	if n := len(all["items"].([]any)); n != 3 {
		t.Fatalf("admin sees %d shares", n)
	}
	_, mine := e.call(other, "GET", "/shares")
	if n := len(mine["items"].([]any)); n != 0 {
		t.Fatalf("another viewer sees %d shares", n)
	}
}

// clipIDOf finds the clip a share token names, through the admin's list.
func clipIDOf(t *testing.T, e *env, token string) string {
	t.Helper()
	tok, _ := share.Parse(token)
	_, all := e.call(admin, "GET", "/shares")
	for _, it := range all["items"].([]any) {
		if m := it.(map[string]any); m["id"] == tok.ID {
			return m["videoId"].(string)
		}
	}
	t.Fatal("no such share")
	return ""
}

func TestShareRefusals(t *testing.T) {
	e := newEnv(t)
	id := e.upload("garage", "2026-11-25T10:00:00Z", 1, false)
	missing := clipID("2026-11-25T10:00:00Z", 99)
	tests := []struct {
		who    map[string]any
		target string
		body   string
		status int
		param  string
	}{
		{viewer, "/cameras/garage/videos/" + id + "/shares", `{"expiresInHours": 0}`, 400, "expiresInHours"},
		{viewer, "/cameras/garage/videos/" + id + "/shares", `{"expiresInHours": 169}`, 400, "expiresInHours"},
		{viewer, "/cameras/garage/videos/" + id + "/shares", `{"expiresInHours": 1.5}`, 400, "expiresInHours"},
		{viewer, "/cameras/garage/videos/" + id + "/shares", `{"expiresInHours": "24"}`, 400, "expiresInHours"},
		{viewer, "/cameras/garage/videos/" + id + "/shares", `{}`, 400, "expiresInHours"},
		{viewer, "/cameras/garage/videos/" + id + "/shares", `{"expiresInHours": 24, "cameraId": "porch"}`, 400, "body"},
		{viewer, "/cameras/garage/videos/" + id + "/shares", ``, 400, "body"},
		{viewer, "/cameras/garage/videos/" + missing + "/shares", `{"expiresInHours": 24}`, 404, ""},
		{viewer, "/cameras/porch/videos/" + id + "/shares", `{"expiresInHours": 24}`, 404, ""},
		{restricted, "/cameras/garage/videos/" + id + "/shares", `{"expiresInHours": 24}`, 403, ""},
		{viewer, "/cameras/garage/videos/nope/shares", `{"expiresInHours": 24}`, 400, "videoId"},
	}
	for _, tt := range tests {
		code, body := e.callBody(tt.who, "POST", tt.target, tt.body)
		_, param := errorOf(body)
		if code != tt.status || param != tt.param {
			t.Errorf("POST %s %s: %d %v, want %d naming %q", tt.target, tt.body, code, body, tt.status, tt.param)
		}
	}
	if code, body := e.call(viewer, "DELETE", "/shares/NOTHEX"); code != 400 {
		t.Errorf("revoke a bad id: %d %v", code, body)
	}
	if code, _ := e.call(viewer, "DELETE", "/shares/0123456789abcdef0123456789abcdef"); code != 404 {
		t.Errorf("revoke an unknown id: %d", code)
	}
	// Nothing partial is left behind.
	if _, all := e.call(admin, "GET", "/shares"); len(all["items"].([]any)) != 0 {
		t.Fatalf("refused shares were stored: %v", all)
	}
}

// FuzzShareRequest: ParseShareRequest never panics, and what it accepts is
// a whole number of hours in bounds, while what it refuses names a field.
func FuzzShareRequest(f *testing.F) {
	for _, s := range []string{`{"expiresInHours": 24}`, `{"expiresInHours": 0}`, `{"expiresInHours": 1e2}`, `{}`, ``, `{"expiresInHours": 24}{}`, `{"x": 1}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		hours, field, why := app.ParseShareRequest(body)
		if field == "" {
			if hours < app.MinShareHours || hours > app.MaxShareHours {
				t.Fatalf("accepted %q as %d hours", body, hours)
			}
			return
		}
		if field != "body" && field != "expiresInHours" || why == "" {
			t.Fatalf("refusal of %q: field %q why %q", body, field, why)
		}
	})
}

func TestCoarseClient(t *testing.T) {
	for ua, want := range map[string]string{
		firefox: "Firefox on Linux",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1": "Safari on iOS",
		"curl/8.5.0": "curl on other",
		"":           "other on other",
	} {
		if got := app.CoarseClient(map[string]string{"user-agent": ua}); got != want {
			t.Errorf("%q: %q, want %q", ua, got, want)
		}
	}
}
