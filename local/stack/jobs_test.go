package stack_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/videos-api/clip"
)

// TestJobRunsWithoutRunCalls: through the local gateway, an admin makes a
// bulk delete of a camera's last hour and never calls /run; the job runner
// the stack starts for it (in process, as the job-runner Lambda) finishes
// it, and GET /jobs/{id} shows it done with exact counts.
func TestJobRunsWithoutRunCalls(t *testing.T) {
	e := start(t, t.TempDir(), true)
	ctx := context.Background()
	admin := e.token(t, "admin@example.com")
	from := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	for i := range 5 {
		id, _ := clip.NewVideoID(from.Add(time.Duration(i+1)*time.Minute), rand.Reader)
		key, _, _ := clip.ObjectKeys("porch", id)
		if _, err := e.s.S3().PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(e.s.Info().Bucket), Key: aws.String(key), Body: strings.NewReader("clip"), ContentType: aws.String("video/mp4"),
			IfNoneMatch: aws.String("*"),
		}); err != nil {
			t.Fatal(err)
		}
	}
	e.s.WaitIngest()
	if n := listed(t, e, admin); n != 5 {
		t.Fatalf("porch lists %d clips before the job, want 5", n)
	}
	body := `{"action": "delete", "cameraId": "porch", "from": "` + from.Format(time.RFC3339) + `", "to": "` + from.Add(time.Hour).Format(time.RFC3339) + `"}`
	r := e.send(t, "POST", "/jobs", admin, body)
	if r.status != 201 {
		t.Fatalf("POST /jobs: %d %s", r.status, r.body)
	}
	var job map[string]any
	r.json(t, &job)
	id := job["id"].(string)
	e.s.WaitJobs()
	r = e.do(t, "GET", "/jobs/"+id, admin)
	if r.status != 200 {
		t.Fatalf("GET /jobs/%s: %d %s", id, r.status, r.body)
	}
	job = nil
	if err := json.Unmarshal(r.body, &job); err != nil {
		t.Fatal(err)
	}
	if job["status"] != "done" || job["processed"] != 5.0 || job["deleted"] != 5.0 || job["failed"] != 0.0 {
		t.Fatalf("the job with no /run call: %s", r.body)
	}
	if n := listed(t, e, admin); n != 0 {
		t.Fatalf("porch lists %d clips after the job, want 0", n)
	}
}

// listed is how many clips porch's list holds.
func listed(t *testing.T, e *env, auth string) int {
	t.Helper()
	r := e.do(t, "GET", "/cameras/porch/videos", auth)
	var page struct {
		Items []json.RawMessage `json:"items"`
	}
	if r.status != 200 {
		t.Fatalf("porch's clips: %d %s", r.status, r.body)
	}
	r.json(t, &page)
	return len(page.Items)
}
