package lambdaapp_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/camvault/camvault/videos-api/lambdaapp"
)

// TestLoad builds the App as a cold start does, with the cursor key read
// from a stand-in Secrets Manager (AWS_ENDPOINT_URL_SECRETS_MANAGER).
func TestLoad(t *testing.T) {
	var asked string
	sm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		asked = r.Header.Get("X-Amz-Target") + " " + string(body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if strings.Contains(string(body), "missing") {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"ResourceNotFoundException","message":"no such secret"}`)
			return
		}
		io.WriteString(w, `{"ARN":"arn","Name":"cursor","SecretString":"0123456789abcdef0123"}`)
	}))
	defer sm.Close()
	base := map[string]string{
		"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_ENDPOINT_URL_SECRETS_MANAGER": sm.URL,
		"TABLE_NAME":                       "clips", "BUCKET_NAME": "bucket", "WEB_ORIGIN": "https://videos.example.com",
		"CURSOR_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:cursor",
	}
	tests := []struct {
		name          string
		env           map[string]string
		withCursorKey bool
		wantErr       string
	}{
		{"api function reads the secret", base, true, ""},
		{"ingest does not", map[string]string{"CURSOR_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing"}, false, ""},
		{"secret unreadable", map[string]string{"CURSOR_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing"}, true, "cursor secret"},
		{"config missing", map[string]string{"TABLE_NAME": ""}, true, "TABLE_NAME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range base {
				t.Setenv(k, v)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			asked = ""
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
			if tt.withCursorKey != strings.Contains(asked, "GetSecretValue") {
				t.Fatalf("secret read = %q, want read: %v", asked, tt.withCursorKey)
			}
		})
	}
}
