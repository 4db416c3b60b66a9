package soak_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/camvault/camvault/soak"
)

// TestDynamoDBKilledMidLoad kills the stack's DynamoDB (dynalite, a child
// process) under load, as a crash would: every answer meanwhile is a 200 or
// a clear 503 storage_unavailable with Retry-After (never a 500, 502 or a
// hang); once the stack's supervisor has restarted dynalite on the same data
// dir and port, every request succeeds again and every clip written before
// the crash is still there.
func TestDynamoDBKilledMidLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole stack")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, _ := startStack(t, ctx)
	info := s.Info()
	client := newClient(8)
	people, cat, err := soak.Prepare(ctx, client, info)
	if err != nil {
		t.Fatal(err)
	}

	// Writes before the crash: a delete and a new clip.
	cam := cat.Cameras[0]
	deleted := cat.Clips[cam][0]
	if a, err := do(ctx, client, "DELETE", info.APIURL+"/cameras/"+cam+"/videos/"+deleted, people.Admin.Header); err != nil || a.status != 204 {
		t.Fatalf("DELETE before the crash: %v %d %s", err, a.status, a.body)
	}
	added := uploadClip(t, ctx, s, "fault-cam", time.Now().Add(-time.Minute))
	before := allClips(t, ctx, client, info.APIURL, people.Admin.Header)
	if !contains(before["fault-cam"], added) || contains(before[cam], deleted) {
		t.Fatalf("writes before the crash not visible: %v", before)
	}

	// Load: viewer, admin and the restricted person on every read route.
	callers := []soak.Person{people.Viewer, people.Admin, people.Restricted}
	paths := []string{"/cameras", "/videos?limit=20", "/cameras/" + cat.Granted[0] + "/videos?limit=10",
		"/cameras/" + cat.Granted[0] + "/videos/" + cat.Clips[cat.Granted[0]][1], "/me"}
	var (
		phase    atomic.Int32 // 0 before the kill, 1 down, 2 restarted
		mu       sync.Mutex
		counts   = map[string]int{} // "phase/status"
		bad      []string
		streak   atomic.Int32 // consecutive 200s since the restart
		stop     = make(chan struct{})
		wg       sync.WaitGroup
		requests atomic.Int64
	)
	for w := range 8 {
		wg.Go(func() {
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if requests.Add(1) > 20000 { // a bound, whatever happens
					return
				}
				who, path := callers[i%len(callers)], paths[(i/len(callers))%len(paths)]
				p := phase.Load()
				a, err := do(ctx, client, "GET", info.APIURL+path, who.Header)
				mu.Lock()
				switch {
				case err != nil:
					bad = append(bad, fmt.Sprintf("phase %d %s %s: %v (a hang or a dropped connection)", p, who.Name, path, err))
				case a.status == 200:
				case a.status == 503 && a.code() == "storage_unavailable" && a.header.Get("Retry-After") != "":
				default:
					bad = append(bad, fmt.Sprintf("phase %d %s %s: %d %s", p, who.Name, path, a.status, a.body))
				}
				if err == nil && a.status == 503 && phase.Load() == 0 { // ended before the kill too
					bad = append(bad, fmt.Sprintf("phase %d %s %s: %d %s (before the kill)", p, who.Name, path, a.status, a.body))
				}
				if err == nil {
					counts[fmt.Sprintf("%d/%d", p, a.status)]++
				}
				mu.Unlock()
				if p == 2 && err == nil && a.status == 200 {
					streak.Add(1)
				} else if p == 2 {
					streak.Store(0)
				}
			}
		})
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for !cond() {
			if ctx.Err() != nil {
				close(stop)
				wg.Wait()
				t.Fatalf("timed out waiting for %s; answers %v", what, counts)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	count := func(k string) int { mu.Lock(); defer mu.Unlock(); return counts[k] }
	waitFor("200s before the kill", func() bool { return count("0/200") >= 100 })

	// Crash dynalite, and keep the stack's supervisor from restarting it
	// until the outage has been seen.
	release := s.HoldDynamoDB()
	defer release()
	phase.Store(1)
	if err := s.KillDynamoDB(); err != nil {
		t.Fatalf("kill dynalite: %v", err)
	}
	t.Logf("killed dynalite (%s)", info.DynamoDBURL)
	waitFor("503s while DynamoDB is down", func() bool { return count("1/503") >= 30 })
	// A write while it is down: a clear 503, and the clip must survive it.
	victim := cat.Clips[cam][2]
	if a, err := do(ctx, client, "DELETE", info.APIURL+"/cameras/"+cam+"/videos/"+victim, people.Admin.Header); err != nil || a.status != 503 || a.code() != "storage_unavailable" {
		t.Errorf("DELETE while DynamoDB is down: %v %d %s, want 503 storage_unavailable", err, a.status, a.body)
	}

	// The supervisor restarts it on the same data dir and port.
	release()
	waitFor("the supervisor to restart dynalite", func() bool { return s.DynamoDBRestarts() == 1 })
	phase.Store(2)
	waitFor("200 consecutive successes after the restart", func() bool { return streak.Load() >= 200 })
	close(stop)
	wg.Wait()
	t.Logf("answers by phase/status: %v", counts)
	if len(bad) > 0 {
		t.Errorf("%d answers were neither 200 nor a clear 503, e.g.:\n%s", len(bad), strings.Join(bad[:min(5, len(bad))], "\n"))
	}

	after := allClips(t, ctx, client, info.APIURL, people.Admin.Header)
	if !contains(after[cam], victim) {
		t.Errorf("the clip whose DELETE failed during the outage is gone")
	}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("clips after recovery differ from before the crash:\nbefore %v\nafter  %v", before, after)
	}
	// And the stack takes writes again.
	again := uploadClip(t, ctx, s, "fault-cam", time.Now())
	if got := allClips(t, ctx, client, info.APIURL, people.Admin.Header)["fault-cam"]; !contains(got, again) || !contains(got, added) {
		t.Errorf("fault-cam after a write following recovery: %v", got)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
