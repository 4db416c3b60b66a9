package soak

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// SharingConfig bounds the share-link phase.
type SharingConfig struct {
	// APIURL is the stage's invoke URL.
	APIURL string
	// Admin makes the links and runs the bulk job.
	Admin Person
	// Catalog names the clips: links go to clips of the first cameras, the
	// bulk job deletes clips of the last camera.
	Catalog Catalog
	// Links is how many share links are opened under load (default 6).
	Links int
	// Clients open links concurrently (default 8) for Duration (default 4 s).
	Clients  int
	Duration time.Duration
	// Pace is a pause between one client's requests (0: none).
	Pace   time.Duration
	Client *http.Client
}

// SharingReport is what the phase saw.
type SharingReport struct {
	// Opens are POST /shared requests; Answered the 200s among them.
	Opens, Answered int
	// Refused are the 404s to bent tokens (another link's id with this
	// link's secret) and the 410s to links whose clip the job deleted.
	Refused int
	// Throttled are 429s: the route's own throttle at work.
	Throttled int
	// Leaks are answers that showed a clip other than the link's, or any
	// 200 to a bent token.
	Leaks int
	// Job is the bulk job's final counts, JobClips how many clips it was
	// given (each must be processed and deleted exactly once). The server's
	// job runner runs it; the phase reads its progress and drives it with
	// /run calls alongside (both at once must never count a clip twice):
	// JobCalls is how many run calls it made, JobReads how many progress
	// reads, and JobSeenDoneBy which of the two first saw it done.
	Job           map[string]any
	JobClips      int
	JobCalls      int
	JobReads      int
	JobSeenDoneBy string
	// Failures are requests that did not get an answer they may get.
	Failures     int
	ServerErrors int
	Examples     []string
}

// OK reports a phase with answered opens, a finished job that processed
// and deleted each of its clips exactly once (none failed or skipped), no
// leak and no failure.
func (r SharingReport) OK() bool {
	n := func(k string) float64 { v, _ := r.Job[k].(float64); return v }
	exact := r.JobClips > 0 && n("processed") == float64(r.JobClips) && n("deleted") == float64(r.JobClips) && n("failed") == 0 && n("skipped") == 0
	return r.Answered > 0 && r.Job["status"] == "done" && exact && r.Leaks == 0 && r.Failures == 0 && r.ServerErrors == 0
}

func (r SharingReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "share links under load: %d opens, %d answered, %d refused (bent tokens, deleted clips), %d throttled by the route's own limit\n",
		r.Opens, r.Answered, r.Refused, r.Throttled)
	fmt.Fprintf(&b, "  bulk job mid-load (%d clips): %v; first seen done by a %s (%d run calls, %d progress reads alongside the job runner)\n",
		r.JobClips, jobCounts(r.Job), r.JobSeenDoneBy, r.JobCalls, r.JobReads)
	fmt.Fprintf(&b, "%-26s %d\n", "leaks of another clip:", r.Leaks)
	fmt.Fprintf(&b, "%-26s %d\n", "share failures:", r.Failures)
	fmt.Fprintf(&b, "%-26s %d\n", "5xx answers:", r.ServerErrors)
	for _, e := range r.Examples {
		fmt.Fprintf(&b, "  e.g. %s\n", e)
	}
	return b.String()
}

func jobCounts(j map[string]any) string {
	if j == nil {
		return "none"
	}
	return fmt.Sprintf("%v processed, %v deleted, %v skipped, %v failed, %v", j["processed"], j["deleted"], j["skipped"], j["failed"], j["status"])
}

type sharedLink struct {
	camera, video, token, bent string
}

// RunSharing makes share links to clips of the first cameras, opens them
// (and bent tokens: one link's id with another's secret) from many clients
// with no Authorization header, and mid-load runs a bulk job that deletes
// clips of the last camera, one of them shared. Every 200 must show the
// link's own clip; a bent token must never be answered; a link whose clip
// the job deleted must answer 410.
func RunSharing(ctx context.Context, cfg SharingConfig) (SharingReport, error) {
	if cfg.Links <= 0 {
		cfg.Links = 6
	}
	if cfg.Clients <= 0 {
		cfg.Clients = 8
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 4 * time.Second
	}
	client := cfg.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	if err := Loopback(cfg.APIURL); err != nil {
		return SharingReport{}, err
	}
	cams := cfg.Catalog.Cameras
	if len(cams) < 2 {
		return SharingReport{}, fmt.Errorf("soak: sharing needs two cameras, have %d", len(cams))
	}
	call := func(ctx context.Context, method, path, auth string, body any) (int, map[string]any, error) {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, err := http.NewRequestWithContext(ctx, method, cfg.APIURL+path, rd)
		if err != nil {
			return 0, nil, err
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out, nil
	}

	// Links: to clips of every camera but the last, and one to a clip of
	// the last camera, which the job deletes.
	victims := cfg.Catalog.Clips[cams[len(cams)-1]]
	if len(victims) == 0 {
		return SharingReport{}, fmt.Errorf("soak: camera %s has no clips", cams[len(cams)-1])
	}
	var pool []sharedLink
	for _, cam := range cams[:len(cams)-1] {
		for _, v := range cfg.Catalog.Clips[cam] {
			pool = append(pool, sharedLink{camera: cam, video: v})
		}
	}
	if len(pool) > cfg.Links-1 {
		pool = pool[:cfg.Links-1]
	}
	pool = append(pool, sharedLink{camera: cams[len(cams)-1], video: victims[0]})
	for i := range pool {
		st, body, err := call(ctx, "POST", "/cameras/"+pool[i].camera+"/videos/"+pool[i].video+"/shares", cfg.Admin.Header, map[string]int{"expiresInHours": 1})
		if err != nil || st != http.StatusCreated {
			return SharingReport{}, fmt.Errorf("soak: share %s/%s: %d %v", pool[i].camera, pool[i].video, st, err)
		}
		pool[i].token, _ = body["token"].(string)
	}
	for i := range pool {
		other := pool[(i+1)%len(pool)]
		id, _, _ := strings.Cut(other.token, ".")
		_, secret, _ := strings.Cut(pool[i].token, ".")
		pool[i].bent = id + "." + secret
	}

	var (
		mu      sync.Mutex
		rep     SharingReport
		deleted bool // the job has finished: the last link's clip is gone
	)
	note := func(format string, a ...any) {
		if len(rep.Examples) < 5 {
			rep.Examples = append(rep.Examples, fmt.Sprintf(format, a...))
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range cfg.Clients {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 15))
			for {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				case <-time.After(cfg.Pace):
				}
				l := pool[rng.IntN(len(pool))]
				bent := rng.IntN(4) == 0
				tok := l.token
				if bent {
					tok = l.bent
				}
				mu.Lock()
				gone := deleted && l.video == victims[0]
				mu.Unlock()
				st, body, err := call(ctx, "POST", "/shared", "", map[string]string{"token": tok})
				mu.Lock()
				rep.Opens++
				play, _ := body["playUrl"].(string)
				switch {
				case err != nil:
					rep.Failures++
					note("open: %v", err)
				case st >= 500:
					rep.ServerErrors++
					note("open: %d", st)
				case st == http.StatusTooManyRequests:
					rep.Throttled++
				case bent && st == http.StatusOK:
					rep.Leaks++
					note("LEAK: a bent token opened %s", redactURL(play))
				case bent:
					if st == http.StatusNotFound {
						rep.Refused++
					} else {
						rep.Failures++
						note("bent token: %d, want 404", st)
					}
				case st == http.StatusOK:
					if !strings.Contains(play, "/"+l.camera+"/") || !strings.Contains(play, l.video) {
						rep.Leaks++
						note("LEAK: the link to %s/%s played %s", l.camera, l.video, redactURL(play))
					} else {
						rep.Answered++
					}
				case st == http.StatusGone && l.video == victims[0]:
					rep.Refused++
				default:
					rep.Failures++
					note("open %s/%s: %d (clip gone: %v)", l.camera, l.video, st, gone)
				}
				mu.Unlock()
			}
		}(i)
	}

	// Mid-load: a bulk job deletes clips of the last camera, the shared one
	// among them.
	select {
	case <-time.After(cfg.Duration / 2):
	case <-ctx.Done():
	}
	var list []map[string]string
	for _, v := range victims {
		list = append(list, map[string]string{"cameraId": cams[len(cams)-1], "videoId": v})
	}
	st, job, err := call(ctx, "POST", "/jobs", cfg.Admin.Header, map[string]any{"action": "delete", "clips": list, "includeKept": true})
	if err != nil || st != http.StatusCreated {
		close(stop)
		wg.Wait()
		return rep, fmt.Errorf("soak: start the bulk job: %d %v", st, err)
	}
	id, _ := job["id"].(string)
	rep.JobClips = len(list)
	// The job runner the API started runs the job; each round reads its
	// progress, and if it is not done yet makes a run call too.
	for rep.JobCalls < 1000 {
		st, job, err = call(ctx, "GET", "/jobs/"+id, cfg.Admin.Header, nil)
		rep.JobReads++
		if err == nil && st == http.StatusOK && job["status"] == "done" {
			rep.JobSeenDoneBy = "progress read"
			break
		}
		if err != nil || st != http.StatusOK {
			mu.Lock()
			rep.Failures++
			note("read job: %d %v", st, err)
			mu.Unlock()
		}
		st, job, err = call(ctx, "POST", "/jobs/"+id+"/run", cfg.Admin.Header, nil)
		rep.JobCalls++
		if err != nil || (st != http.StatusOK && st != http.StatusAccepted) {
			mu.Lock()
			rep.Failures++
			note("run job: %d %v", st, err)
			mu.Unlock()
			continue
		}
		if st == http.StatusOK {
			rep.JobSeenDoneBy = "run call"
			break
		}
	}
	mu.Lock()
	rep.Job = job
	deleted = true
	mu.Unlock()
	select {
	case <-time.After(cfg.Duration / 2):
	case <-ctx.Done():
	}
	close(stop)
	wg.Wait()
	return rep, ctx.Err()
}

// redactURL drops a signed URL's query (its signature).
func redactURL(u string) string {
	base, _, _ := strings.Cut(u, "?")
	return base
}
