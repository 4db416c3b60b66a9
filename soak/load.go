package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Catalog is what the load may ask for: the cameras, some clips of each,
// and the cameras the restricted people are granted.
type Catalog struct {
	Cameras []string
	Clips   map[string][]string // camera -> video ids
	Granted []string
	// Granted3 are the restricted3 person's cameras (none: the load sends
	// nothing as them), and Timeline3 every clip id of those cameras, the
	// content their timeline must have.
	Granted3, Timeline3 []string
}

// grantedTo returns the cameras a restricted caller of kind k is granted.
func (c Catalog) grantedTo(k Kind) []string {
	if k == Restricted3 {
		return c.Granted3
	}
	return c.Granted
}

// Config bounds a load run.
type Config struct {
	// APIURL is the stage's invoke URL (local.json apiUrl).
	APIURL  string
	People  People
	Catalog Catalog
	// Requests in all, sent by Clients concurrent clients.
	Requests, Clients int
	// Seed makes the request mix reproducible.
	Seed uint64
	// Client sends the requests; nil makes one with a 30 s timeout.
	Client *http.Client
}

// Violation names, the checks of a run.
const (
	ServerError     = "5xx answer"
	BadTokenIn      = "bad token let in"
	StrangerIn      = "stranger let in"
	RestrictedLeak  = "restricted camera leaked"
	ViewerDeleted   = "viewer DELETE not refused"
	UnexpectedCode  = "unexpected status"
	TransportFailed = "transport error"
	// IndexMismatch (audience.go): the restricted3 timeline is not exactly
	// the clips of their cameras.
)

// Report is the outcome of a load run.
type Report struct {
	Requests int
	Elapsed  time.Duration
	P50, P99 time.Duration
	Max      time.Duration
	ByStatus map[int]int
	ByKind   map[string]int
	// ByRoute holds each route's count and latency percentiles, answers
	// of every caller (401s and 403s included).
	ByRoute    map[string]RouteStats
	Violations map[string]int
	Examples   []string // the first few violations, described
	// Audience holds the full pagings of the restricted3 timeline (one
	// during the load, one after it), when the catalog has Granted3.
	Audience []TimelineCheck
}

// RouteStats are one route's numbers in a run.
type RouteStats struct {
	Requests int
	P50, P99 time.Duration
}

// Throughput is requests per second over the run.
func (r Report) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// OK reports a run with no violation.
func (r Report) OK() bool { return len(r.Violations) == 0 }

func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "requests %d in %s: %.0f req/s, p50 %s, p99 %s, max %s\n", r.Requests, r.Elapsed.Round(time.Millisecond),
		r.Throughput(), r.P50.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond), r.Max.Round(10*time.Microsecond))
	fmt.Fprintf(&b, "status: %s\n", countsString(r.ByStatus))
	fmt.Fprintf(&b, "callers: %s\n", countsString(r.ByKind))
	routes := make([]string, 0, len(r.ByRoute))
	for k := range r.ByRoute {
		routes = append(routes, k)
	}
	slices.Sort(routes)
	for _, k := range routes {
		st := r.ByRoute[k]
		fmt.Fprintf(&b, "  %-16s %6d requests, p50 %s, p99 %s\n", k, st.Requests, st.P50.Round(10*time.Microsecond), st.P99.Round(10*time.Microsecond))
	}
	if tl, cam := r.ByRoute["timeline"], r.ByRoute["camera-videos"]; tl.P99 > 0 && cam.P99 > 0 {
		// Issue 17's goal: the timeline within 1.5x of a camera's list.
		fmt.Fprintf(&b, "timeline p99 / camera list p99: %.2fx\n", float64(tl.P99)/float64(cam.P99))
	}
	for _, name := range []string{ServerError, BadTokenIn, StrangerIn, RestrictedLeak, ViewerDeleted, UnexpectedCode, TransportFailed, IndexMismatch} {
		fmt.Fprintf(&b, "%-28s %d\n", name+":", r.Violations[name])
	}
	for _, tc := range r.Audience {
		fmt.Fprintf(&b, "restricted3 timeline (audience index): %s\n", tc)
	}
	for _, e := range r.Examples {
		fmt.Fprintf(&b, "  e.g. %s\n", e)
	}
	return b.String()
}

func countsString[K int | string](m map[K]int) string {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%v=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// call is one planned request and what it must answer.
type call struct {
	who    Person
	method string
	path   string // after the stage URL
	route  string
	camera string // the camera a camera-scoped route names
	// pages is how many timeline pages to read, following nextCursor.
	pages int
}

// plan picks the i-th request from the mix: mostly allowed people, a fifth
// junk, every route, cameras the restricted person may and may not see.
func plan(rng *rand.Rand, p People, c Catalog) call {
	var who Person
	switch n := rng.IntN(100); {
	case n < 30:
		who = p.Viewer
	case n < 45:
		who = p.Admin
	case n < 58:
		who = p.Restricted
	case n < 70:
		who = p.Restricted3
		if len(c.Granted3) == 0 {
			who = p.Restricted
		}
	case n < 80:
		who = p.Stranger
	default:
		who = p.Junk[rng.IntN(len(p.Junk))]
	}
	cam := c.Cameras[rng.IntN(len(c.Cameras))]
	clip := func() string {
		ids := c.Clips[cam]
		if len(ids) == 0 {
			return "01JZZZZZZZZZZZZZZZZZZZZZZZ"
		}
		return ids[rng.IntN(len(ids))]
	}
	switch n := rng.IntN(100); {
	case n < 10:
		return call{who: who, method: "GET", path: "/me", route: "me"}
	case n < 25:
		return call{who: who, method: "GET", path: "/cameras", route: "cameras"}
	case n < 40:
		tl := call{who: who, method: "GET", path: fmt.Sprintf("/videos?limit=%d", 1+rng.IntN(50)), route: "timeline", pages: 1}
		if who.Kind == Restricted3 {
			// A few pages of the index, small enough to need cursors.
			tl.path, tl.pages = fmt.Sprintf("/videos?limit=%d", 3+rng.IntN(8)), 2+rng.IntN(3)
		}
		return tl
	case n < 50:
		return call{who: who, method: "GET", path: "/videos?camera=" + cam, route: "timeline-camera", camera: cam}
	case n < 70:
		return call{who: who, method: "GET", path: fmt.Sprintf("/cameras/%s/videos?limit=%d", cam, 1+rng.IntN(50)), route: "camera-videos", camera: cam}
	case n < 90:
		return call{who: who, method: "GET", path: "/cameras/" + cam + "/videos/" + clip(), route: "video", camera: cam}
	default:
		id := clip()
		if who.Kind == Admin {
			// A well-formed id no clip has: the admin's DELETE runs the
			// whole path and answers 404, and the data stays for the run.
			id = "01JZZZZZZZZZZZZZZZZZZZZZZZ"
		}
		return call{who: who, method: "DELETE", path: "/cameras/" + cam + "/videos/" + id, route: "delete", camera: cam}
	}
}

// expect returns the status c must answer; granted are the cameras of a
// restricted caller.
func expect(c call, granted []string) int {
	switch c.who.Kind {
	case Junk:
		return http.StatusUnauthorized
	case Stranger:
		return http.StatusForbidden
	}
	if c.method == "DELETE" {
		if c.who.Kind == Admin {
			return http.StatusNotFound
		}
		return http.StatusForbidden
	}
	if c.who.Kind.restricted() && c.camera != "" && !slices.Contains(granted, c.camera) {
		return http.StatusForbidden
	}
	return http.StatusOK
}

// check returns the violation of one answer, or "".
func check(c call, granted []string, status int, body []byte) (string, string) {
	want := expect(c, granted)
	describe := fmt.Sprintf("%s %s %s (%s): %d, want %d", c.who.Name, c.method, c.path, c.route, status, want)
	switch {
	case status >= 500:
		return ServerError, describe
	case c.who.Kind == Junk && status != http.StatusUnauthorized:
		return BadTokenIn, describe
	case c.who.Kind == Stranger && status < 300:
		return StrangerIn, describe
	case c.who.Kind == Viewer && c.method == "DELETE" && status != http.StatusForbidden:
		return ViewerDeleted, describe
	case c.who.Kind.restricted() && status < 300 && want != http.StatusOK:
		return RestrictedLeak, describe
	case status != want:
		return UnexpectedCode, describe
	}
	if c.who.Kind.restricted() && status == http.StatusOK {
		if seen := camerasIn(body); len(seen) > 0 {
			for _, cam := range seen {
				if !slices.Contains(granted, cam) { // "*" too: all cameras
					return RestrictedLeak, fmt.Sprintf("%s GET %s showed camera %q (granted %v)", c.who.Name, c.path, cam, granted)
				}
			}
		}
	}
	return "", ""
}

// camerasIn lists every camera an API answer names: /me's cameras,
// /cameras' ids, clips' cameraId.
func camerasIn(body []byte) []string {
	var v struct {
		Cameras  []string `json:"cameras"`
		CameraID string   `json:"cameraId"`
		Items    []struct {
			ID       string `json:"id"`
			CameraID string `json:"cameraId"`
		} `json:"items"`
	}
	if json.Unmarshal(body, &v) != nil {
		return []string{"<unparsable body>"}
	}
	out := append([]string(nil), v.Cameras...)
	if v.CameraID != "" {
		out = append(out, v.CameraID)
	}
	for _, it := range v.Items {
		if it.CameraID != "" {
			out = append(out, it.CameraID)
		} else {
			out = append(out, it.ID) // a camera of /cameras
		}
	}
	return out
}

// Run sends cfg.Requests requests from cfg.Clients clients and checks every
// answer. It stops early when ctx ends (the report then counts fewer
// requests, which callers treat as a failure).
func Run(ctx context.Context, cfg Config) Report {
	client := cfg.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxIdleConns: cfg.Clients, MaxIdleConnsPerHost: cfg.Clients, IdleConnTimeout: time.Minute,
		}}
	}
	var (
		next       atomic.Int64
		mu         sync.Mutex
		latencies  = make([]time.Duration, 0, cfg.Requests)
		byRoute    = map[string][]time.Duration{}
		rep        = Report{ByStatus: map[int]int{}, ByKind: map[string]int{}, ByRoute: map[string]RouteStats{}, Violations: map[string]int{}}
		wg         sync.WaitGroup
		start      = time.Now()
		violations = func(name, desc string) {
			rep.Violations[name]++
			if len(rep.Examples) < 10 {
				rep.Examples = append(rep.Examples, desc)
			}
		}
	)
	// send sends one request of c and checks its answer; it returns the
	// status and body (ok false on a transport error).
	send := func(c call) (int, []byte, bool) {
		req, err := http.NewRequestWithContext(ctx, c.method, cfg.APIURL+c.path, nil)
		if err != nil {
			panic(err) // a bad plan, not a bad answer
		}
		if c.who.Header != "" {
			req.Header.Set("Authorization", c.who.Header)
		}
		t0 := time.Now()
		resp, err := client.Do(req)
		var body []byte
		if err == nil {
			body, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		d := time.Since(t0)
		mu.Lock()
		defer mu.Unlock()
		rep.ByKind[c.who.Kind.String()]++
		if err != nil {
			if ctx.Err() == nil {
				violations(TransportFailed, fmt.Sprintf("%s %s %s: %v", c.who.Name, c.method, c.path, err))
			}
			return 0, nil, false
		}
		rep.Requests++
		latencies = append(latencies, d)
		byRoute[c.route] = append(byRoute[c.route], d)
		rep.ByStatus[resp.StatusCode]++
		if name, desc := check(c, cfg.Catalog.grantedTo(c.who.Kind), resp.StatusCode, body); name != "" {
			violations(name, desc)
		}
		return resp.StatusCode, body, true
	}
	// timeline3 pages through the restricted3 timeline once and compares
	// it with the catalog's clips of their cameras.
	timeline3 := func() {
		tc, err := CheckAudienceTimeline(ctx, client, cfg.APIURL, cfg.People.Restricted3, cfg.Catalog.Granted3, cfg.Catalog.Timeline3)
		mu.Lock()
		defer mu.Unlock()
		rep.Audience = append(rep.Audience, tc)
		if len(tc.Leaked) > 0 {
			violations(RestrictedLeak, fmt.Sprintf("%s GET /videos (full paging) showed %d clips of other cameras, e.g. %s (granted %v)",
				cfg.People.Restricted3.Name, len(tc.Leaked), tc.Leaked[0], cfg.Catalog.Granted3))
		}
		switch {
		case err != nil && ctx.Err() == nil:
			violations(IndexMismatch, err.Error())
		case err == nil && !tc.Matches():
			violations(IndexMismatch, fmt.Sprintf("%s's timeline: %s, want exactly %d clips", cfg.People.Restricted3.Name, tc, len(cfg.Catalog.Timeline3)))
		}
	}
	check3 := len(cfg.Catalog.Granted3) > 0
	if check3 {
		wg.Go(timeline3) // under the load
	}
	for w := range cfg.Clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(w)))
			for ctx.Err() == nil && next.Add(1) <= int64(cfg.Requests) {
				c := plan(rng, cfg.People, cfg.Catalog)
				base := c.path
				for page := 1; ; page++ {
					status, body, ok := send(c)
					if !ok || status != http.StatusOK || page >= c.pages {
						break
					}
					var p struct {
						NextCursor string `json:"nextCursor"`
					}
					// A follow-up page is one of the run's requests.
					if json.Unmarshal(body, &p) != nil || p.NextCursor == "" || ctx.Err() != nil || next.Add(1) > int64(cfg.Requests) {
						break
					}
					c.path = base + "&cursor=" + url.QueryEscape(p.NextCursor)
				}
			}
		})
	}
	wg.Wait()
	rep.Elapsed = time.Since(start)
	if check3 {
		timeline3() // and after it
	}
	rep.P50, rep.P99, rep.Max = percentiles(latencies)
	for route, ds := range byRoute {
		p50, p99, _ := percentiles(ds)
		rep.ByRoute[route] = RouteStats{Requests: len(ds), P50: p50, P99: p99}
	}
	return rep
}

// percentiles sorts ds and returns its median, 99th percentile and maximum.
func percentiles(ds []time.Duration) (p50, p99, maxD time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	slices.Sort(ds)
	n := len(ds)
	return ds[n*50/100], ds[min(n-1, n*99/100)], ds[n-1]
}
