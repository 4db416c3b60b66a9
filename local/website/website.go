// Package website serves the built web client (web/dist) on its own origin,
// with a config.json generated for the local stack, as the deployed stack
// serves it from its bucket.
package website

import (
	"encoding/json"
	"html/template"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Config is the web client's config.json (see docs/contracts.md).
type Config struct {
	Stage     string `json:"stage"`
	APIURL    string `json:"apiUrl"`
	Auth      string `json:"auth"`
	ClientID  string `json:"clientId"`
	IssuerURL string `json:"issuerUrl,omitempty"`
}

// Handler serves dir's files, config.json from cfg, and index.html for
// paths that name no file (client-side routes). If dir has no index.html it
// serves a page saying how to build the client.
func Handler(dir string, cfg Config) http.Handler {
	configJSON, _ := json.MarshalIndent(cfg, "", "  ")
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if r.URL.Path == "/config.json" {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			_, _ = w.Write(configJSON)
			return
		}
		index := filepath.Join(dir, "index.html")
		if _, err := os.Stat(index); err != nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			_ = missingTmpl.Execute(w, map[string]string{"Dir": dir, "API": cfg.APIURL})
			return
		}
		clean := path.Clean("/" + r.URL.Path)
		if clean != "/" {
			if st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(clean))); err != nil || st.IsDir() {
				if path.Ext(clean) == "" {
					// A client-side route: the app handles it.
					w.Header().Set("Cache-Control", "no-cache")
					http.ServeFile(w, r, index)
					return
				}
			}
		}
		if clean == "/" || strings.HasSuffix(clean, ".html") {
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	})
}

var missingTmpl = template.Must(template.New("missing").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>camvault: web client not built</title></head>
<body>
<h1>The web client is not built yet</h1>
<p>No <code>index.html</code> in <code>{{.Dir}}</code>. Run <code>make web-build</code>
(or <code>make dev</code>, which builds it), then reload this page.</p>
<p>The API is running meanwhile: <a href="{{.API}}">{{.API}}</a>.</p>
</body></html>
`))
