package lambdaapp_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/lambdaapp"
	"github.com/camvault/camvault/videos-api/push"
)

// TestInvokerHandsTheClipOver plays Lambda's Invoke API: the request is an
// asynchronous invoke of the sender, signed for lambda, carrying the event.
func TestInvokerHandsTheClipOver(t *testing.T) {
	var got push.ClipEvent
	status := http.StatusAccepted
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/2015-03-31/functions/camvault-dev-push-sender/invocations" {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		if r.Header.Get("X-Amz-Invocation-Type") != "Event" {
			t.Errorf("invocation type %q, want Event", r.Header.Get("X-Amz-Invocation-Type"))
		}
		auth := r.Header.Get("Authorization")
		if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDTEST/") || !strings.Contains(auth, "/eu-west-1/lambda/aws4_request") {
			t.Errorf("authorization %q", auth)
		}
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &got); err != nil {
			t.Errorf("body %q: %v", b, err)
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	inv := &lambdaapp.Invoker{
		Function: "camvault-dev-push-sender", Region: "eu-west-1", Endpoint: srv.URL,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	}
	ev := push.ClipEvent{CameraID: "porch", VideoID: "01M89KGYH8C5H66S35CSKPGTBA", CapturedAt: time.Date(2026, 11, 25, 14, 59, 58, 0, time.UTC)}
	if err := inv.Notify(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if got != ev {
		t.Errorf("sender got %+v, want %+v", got, ev)
	}
	status = http.StatusTooManyRequests
	if err := inv.Notify(context.Background(), ev); err == nil || !strings.Contains(err.Error(), "429") {
		t.Errorf("a refused invoke: %v, want an error naming 429", err)
	}
}

// TestInvokerStartsTheJobRunner: the job's hand-off is the same
// asynchronous invoke, of the runner, carrying {"jobId": ...}.
func TestInvokerStartsTheJobRunner(t *testing.T) {
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/2015-03-31/functions/camvault-dev-job-runner/invocations" || r.Header.Get("X-Amz-Invocation-Type") != "Event" {
			t.Errorf("%s %s (%s)", r.Method, r.URL.Path, r.Header.Get("X-Amz-Invocation-Type"))
		}
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	inv := &lambdaapp.Invoker{
		Function: "camvault-dev-job-runner", Region: "eu-west-1", Endpoint: srv.URL,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	}
	if err := inv.StartJob(context.Background(), app.JobEvent{JobID: "01M89KGYH8C5H66S35CSKPGTBA"}); err != nil {
		t.Fatal(err)
	}
	if body != `{"jobId":"01M89KGYH8C5H66S35CSKPGTBA"}` {
		t.Errorf("runner got %s", body)
	}
}
