package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/push"
	"github.com/camvault/camvault/videos-api/push/pushtest"
)

const vapidSecret = "test VAPID secret, thirty-two bytes or more"

// alertsEnv is an env whose app has a VAPID secret and records the clips
// ingest hands to the push sender.
type alertsEnv struct {
	*env
	mu        sync.Mutex
	notified  []push.ClipEvent
	notifyErr error
}

func newAlertsEnv(t *testing.T) *alertsEnv {
	e := &alertsEnv{env: newEnv(t)}
	cfg, err := app.ConfigFromEnv(mapEnv(map[string]string{
		"TABLE_NAME": e.table, "BUCKET_NAME": bucket, "WEB_ORIGIN": webOrigin, "CURSOR_SECRET": secret, "VAPID_SECRET": vapidSecret,
	}))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Now = func() time.Time { return now }
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Notify = func(_ context.Context, ev push.ClipEvent) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.notified = append(e.notified, ev)
		return e.notifyErr
	}
	e.app = app.New(cfg, e.ddb, e.s3)
	e.h = e.app.Handlers()
	return e
}

// send serves a request with a JSON body and validates the response.
func (e *alertsEnv) send(who map[string]any, method, target, body string) (int, map[string]any) {
	e.t.Helper()
	fn, req := request(who, method, target)
	req.Body = body
	resp, err := e.h[fn](context.Background(), req)
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

func subscribeBody(t *testing.T, endpoint string, cameras ...string) string {
	s, err := pushtest.NewSubscriber(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{
		"endpoint": endpoint, "expirationTime": nil,
		"keys":    map[string]string{"p256dh": s.P256DH(), "auth": s.Auth()},
		"cameras": cameras,
	})
	return string(b)
}

func TestAlertSubscriptions(t *testing.T) {
	e := newAlertsEnv(t)
	code, body := e.send(viewer, "GET", "/alerts", "")
	keys, _ := push.KeysFromSecret([]byte(vapidSecret))
	if code != http.StatusOK || body["publicKey"] != keys.Public {
		t.Fatalf("GET /alerts: %d %v", code, body)
	}
	if s := body["settings"].(map[string]any); s["foldMinutes"] != float64(5) {
		t.Errorf("default settings %v", s)
	}

	code, body = e.send(viewer, "POST", "/alerts/subscriptions", subscribeBody(t, "https://push.example.net/a", "*"))
	if code != http.StatusCreated {
		t.Fatalf("subscribe: %d %v", code, body)
	}
	id := body["id"].(string)
	code, body = e.send(restricted, "POST", "/alerts/subscriptions", subscribeBody(t, "https://push.example.net/b", "porch"))
	if code != http.StatusCreated {
		t.Fatalf("restricted subscribe to porch: %d %v", code, body)
	}

	// Each person sees only their own.
	_, body = e.send(viewer, "GET", "/alerts", "")
	subs := body["subscriptions"].([]any)
	if len(subs) != 1 || subs[0].(map[string]any)["id"] != id {
		t.Errorf("viewer's subscriptions %v", subs)
	}
	// Nobody removes someone else's.
	if code, _ := e.send(restricted, "DELETE", "/alerts/subscriptions/"+id, ""); code != http.StatusNotFound {
		t.Errorf("deleting someone else's subscription: %d, want 404", code)
	}
	if code, _ := e.send(viewer, "DELETE", "/alerts/subscriptions/"+id, ""); code != http.StatusNoContent {
		t.Errorf("deleting my subscription: %d, want 204", code)
	}
	_, body = e.send(viewer, "GET", "/alerts", "")
	if n := len(body["subscriptions"].([]any)); n != 0 {
		t.Errorf("%d subscriptions left", n)
	}
}

func TestAlertBadInput(t *testing.T) {
	e := newAlertsEnv(t)
	good := subscribeBody(t, "https://push.example.net/a")
	for _, tc := range []struct {
		name, method, target, body string
		who                        map[string]any
		param                      string
	}{
		{"http endpoint", "POST", "/alerts/subscriptions", subscribeBody(t, "http://push.example.net/a"), viewer, "endpoint"},
		{"loopback endpoint in AWS", "POST", "/alerts/subscriptions", subscribeBody(t, "http://127.0.0.1:9/push/a"), viewer, "endpoint"},
		{"short key", "POST", "/alerts/subscriptions", `{"endpoint":"https://push.example.net/a","keys":{"p256dh":"BAAA","auth":"5I2Bu2oKdyy9CwL8QVF0NQ"}}`, viewer, "keys.p256dh"},
		{"long auth", "POST", "/alerts/subscriptions", strings.Replace(good, `"auth":"`, `"auth":"AAAAAAAAAAAAAAAAAAAA`, 1), viewer, "keys.auth"},
		{"camera not granted", "POST", "/alerts/subscriptions", subscribeBody(t, "https://push.example.net/a", "garage"), restricted, "cameras"},
		{"no cameras", "POST", "/alerts/subscriptions", strings.Replace(good, `"cameras":null`, `"cameras":[]`, 1), viewer, "cameras"},
		{"unknown field", "POST", "/alerts/subscriptions", `{"endpoint":"https://x.example/a","keys":{},"extra":1}`, viewer, "extra"},
		{"not JSON", "POST", "/alerts/subscriptions", `{"endpoint":`, viewer, "body"},
		{"empty", "POST", "/alerts/subscriptions", ``, viewer, "body"},
		{"oversized", "POST", "/alerts/subscriptions", `{"endpoint":"https://x.example/` + strings.Repeat("a", app.MaxAlertBodyBytes) + `"}`, viewer, "body"},
		{"fold minutes", "PUT", "/alerts/settings", `{"foldMinutes":-1}`, viewer, "foldMinutes"},
		{"fold type", "PUT", "/alerts/settings", `{"foldMinutes":"five"}`, viewer, "foldMinutes"},
		{"time zone", "PUT", "/alerts/settings", `{"foldMinutes":5,"timeZone":"Nowhere/City"}`, viewer, "timeZone"},
		{"quiet start", "PUT", "/alerts/settings", `{"quietHours":{"start":"24:00","end":"07:00"}}`, viewer, "quietHours.start"},
		{"bad id", "DELETE", "/alerts/subscriptions/nope", ``, viewer, "subscriptionId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.send(tc.who, tc.method, tc.target, tc.body)
			errCode, param := errorOf(body)
			if code != http.StatusBadRequest || errCode != app.CodeInvalidParameter || param != tc.param {
				t.Errorf("%d %s %q, want 400 naming %q", code, errCode, param, tc.param)
			}
		})
	}
}

func TestAlertSettingsRoundTrip(t *testing.T) {
	e := newAlertsEnv(t)
	code, _ := e.send(viewer, "PUT", "/alerts/settings", `{"foldMinutes":10,"quietHours":{"start":"22:00","end":"07:00"},"timeZone":"Europe/Paris"}`)
	if code != http.StatusOK {
		t.Fatalf("PUT settings: %d", code)
	}
	_, body := e.send(viewer, "GET", "/alerts", "")
	got, _ := json.Marshal(body["settings"])
	if string(got) != `{"foldMinutes":10,"quietHours":{"end":"07:00","start":"22:00"},"timeZone":"Europe/Paris"}` {
		t.Errorf("settings %s", got)
	}
	// Another person's settings are their own.
	_, body = e.send(restricted, "GET", "/alerts", "")
	if s := body["settings"].(map[string]any); s["foldMinutes"] != float64(5) {
		t.Errorf("restricted got %v", s)
	}
}

func TestAlertRoutesNeedASub(t *testing.T) {
	e := newAlertsEnv(t)
	who := caller("nosub@example.com", "viewer", "*")
	delete(who, "sub")
	if code, _ := e.send(who, "GET", "/alerts", ""); code != http.StatusForbidden {
		t.Errorf("no sub: %d, want 403", code)
	}
}

func TestIngestHandsNewClipsToTheSender(t *testing.T) {
	e := newAlertsEnv(t)
	id := e.upload("porch", "2026-11-25T14:59:00Z", 1, true)
	e.upload("porch", "2026-11-25T14:59:00Z", 1, false) // a redelivery: no second alert
	e.notifyErr = context.DeadlineExceeded              // the handoff fails: ingest does not
	id2 := e.upload("porch", "2026-11-25T14:59:30Z", 2, false)
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.notified) != 2 || e.notified[0].VideoID != id || e.notified[1].VideoID != id2 || e.notified[0].CameraID != "porch" {
		t.Fatalf("notified %+v, want %s then %s", e.notified, id, id2)
	}
	if code, _ := e.call(viewer, "GET", "/cameras/porch/videos/"+id2); code != http.StatusOK {
		t.Errorf("the clip whose handoff failed is not recorded: %d", code)
	}
}
