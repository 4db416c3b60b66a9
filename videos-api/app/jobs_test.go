package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/clip"
)

// runToEnd calls POST /jobs/{id}/run until it answers 200, checking that
// progress only grows; it returns the final job and how many calls it took.
func (e *env) runToEnd(who map[string]any, id string) (map[string]any, int) {
	e.t.Helper()
	last := -1.0
	for calls := 1; calls < 200; calls++ {
		code, body := e.callBody(who, "POST", "/jobs/"+id+"/run", "")
		if code != http.StatusAccepted && code != http.StatusOK {
			e.t.Fatalf("run: %d %v", code, body)
		}
		p := body["processed"].(float64)
		if p < last {
			e.t.Fatalf("progress went back: %v then %v", last, p)
		}
		last = p
		if code == http.StatusOK {
			if body["status"] != "done" {
				e.t.Fatalf("200 but %v", body)
			}
			return body, calls
		}
	}
	e.t.Fatal("the job never finished")
	return nil, 0
}

func (e *env) startJob(who map[string]any, body string) string {
	e.t.Helper()
	code, out := e.callBody(who, "POST", "/jobs", body)
	if code != http.StatusCreated {
		e.t.Fatalf("create job %s: %d %v", body, code, out)
	}
	return out["id"].(string)
}

func counts(job map[string]any) string {
	return fmt.Sprintf("processed=%v deleted=%v kept=%v skipped=%v failed=%v", job["processed"], job["deleted"], job["kept"], job["skipped"], job["failed"])
}

func TestBulkDeleteOfADaySparesKeptClipsAndOtherDays(t *testing.T) {
	e := newEnv(t)
	var day []string
	for i := range 30 {
		cam := []string{"porch", "garage"}[i%2]
		day = append(day, cam+"/"+e.upload(cam, fmt.Sprintf("2026-11-24T%02d:%02d:00Z", i/2, i%60), i, i%3 == 0))
	}
	other := e.upload("porch", "2026-11-25T01:00:00Z", 99, true)
	path := func(k string) string { cam, vid, _ := strings.Cut(k, "/"); return "/cameras/" + cam + "/videos/" + vid }
	for _, k := range day[:2] {
		if code, _ := e.call(viewer, "PUT", path(k)+"/keep"); code != http.StatusOK {
			t.Fatalf("keep %s: %d", k, code)
		}
	}
	id := e.startJob(admin, `{"action": "delete", "day": "2026-11-24"}`)
	job, calls := e.runToEnd(admin, id)
	if got, want := counts(job), "processed=30 deleted=28 kept=0 skipped=2 failed=0"; got != want {
		t.Fatalf("counts %s, want %s", got, want)
	}
	if calls < 2 {
		t.Fatalf("30 clips done in %d call(s): batches are not bounded", calls)
	}
	_, list := e.call(viewer, "GET", "/videos?from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z")
	left := itemIDs(list)
	sort.Strings(left)
	want := append([]string{}, day[:2]...)
	sort.Strings(want)
	if fmt.Sprint(left) != fmt.Sprint(want) {
		t.Fatalf("left on the day %v, want the kept %v", left, want)
	}
	if code, _ := e.call(viewer, "GET", "/cameras/porch/videos/"+other); code != http.StatusOK {
		t.Fatalf("a clip of another day: %d", code)
	}
	// Each delete left a tombstone: a redelivered upload event does not
	// bring a deleted clip back.
	victim := day[5]
	cam, vid, _ := strings.Cut(victim, "/")
	clipKey, _, _ := clip.ObjectKeys(cam, vid)
	e.ingest(clipKey)
	if code, _ := e.call(viewer, "GET", path(victim)); code != http.StatusNotFound {
		t.Fatalf("a deleted clip came back: %d", code)
	}
	// Running a finished job again changes nothing.
	code, again := e.callBody(admin, "POST", "/jobs/"+id+"/run", "")
	if code != http.StatusOK || counts(again) != counts(job) {
		t.Fatalf("a finished job ran again: %d %s", code, counts(again))
	}
	// Audited: its start and end are in the trail.
	_, trail := e.call(admin, "GET", "/audit")
	var seen []string
	for _, it := range trail["items"].([]any) {
		if m := it.(map[string]any); m["subject"] == id {
			seen = append(seen, m["action"].(string))
		}
	}
	sort.Strings(seen)
	if fmt.Sprint(seen) != "[job.create job.done]" {
		t.Fatalf("trail for the job: %v", seen)
	}
}

func TestBulkJobRunsConcurrentlyWithoutDoubleCounting(t *testing.T) {
	e := newEnv(t)
	var clips []map[string]string
	for i := range 40 {
		id := e.upload("porch", fmt.Sprintf("2026-11-24T10:%02d:00Z", i), i, false)
		clips = append(clips, map[string]string{"cameraId": "porch", "videoId": id})
	}
	// One listed twice over is refused; a clip that does not exist counts
	// as deleted (gone, as asked).
	body, _ := json.Marshal(map[string]any{"action": "delete", "clips": clips})
	id := e.startJob(admin, string(body))
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				e.callBody(admin, "POST", "/jobs/"+id+"/run", "")
			}
		}()
	}
	wg.Wait()
	job, _ := e.runToEnd(admin, id)
	if got := counts(job); got != "processed=40 deleted=40 kept=0 skipped=0 failed=0" || job["total"] != 40.0 {
		t.Fatalf("after concurrent runs: %s total %v", got, job["total"])
	}
	if _, list := e.call(viewer, "GET", "/cameras/porch/videos"); len(itemIDs(list)) != 0 {
		t.Fatalf("clips left: %v", itemIDs(list))
	}
}

func TestBulkKeepAndIncludeKept(t *testing.T) {
	e := newEnv(t)
	a := e.upload("garage", "2026-11-20T10:00:00Z", 1, true)
	b := e.upload("garage", "2026-11-21T10:00:00Z", 2, false)
	c := e.upload("porch", "2026-11-21T11:00:00Z", 3, false)
	id := e.startJob(admin, `{"action": "keep", "cameraId": "garage", "from": "2026-11-20T00:00:00Z", "to": "2026-11-22T00:00:00Z"}`)
	job, _ := e.runToEnd(admin, id)
	if got := counts(job); got != "processed=2 deleted=0 kept=2 skipped=0 failed=0" {
		t.Fatalf("keep job: %s", got)
	}
	_, kept := e.call(viewer, "GET", "/videos?kept=true")
	if got := itemIDs(kept); fmt.Sprint(got) != fmt.Sprint([]string{"garage/" + b, "garage/" + a}) {
		t.Fatalf("kept after the job: %v", got)
	}
	id = e.startJob(admin, `{"action": "delete", "cameraId": "garage", "from": "2026-11-20T00:00:00Z", "to": "2026-11-22T00:00:00Z", "includeKept": true}`)
	job, _ = e.runToEnd(admin, id)
	if got := counts(job); got != "processed=2 deleted=2 kept=0 skipped=0 failed=0" {
		t.Fatalf("delete with includeKept: %s", got)
	}
	if _, kept := e.call(viewer, "GET", "/videos?kept=true"); len(itemIDs(kept)) != 0 {
		t.Fatalf("kept list after deleting them: %v", itemIDs(kept))
	}
	if code, _ := e.call(viewer, "GET", "/cameras/porch/videos/"+c); code != http.StatusOK {
		t.Fatalf("another camera's clip: %d", code)
	}
}

func TestBulkJobRefusals(t *testing.T) {
	e := newEnv(t)
	id := e.upload("garage", "2026-11-20T10:00:00Z", 1, false)
	restrictedAdmin := caller("boss@example.com", "admin", "porch")
	tests := []struct {
		who    map[string]any
		body   string
		status int
		param  string
	}{
		{viewer, `{"action": "delete", "day": "2026-11-20"}`, 403, ""},
		{admin, `{"action": "drop", "day": "2026-11-20"}`, 400, "action"},
		{admin, `{"action": "delete"}`, 400, "body"},
		{admin, `{"action": "delete", "day": "2026-11-20", "cameraId": "garage", "from": "2026-11-20T00:00:00Z"}`, 400, "body"},
		{admin, `{"action": "delete", "day": "20-11-2026"}`, 400, "day"},
		{admin, `{"action": "delete", "cameraId": "garage", "from": "2026-11-22T00:00:00Z", "to": "2026-11-20T00:00:00Z"}`, 400, "from"},
		{admin, `{"action": "delete", "cameraId": "garage", "from": "2026-10-01T00:00:00Z", "to": "2026-11-20T00:00:00Z"}`, 400, "to"},
		{admin, `{"action": "delete", "from": "2026-11-19T00:00:00Z", "to": "2026-11-20T00:00:00Z"}`, 400, "cameraId"},
		{admin, `{"action": "keep", "day": "2026-11-20", "includeKept": true}`, 400, "includeKept"},
		{admin, `{"action": "delete", "clips": [{"cameraId": "garage", "videoId": "nope"}]}`, 400, "clips"},
		{admin, `{"action": "delete", "clips": [{"cameraId": "garage", "videoId": "` + id + `"}, {"cameraId": "garage", "videoId": "` + id + `"}]}`, 400, "clips"},
		{admin, `{"action": "delete", "day": "2026-11-20", "extra": 1}`, 400, "body"},
		{restrictedAdmin, `{"action": "delete", "clips": [{"cameraId": "garage", "videoId": "` + id + `"}]}`, 403, ""},
		{restrictedAdmin, `{"action": "delete", "day": "2026-11-20", "cameraId": "garage"}`, 403, ""},
	}
	for _, tt := range tests {
		code, body := e.callBody(tt.who, "POST", "/jobs", tt.body)
		_, param := errorOf(body)
		if code != tt.status || param != tt.param {
			t.Errorf("POST /jobs %s: %d %v, want %d naming %q", tt.body, code, body, tt.status, tt.param)
		}
	}
	if code, _ := e.callBody(admin, "POST", "/jobs/"+clipID("2026-11-20T10:00:00Z", 7)+"/run", ""); code != 404 {
		t.Errorf("running an unknown job: %d", code)
	}
	if code, _ := e.call(admin, "GET", "/jobs/not-an-id"); code != 400 {
		t.Errorf("a bad job id: %d", code)
	}
	// Nothing was deleted by any of them.
	if code, _ := e.call(viewer, "GET", "/cameras/garage/videos/"+id); code != http.StatusOK {
		t.Fatalf("the clip after refused jobs: %d", code)
	}
	// A restricted admin sees no job that reaches past their cameras.
	all := e.startJob(admin, `{"action": "keep", "day": "2026-11-20"}`)
	if code, _ := e.call(restrictedAdmin, "GET", "/jobs/"+all); code != 404 {
		t.Errorf("a restricted admin read an all-camera job: %d", code)
	}
}

// FuzzJobRequest: ParseJobRequest never panics; what it accepts has one
// selection and a known action, and a refusal names a field.
func FuzzJobRequest(f *testing.F) {
	for _, s := range []string{
		`{"action": "delete", "day": "2026-11-24"}`,
		`{"action": "keep", "cameraId": "porch", "from": "2026-11-20T00:00:00Z", "to": "2026-11-21T00:00:00Z"}`,
		`{"action": "delete", "clips": [{"cameraId": "porch", "videoId": "01M892BP8060R30C1G60R30C1H"}], "includeKept": true}`,
		`{"action": "delete"}`, `[]`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r, err := app.ParseJobRequest(body)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("refusal without a reason for %q", body)
			}
			return
		}
		ways := 0
		if len(r.Clips) > 0 {
			ways++
		}
		if r.Day != "" {
			ways++
		}
		if r.From != "" {
			ways++
		}
		if ways != 1 || (r.Action != "delete" && r.Action != "keep") || len(r.Clips) > app.MaxJobClips {
			t.Fatalf("accepted %q as %+v", body, r)
		}
	})
}
