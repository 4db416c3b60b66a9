package gateway

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDocs(t *testing.T) {
	ui := t.TempDir()
	if err := os.WriteFile(filepath.Join(ui, "swagger-ui-bundle.js"), []byte("bundle"), 0o644); err != nil {
		t.Fatal(err)
	}
	withUI := &Docs{OpenAPI: []byte("openapi: 3.0.3\npaths: {}\n"), ServerURL: "http://127.0.0.1:4000/dev", SwaggerUIDir: ui}
	noUI := &Docs{OpenAPI: withUI.OpenAPI, ServerURL: withUI.ServerURL, SwaggerUIDir: filepath.Join(ui, "missing")}
	tests := []struct {
		name   string
		docs   *Docs
		path   string
		status int
		want   string
	}{
		{"page", withUI, "/docs", 200, `src="/docs/ui/swagger-ui-bundle.js"`},
		{"init script", withUI, "/docs/init.js", 200, `url: "/docs/openapi.yaml"`},
		{"bundle", withUI, "/docs/ui/swagger-ui-bundle.js", 200, "bundle"},
		{"traversal", withUI, "/docs/ui/..%2F..%2Fetc%2Fpasswd", 404, ""},
		{"document", withUI, "/docs/openapi.yaml", 200, "servers:\n  - url: http://127.0.0.1:4000/dev\n"},
		{"missing UI", noUI, "/docs", 200, "npm ci"},
		{"missing UI bundle", noUI, "/docs/ui/swagger-ui-bundle.js", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tt.docs.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
			body, _ := io.ReadAll(rec.Result().Body)
			if rec.Code != tt.status || !strings.Contains(string(body), tt.want) {
				t.Fatalf("%d %q", rec.Code, body)
			}
		})
	}
}
