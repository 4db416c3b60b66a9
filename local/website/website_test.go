package website

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b)
}

func TestHandler(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Stage: "dev", APIURL: "http://127.0.0.1:4000/dev", Auth: "dev", ClientID: "c", IssuerURL: "http://127.0.0.1:4002"}
	h := Handler(dir, cfg)
	if code, body := get(t, h, "/"); code != 503 || !strings.Contains(body, "make web-build") {
		t.Fatalf("missing build: %d %s", code, body)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<html>app</html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	_ = os.MkdirAll(filepath.Join(dir, "assets"), 0o755)
	_ = os.WriteFile(filepath.Join(dir, "assets", "app.js"), []byte("js"), 0o644)
	tests := []struct {
		path   string
		status int
		body   string
	}{
		{"/", 200, "<html>app</html>"},
		{"/assets/app.js", 200, "js"},
		{"/cameras/front", 200, "<html>app</html>"},
		{"/missing.js", 404, ""},
		{"/../../etc/passwd", 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			code, body := get(t, h, tt.path)
			if code != tt.status || (tt.body != "" && body != tt.body) {
				t.Fatalf("%d %q", code, body)
			}
		})
	}
	code, body := get(t, h, "/config.json")
	var got map[string]string
	if err := json.Unmarshal([]byte(body), &got); err != nil || code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	want := map[string]string{"stage": "dev", "apiUrl": "http://127.0.0.1:4000/dev", "auth": "dev", "clientId": "c", "issuerUrl": "http://127.0.0.1:4002"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}
