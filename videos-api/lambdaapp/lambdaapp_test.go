package lambdaapp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/camvault/camvault/videos-api/lambdaapp"
)

// TestLoad builds the App as a cold start does: from the environment only,
// with no network call (every AWS endpoint points at a server that counts
// what it is asked), and the cursor key required only where lists are
// served.
func TestLoad(t *testing.T) {
	var calls atomic.Int64
	aws := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer aws.Close()
	base := map[string]string{
		"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_ENDPOINT_URL": aws.URL, "AWS_EC2_METADATA_DISABLED": "true",
		"TABLE_NAME": "clips", "BUCKET_NAME": "bucket", "WEB_ORIGIN": "https://videos.example.com",
		"CURSOR_SECRET": "0123456789abcdef0123",
	}
	tests := []struct {
		name          string
		env           map[string]string
		withCursorKey bool
		wantErr       string
	}{
		{"the videos function with its key", base, true, ""},
		{"another function without one", map[string]string{"CURSOR_SECRET": ""}, false, ""},
		{"the videos function without one", map[string]string{"CURSOR_SECRET": ""}, true, "CURSOR_SECRET"},
		{"a short key", map[string]string{"CURSOR_SECRET": "short"}, true, "cursor secret"},
		{"config missing", map[string]string{"TABLE_NAME": ""}, true, "TABLE_NAME"},
		{"no region", map[string]string{"AWS_REGION": ""}, false, "AWS_REGION"},
		{"no credentials", map[string]string{"AWS_SECRET_ACCESS_KEY": ""}, false, "AWS_SECRET_ACCESS_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range base {
				t.Setenv(k, v)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			a, err := lambdaapp.Load(context.Background(), tt.withCursorKey)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load = %v, want an error naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || a == nil {
				t.Fatalf("Load = %v, %v", a, err)
			}
			if n := calls.Load(); n != 0 {
				t.Fatalf("the cold start made %d AWS calls, want 0", n)
			}
		})
	}
}
