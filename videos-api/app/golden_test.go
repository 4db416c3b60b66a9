package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/routes"
)

var update = flag.Bool("update", false, "rewrite testdata/responses from the handlers' answers")

// goldenResponse is a proxy response with its JSON body decoded, so the
// fixtures read as the client sees them.
type goldenResponse struct {
	StatusCode int               `json:"statusCode"`
	Headers    map[string]string `json:"headers"`
	Body       json.RawMessage   `json:"body,omitempty"`
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestGoldenEvents feeds the events API Gateway and S3 send (testdata/events,
// in their wire format) to ingest and the handlers, and compares the
// responses with testdata/responses (go test -update rewrites them).
func TestGoldenEvents(t *testing.T) {
	e := newEnv(t)
	var s3ev events.S3Event
	readJSON(t, "testdata/events/s3-put-clips.json", &s3ev)
	if got := s3ev.Records[1].S3.Object.URLDecodedKey; got != "clips/front-door/2026/11/24/20261124T235959.000Z_01M880110R60R30C1G60R30C1J.mp4" {
		t.Fatalf("fixture key decodes to %q", got)
	}
	for _, r := range s3ev.Records[:2] {
		e.put(r.S3.Object.URLDecodedKey, "video/mp4", []byte("0123456789"), map[string]string{"duration-seconds": "30"})
	}
	if err := e.app.Ingest(context.Background(), s3ev); err != nil {
		t.Fatal(err)
	}
	// In order: the viewer's reads, then a refused and an accepted delete.
	for _, name := range []string{
		"apigw-get-me", "apigw-get-cameras", "apigw-get-videos", "apigw-get-camera-videos-restricted",
		"apigw-get-videos-bad-limit", "apigw-delete-video-viewer", "apigw-delete-video",
	} {
		t.Run(name, func(t *testing.T) {
			var req events.APIGatewayProxyRequest
			readJSON(t, filepath.Join("testdata/events", name+".json"), &req)
			fn := ""
			for _, r := range routes.All() {
				if r.Method == req.HTTPMethod && r.Path == req.Resource {
					fn = r.Function
				}
			}
			resp, err := e.h[fn](context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			validate(t, req, resp)
			got := goldenResponse{StatusCode: resp.StatusCode, Headers: resp.Headers}
			if resp.Body != "" {
				got.Body = json.RawMessage(resp.Body)
			}
			out, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, '\n')
			path := filepath.Join("testdata/responses", name+".json")
			if *update {
				if err := os.WriteFile(path, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(out, want) {
				t.Fatalf("response differs from %s:\n%s", path, out)
			}
		})
	}
}
