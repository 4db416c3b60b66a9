package soak

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// RevokedEmail is the person the revocation phase lets in and then removes
// mid-load: admitted only by the console's grant (example.net is not an
// allowed domain), so once the grant is gone nothing admits them.
const RevokedEmail = "revoked@example.net"

// RevocationGrace is how long after a grant's removal an answer may still
// admit the person: the API's revocation cache (10 s) plus a second for the
// write and clocks. The bound is 60 s; any admitted answer to a
// request sent after the grace is a leak.
const RevocationGrace = 11 * time.Second

// RevocationConfig bounds the revocation phase.
type RevocationConfig struct {
	// APIURL is the stage's invoke URL; IssuerURL the dev issuer's.
	APIURL, IssuerURL string
	// Admin is the admin's Authorization header.
	Admin Person
	// Camera is the camera the person is granted; Clip one of its clips.
	Camera, Clip string
	// Clients send the person's and the admin's requests concurrently.
	Clients int
	// Before is how long the load runs before the removal; After how long
	// it runs past the grace (default 3 s each).
	Before, After time.Duration
	// Grace is how long after the removal an admitted answer is no leak
	// (default RevocationGrace).
	Grace time.Duration
	// Pace is a pause between one client's requests, to keep the load
	// within a shared machine (0: none).
	Pace   time.Duration
	Client *http.Client
}

// RevocationReport is what the phase saw.
type RevocationReport struct {
	// Requests by the revoked person, and by the admin (console traffic).
	PersonRequests, AdminRequests int
	// AdmittedBefore counts the person's 2xx answers before the removal
	// (the phase is not vacuous only if there are some).
	AdmittedBefore int
	// AdmittedWithinGrace counts 2xx answers to requests sent after the
	// removal but within the grace; LastAdmitted is the latest of them,
	// after the removal.
	AdmittedWithinGrace int
	LastAdmitted        time.Duration
	// RefusedAfter counts 403s to requests sent after the grace.
	RefusedAfter int
	// Leaks are 2xx answers to the person's requests sent after the grace.
	Leaks int
	// AdminFailures are console requests that did not get their expected answer.
	AdminFailures int
	// ServerErrors are 5xx answers, anyone's.
	ServerErrors int
	Examples     []string
}

// OK reports a phase with the person admitted before, refused after, no
// leak and no failure.
func (r RevocationReport) OK() bool {
	return r.AdmittedBefore > 0 && r.RefusedAfter > 0 && r.Leaks == 0 && r.AdminFailures == 0 && r.ServerErrors == 0
}

func (r RevocationReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "revocation mid-load: %d requests by %s, %d console requests by the admin\n", r.PersonRequests, RevokedEmail, r.AdminRequests)
	fmt.Fprintf(&b, "  admitted before the removal: %d; after it, within the %s grace: %d (last %s after)\n",
		r.AdmittedBefore, RevocationGrace, r.AdmittedWithinGrace, r.LastAdmitted.Round(time.Millisecond))
	fmt.Fprintf(&b, "  refused after the grace: %d\n", r.RefusedAfter)
	fmt.Fprintf(&b, "%-26s %d\n", "leaks of a revoked person:", r.Leaks)
	fmt.Fprintf(&b, "%-26s %d\n", "console failures:", r.AdminFailures)
	fmt.Fprintf(&b, "%-26s %d\n", "5xx answers:", r.ServerErrors)
	for _, e := range r.Examples {
		fmt.Fprintf(&b, "  e.g. %s\n", e)
	}
	return b.String()
}

// RunRevocation lets RevokedEmail in (restricted to cfg.Camera) through the
// console, loads every route as that person with one token (so API
// Gateway's authorizer cache holds their Allow throughout) while the admin
// sends console traffic (grants listed, churn grants written and removed,
// the trail read), removes the person's grant mid-load, and counts every
// answer that still admits them after the grace.
func RunRevocation(ctx context.Context, cfg RevocationConfig) (RevocationReport, error) {
	if cfg.Clients <= 0 {
		cfg.Clients = 8
	}
	if cfg.Before <= 0 {
		cfg.Before = 3 * time.Second
	}
	if cfg.After <= 0 {
		cfg.After = 3 * time.Second
	}
	if cfg.Grace <= 0 {
		cfg.Grace = RevocationGrace
	}
	client := cfg.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	for _, u := range []string{cfg.APIURL, cfg.IssuerURL} {
		if err := Loopback(u); err != nil {
			return RevocationReport{}, err
		}
	}
	send := func(ctx context.Context, method, path, header, body string) (int, error) {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, cfg.APIURL+path, rd)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", header)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	grant := fmt.Sprintf(`{"role":"viewer","cameras":[%q]}`, cfg.Camera)
	if st, err := send(ctx, "PUT", "/grants/"+url.PathEscape(RevokedEmail), cfg.Admin.Header, grant); err != nil || st != http.StatusOK {
		return RevocationReport{}, fmt.Errorf("soak: grant %s: status %d, %v", RevokedEmail, st, err)
	}
	tok, err := Issuer{URL: cfg.IssuerURL, Client: client}.Token(ctx, url.Values{"email": {RevokedEmail}})
	if err != nil {
		return RevocationReport{}, err
	}
	person := "Bearer " + tok
	routes := []string{"/me", "/cameras", "/videos", "/cameras/" + cfg.Camera + "/videos"}
	if cfg.Clip != "" {
		routes = append(routes, "/cameras/"+cfg.Camera+"/videos/"+cfg.Clip)
	}

	var (
		mu      sync.Mutex
		rep     RevocationReport
		removed time.Time // zero until the grant is gone
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
			rng := rand.New(rand.NewPCG(uint64(i), 14))
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				case <-time.After(cfg.Pace):
				}
				if i%4 == 3 { // a quarter of the clients are the admin at the console
					method, path, body, want := adminCall(rng, i, n)
					st, err := send(ctx, method, path, cfg.Admin.Header, body)
					mu.Lock()
					rep.AdminRequests++
					if err != nil || st != want {
						rep.AdminFailures++
						note("admin %s %s: %d (want %d) %v", method, path, st, want, err)
					}
					if st >= 500 {
						rep.ServerErrors++
					}
					mu.Unlock()
					continue
				}
				path := routes[rng.IntN(len(routes))]
				mu.Lock()
				sentAfter := removed
				mu.Unlock()
				sent := time.Now()
				st, err := send(ctx, "GET", path, person, "")
				mu.Lock()
				rep.PersonRequests++
				switch {
				case err != nil:
					rep.AdminFailures++ // a transport failure is a failure of the run
					note("person GET %s: %v", path, err)
				case st >= 500:
					rep.ServerErrors++
					note("person GET %s: %d", path, st)
				case sentAfter.IsZero():
					if st < 300 {
						rep.AdmittedBefore++
					}
				case sent.Sub(sentAfter) < cfg.Grace:
					if st < 300 {
						rep.AdmittedWithinGrace++
						if d := time.Since(sentAfter); d > rep.LastAdmitted {
							rep.LastAdmitted = d
						}
					}
				default:
					if st < 300 {
						rep.Leaks++
						note("LEAK: %s GET %s answered %d %s after the grant's removal", RevokedEmail, path, st, sent.Sub(sentAfter).Round(time.Millisecond))
					} else if st == http.StatusForbidden {
						rep.RefusedAfter++
					}
				}
				mu.Unlock()
			}
		}(i)
	}
	// Mid-load: the admin removes the person.
	select {
	case <-time.After(cfg.Before):
	case <-ctx.Done():
	}
	st, err := send(ctx, "DELETE", "/grants/"+url.PathEscape(RevokedEmail), cfg.Admin.Header, "")
	mu.Lock()
	removed = time.Now()
	mu.Unlock()
	if err != nil || st != http.StatusNoContent {
		close(stop)
		wg.Wait()
		return rep, fmt.Errorf("soak: remove %s: status %d, %v", RevokedEmail, st, err)
	}
	select {
	case <-time.After(cfg.Grace + cfg.After):
	case <-ctx.Done():
	}
	close(stop)
	wg.Wait()
	return rep, ctx.Err()
}

// adminCall is the n-th console request of client i: list grants, read the
// trail, write and remove a churn grant of its own.
func adminCall(rng *rand.Rand, i, n int) (method, path, body string, want int) {
	churn := fmt.Sprintf("/grants/soak-churn-%d@example.net", i)
	switch n % 4 {
	case 0:
		return "GET", "/grants?limit=50", "", http.StatusOK
	case 1:
		return "PUT", churn, `{"role":"viewer","cameras":["*"]}`, http.StatusOK
	case 2:
		q := []string{"/audit?limit=20", "/audit?limit=5&person=" + url.QueryEscape(RevokedEmail)}
		return "GET", q[rng.IntN(len(q))], "", http.StatusOK
	default:
		return "DELETE", churn, "", http.StatusNoContent
	}
}
