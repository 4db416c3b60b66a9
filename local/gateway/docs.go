package gateway

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// Docs serves Swagger UI at /docs and the API's OpenAPI document, with the
// local server URL, at /docs/openapi.yaml.
type Docs struct {
	// OpenAPI is the API's OpenAPI 3 document (YAML).
	OpenAPI []byte
	// ServerURL replaces the document's servers (e.g. http://127.0.0.1:4000/dev).
	ServerURL string
	// SwaggerUIDir holds swagger-ui-dist's files (swagger-ui-bundle.js,
	// swagger-ui.css); empty or missing shows a page saying how to get them.
	SwaggerUIDir string
}

// FindSwaggerUI returns node_modules/swagger-ui-dist in the working directory
// or one of its parents, or "" if there is none.
func FindSwaggerUI() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, "node_modules", "swagger-ui-dist")
		if _, err := os.Stat(filepath.Join(p, "swagger-ui-bundle.js")); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>camvault API (local)</title>
<link rel="stylesheet" href="/docs/ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/ui/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`

const docsInit = `window.ui = SwaggerUIBundle({url: "/docs/openapi.yaml", dom_id: "#swagger-ui", persistAuthorization: true});
`

const docsMissing = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>camvault API (local)</title></head>
<body>
<h1>camvault API</h1>
<p>Swagger UI is not installed: run <code>npm ci</code> at the repository root
(it brings <code>swagger-ui-dist</code>), then restart the local stack.</p>
<p>The OpenAPI document: <a href="/docs/openapi.yaml">/docs/openapi.yaml</a>.</p>
</body>
</html>
`

// ServeHTTP serves /docs, /docs/init.js, /docs/openapi.yaml and /docs/ui/*.
func (d *Docs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src *")
	hasUI := d.SwaggerUIDir != ""
	if hasUI {
		if _, err := os.Stat(filepath.Join(d.SwaggerUIDir, "swagger-ui-bundle.js")); err != nil {
			hasUI = false
		}
	}
	switch {
	case r.URL.Path == "/docs" || r.URL.Path == "/docs/":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if hasUI {
			_, _ = w.Write([]byte(docsPage))
		} else {
			_, _ = w.Write([]byte(docsMissing))
		}
	case r.URL.Path == "/docs/init.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		_, _ = w.Write([]byte(docsInit))
	case r.URL.Path == "/docs/openapi.yaml":
		if len(d.OpenAPI) == 0 {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/yaml")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		_, _ = w.Write(WithServer(d.OpenAPI, d.ServerURL))
	case strings.HasPrefix(r.URL.Path, "/docs/ui/") && hasUI:
		name := strings.TrimPrefix(r.URL.Path, "/docs/ui/")
		if name == "" || strings.Contains(name, "/") || strings.Contains(name, "..") {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, filepath.Join(d.SwaggerUIDir, name))
	default:
		http.NotFound(w, r)
	}
}

// WithServer returns the YAML document doc with its top-level servers list
// replaced by the one server url (added after the openapi line if absent).
func WithServer(doc []byte, url string) []byte {
	if url == "" {
		return doc
	}
	lines := strings.SplitAfter(string(doc), "\n")
	servers := "servers:\n  - url: " + url + "\n    description: local stack\n"
	var out bytes.Buffer
	replaced := false
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if strings.HasPrefix(line, "servers:") {
			out.WriteString(servers)
			replaced = true
			for i+1 < len(lines) && (strings.HasPrefix(lines[i+1], " ") || strings.HasPrefix(lines[i+1], "-") || strings.TrimSpace(lines[i+1]) == "") {
				i++
			}
			continue
		}
		out.WriteString(line)
	}
	if replaced {
		return out.Bytes()
	}
	out.Reset()
	for _, line := range lines {
		out.WriteString(line)
		if !replaced && strings.HasPrefix(line, "openapi:") {
			if !strings.HasSuffix(line, "\n") {
				out.WriteString("\n")
			}
			out.WriteString(servers)
			replaced = true
		}
	}
	if !replaced {
		return append([]byte(servers), doc...)
	}
	return out.Bytes()
}
