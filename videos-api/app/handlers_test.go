package app_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// seedCameras uploads clips on three cameras across a midnight and a month
// boundary and returns their ids by name.
func seedCameras(e *env) map[string]string {
	return map[string]string{
		"front1": e.upload("front-door", "2026-10-31T23:59:00Z", 1, true),
		"front2": e.upload("front-door", "2026-11-01T00:01:00Z", 2, false),
		"porch1": e.upload("porch", "2026-11-01T00:01:00Z", 3, true),
		"garage": e.upload("garage", "2026-11-20T08:00:00Z", 4, true),
		"front3": e.upload("front-door", "2026-11-25T14:00:00Z", 5, true),
	}
}

func TestBadInputIsA400NamingTheParameter(t *testing.T) {
	e := newEnv(t)
	seedCameras(e)
	vid := clipID("2026-11-01T00:01:00Z", 2)
	tests := []struct {
		target string
		param  string
	}{
		{"/videos?limit=0", "limit"},
		{"/videos?limit=201", "limit"},
		{"/videos?limit=ten", "limit"},
		{"/videos?limit=-1", "limit"},
		{"/videos?limit=1.5", "limit"},
		{"/videos?from=yesterday", "from"},
		{"/videos?to=2026-13-01T00:00:00Z", "to"},
		{"/videos?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "from"},
		{"/videos?from=1066-10-14T09:00:00Z", "from"},
		{"/videos?cursor=", "cursor"},
		{"/videos?cursor=garbage", "cursor"},
		{"/videos?cursor=" + strings.Repeat("a", 300), "cursor"},
		{"/videos?camera=Front_Door", "camera"},
		{"/cameras/UPPER/videos", "cameraId"},
		{"/cameras/-dash/videos", "cameraId"},
		{"/cameras/front-door/videos?limit=x", "limit"},
		{"/cameras/front-door/videos/not-a-ulid", "videoId"},
		{"/cameras/front-door/videos/" + strings.ToLower(vid), "videoId"},
		{"/cameras/front-door/videos/8ZZZZZZZZZZZZZZZZZZZZZZZZZ", "videoId"},
		{"/cameras/front_door/videos/" + vid, "cameraId"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			status, body := e.call(viewer, "GET", tt.target)
			code, param := errorOf(body)
			if status != 400 || code != "invalid_parameter" || param != tt.param {
				t.Fatalf("= %d %s %q, want 400 invalid_parameter %q (%v)", status, code, param, tt.param, body)
			}
			if msg := body["error"].(map[string]any)["message"].(string); !strings.HasPrefix(msg, tt.param+":") {
				t.Fatalf("message %q does not name %s", msg, tt.param)
			}
		})
	}
}

func TestMeAndCameras(t *testing.T) {
	e := newEnv(t)
	seedCameras(e)
	tests := []struct {
		name        string
		who         map[string]any
		wantCameras []string
		wantMe      []any
	}{
		{"everyone's viewer", viewer, []string{"front-door", "garage", "porch"}, []any{"*"}},
		{"restricted viewer", restricted, []string{"front-door", "porch"}, []any{"front-door", "porch"}},
		{"unknown camera grant", caller("x@example.com", "viewer", "attic"), []string{}, []any{"attic"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.call(tt.who, "GET", "/me")
			if status != 200 || body["email"] != tt.who["email"] || body["role"] != tt.who["role"] || !reflect.DeepEqual(body["cameras"], tt.wantMe) {
				t.Fatalf("/me = %d %v", status, body)
			}
			status, body = e.call(tt.who, "GET", "/cameras")
			if status != 200 || !reflect.DeepEqual(itemIDs(body), tt.wantCameras) {
				t.Fatalf("/cameras = %d %v, want %v", status, itemIDs(body), tt.wantCameras)
			}
		})
	}
	_, body := e.call(viewer, "GET", "/cameras")
	front := body["items"].([]any)[0].(map[string]any)
	if front["clipCount"] != float64(3) || front["lastClipAt"] != "2026-11-25T14:00:00Z" || front["name"] != "front-door" {
		t.Fatalf("front-door = %v", front)
	}
}

func TestMissingOrBadContextIsForbidden(t *testing.T) {
	e := newEnv(t)
	vid := e.upload("front-door", "2026-11-25T14:00:00Z", 1, false)
	tests := []struct {
		name string
		who  map[string]any
	}{
		{"no context", nil},
		{"no email", map[string]any{"role": "admin", "cameras": "*"}},
		{"unknown role", caller("a@example.com", "owner", "*")},
		{"no role", map[string]any{"email": "a@example.com", "cameras": "*"}},
		{"no cameras", map[string]any{"email": "a@example.com", "role": "viewer"}},
		{"bad camera list", caller("a@example.com", "viewer", "front-door,,x")},
		{"role not a string", map[string]any{"email": "a@example.com", "role": 1, "cameras": "*"}},
	}
	for _, tt := range tests {
		for _, target := range []string{"/me", "/cameras", "/videos", "/cameras/front-door/videos/" + vid} {
			t.Run(tt.name+" "+target, func(t *testing.T) {
				status, body := e.call(tt.who, "GET", target)
				if code, _ := errorOf(body); status != 403 || code != "forbidden" {
					t.Fatalf("= %d %v, want 403 forbidden", status, body)
				}
			})
		}
	}
}

func TestRestrictedViewerSeesOnlyTheirCameras(t *testing.T) {
	e := newEnv(t)
	ids := seedCameras(e)
	tests := []struct {
		name   string
		target string
		status int
		want   []string
	}{
		{"timeline", "/videos", 200, []string{"front-door/" + ids["front3"], "porch/" + ids["porch1"], "front-door/" + ids["front2"], "front-door/" + ids["front1"]}},
		{"timeline range", "/videos?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z", 200, []string{"porch/" + ids["porch1"], "front-door/" + ids["front2"]}},
		{"camera filter allowed", "/videos?camera=porch", 200, []string{"porch/" + ids["porch1"]}},
		{"camera filter forbidden", "/videos?camera=garage", 403, nil},
		{"camera filter unknown but forbidden", "/videos?camera=attic", 403, nil},
		{"camera list forbidden", "/cameras/garage/videos", 403, nil},
		{"single clip forbidden", "/cameras/garage/videos/" + ids["garage"], 403, nil},
		{"single clip allowed", "/cameras/porch/videos/" + ids["porch1"], 200, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.call(restricted, "GET", tt.target)
			if status != tt.status {
				t.Fatalf("= %d %v, want %d", status, body, tt.status)
			}
			if tt.want != nil && !reflect.DeepEqual(itemIDs(body), tt.want) {
				t.Fatalf("items = %v\nwant    %v", itemIDs(body), tt.want)
			}
		})
	}
	if status, _ := e.call(restricted, "DELETE", "/cameras/porch/videos/"+ids["porch1"]); status != 403 {
		t.Fatalf("viewer DELETE = %d, want 403", status)
	}
	if status, _ := e.call(caller("a2@example.com", "admin", "porch"), "DELETE", "/cameras/garage/videos/"+ids["garage"]); status != 403 {
		t.Fatalf("restricted admin DELETE on another camera = %d, want 403", status)
	}
}

func TestTimelineAndCameraLists(t *testing.T) {
	e := newEnv(t)
	ids := seedCameras(e)
	all := []string{"front-door/" + ids["front3"], "garage/" + ids["garage"], "porch/" + ids["porch1"], "front-door/" + ids["front2"], "front-door/" + ids["front1"]}
	tests := []struct {
		name   string
		target string
		want   []string
	}{
		{"timeline newest first across months", "/videos", all},
		{"timeline across midnight", "/videos?from=2026-10-31T23:00:00Z&to=2026-11-01T01:00:00Z", all[2:]},
		{"timeline camera filter", "/videos?camera=front-door", []string{all[0], all[3], all[4]}},
		{"timeline empty range", "/videos?from=2026-11-10T00:00:00Z&to=2026-11-11T00:00:00Z", []string{}},
		{"timeline to far ahead", "/videos?from=2026-11-20T00:00:00Z&to=9999-01-01T00:00:00Z", all[:2]},
		{"timeline from far back", "/videos?from=2001-01-01T00:00:00Z", all},
		{"timeline window ends before retention", "/videos?to=2026-10-01T00:00:00Z", []string{}},
		{"camera list", "/cameras/front-door/videos", []string{all[0], all[3], all[4]}},
		{"camera list from inclusive", "/cameras/front-door/videos?from=2026-11-01T00:01:00Z", []string{all[0], all[3]}},
		{"camera list to exclusive", "/cameras/front-door/videos?to=2026-11-01T00:01:00Z", []string{all[4]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.call(viewer, "GET", tt.target)
			if status != 200 || !reflect.DeepEqual(itemIDs(body), tt.want) {
				t.Fatalf("= %d %v\nwant %v", status, itemIDs(body), tt.want)
			}
			if _, ok := body["nextCursor"]; ok {
				t.Fatalf("nextCursor on the only page")
			}
		})
	}
	if status, body := e.call(viewer, "GET", "/cameras/attic/videos"); status != 404 {
		t.Fatalf("unknown camera = %d %v, want 404", status, body)
	}
	if status, body := e.call(viewer, "GET", "/videos?camera=attic"); status != 404 {
		t.Fatalf("unknown camera filter = %d %v, want 404", status, body)
	}
}

// walk follows nextCursor from target and returns each page's items.
func walk(t *testing.T, e *env, who map[string]any, target string) [][]string {
	t.Helper()
	var pages [][]string
	next := target
	for i := 0; i < 20; i++ {
		status, body := e.call(who, "GET", next)
		if status != 200 {
			t.Fatalf("%s = %d %v", next, status, body)
		}
		pages = append(pages, itemIDs(body))
		c, ok := body["nextCursor"].(string)
		if !ok {
			return pages
		}
		next = target + "&cursor=" + url.QueryEscape(c)
	}
	t.Fatal("pagination does not end")
	return nil
}

func TestPagination(t *testing.T) {
	e := newEnv(t)
	ids := seedCameras(e)
	f3, g, p1, f2, f1 := "front-door/"+ids["front3"], "garage/"+ids["garage"], "porch/"+ids["porch1"], "front-door/"+ids["front2"], "front-door/"+ids["front1"]
	tests := []struct {
		name   string
		who    map[string]any
		target string
		want   [][]string
	}{
		{"timeline limit exact", viewer, "/videos?limit=2", [][]string{{f3, g}, {p1, f2}, {f1}}},
		{"timeline exactly one page", viewer, "/videos?limit=5", [][]string{{f3, g, p1, f2, f1}}},
		{"timeline cursor at last item", viewer, "/videos?limit=4", [][]string{{f3, g, p1, f2}, {f1}}},
		{"restricted timeline", restricted, "/videos?limit=1", [][]string{{f3}, {p1}, {f2}, {f1}}},
		{"restricted exactly one page", restricted, "/videos?limit=4", [][]string{{f3, p1, f2, f1}}},
		{"camera list", viewer, "/cameras/front-door/videos?limit=1", [][]string{{f3}, {f2}, {f1}}},
		{"camera list exactly one page", viewer, "/cameras/front-door/videos?limit=3", [][]string{{f3, f2, f1}}},
		{"empty camera range", viewer, "/cameras/front-door/videos?limit=3&from=2026-11-26T00:00:00Z", [][]string{{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := walk(t, e, tt.who, tt.target); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("pages = %v\nwant    %v", got, tt.want)
			}
		})
	}
}

func TestCursorIsBoundToItsQuery(t *testing.T) {
	e := newEnv(t)
	seedCameras(e)
	_, body := e.call(viewer, "GET", "/videos?limit=1")
	cur := body["nextCursor"].(string)
	_, body = e.call(viewer, "GET", "/cameras/front-door/videos?limit=1")
	camCur := body["nextCursor"].(string)
	_, body = e.call(viewer, "GET", "/videos?limit=1&from=2026-11-01T00:00:00Z")
	rangeCur := body["nextCursor"].(string)
	tampered := []byte(cur)
	tampered[3] ^= 1
	tests := []struct {
		name   string
		who    map[string]any
		target string
		status int
	}{
		{"same query", viewer, "/videos?limit=1&cursor=" + url.QueryEscape(cur), 200},
		{"other limit is fine", viewer, "/videos?limit=3&cursor=" + url.QueryEscape(cur), 200},
		{"same range spelled differently", viewer, "/videos?limit=1&from=2026-11-01T01:00:00%2B01:00&cursor=" + url.QueryEscape(rangeCur), 200},
		{"range cursor without the range", viewer, "/videos?limit=1&cursor=" + url.QueryEscape(rangeCur), 400},
		{"tampered", viewer, "/videos?limit=1&cursor=" + url.QueryEscape(string(tampered)), 400},
		{"other range", viewer, "/videos?limit=1&from=2026-11-01T00:00:00Z&cursor=" + url.QueryEscape(cur), 400},
		{"other camera filter", viewer, "/videos?limit=1&camera=porch&cursor=" + url.QueryEscape(cur), 400},
		{"other person's camera set", restricted, "/videos?limit=1&cursor=" + url.QueryEscape(cur), 400},
		{"camera cursor on timeline", viewer, "/videos?limit=1&cursor=" + url.QueryEscape(camCur), 400},
		{"camera cursor on another camera", viewer, "/cameras/porch/videos?limit=1&cursor=" + url.QueryEscape(camCur), 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.call(tt.who, "GET", tt.target)
			if status != tt.status {
				t.Fatalf("= %d %v, want %d", status, body, tt.status)
			}
			if code, param := errorOf(body); status == 400 && (code != "invalid_parameter" || param != "cursor") {
				t.Fatalf("error = %s %s, want invalid_parameter cursor", code, param)
			}
		})
	}
}
