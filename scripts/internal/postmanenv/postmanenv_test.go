package postmanenv

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func TestNewSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "env.json")
	e := New("camvault-local", "http://127.0.0.1:4000/dev")
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(e.ID) {
		t.Errorf("ID %q is not a v4 UUID", e.ID)
	}
	if err := e.Save(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"baseUrl": "http://127.0.0.1:4000/dev", "token": ""} {
		if v, ok := got.Get(key); !ok || v != want {
			t.Errorf("Get(%q) = %q, %v; want %q", key, v, ok, want)
		}
	}
	if got.Scope != "environment" || got.Name != "camvault-local" {
		t.Errorf("scope/name = %q/%q", got.Scope, got.Name)
	}
}

func TestSetInFile(t *testing.T) {
	tests := []struct {
		name     string
		key      string
		secret   bool
		wantType string
		wantLen  int
	}{
		{name: "existing token keeps secret type", key: "token", wantType: "secret", wantLen: 2},
		{name: "new secret variable", key: "adminToken", secret: true, wantType: "secret", wantLen: 3},
		{name: "new plain variable", key: "cameraId", wantType: "default", wantLen: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "env.json")
			if err := New("x", "http://h").Save(path); err != nil {
				t.Fatal(err)
			}
			if err := SetInFile(path, tt.key, "v1", tt.secret); err != nil {
				t.Fatal(err)
			}
			if err := SetInFile(path, tt.key, "v2", tt.secret); err != nil {
				t.Fatal(err)
			}
			e, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(e.Values) != tt.wantLen {
				t.Errorf("len(Values) = %d, want %d", len(e.Values), tt.wantLen)
			}
			for _, v := range e.Values {
				if v.Key == tt.key && (v.Value != "v2" || v.Type != tt.wantType || !v.Enabled) {
					t.Errorf("variable = %+v, want value v2 type %s enabled", v, tt.wantType)
				}
			}
			if b, _ := e.Get("baseUrl"); b != "http://h" {
				t.Errorf("baseUrl changed to %q", b)
			}
		})
	}
}

func TestSetInFileErrors(t *testing.T) {
	dir := t.TempDir()
	notEnv := filepath.Join(dir, "other.json")
	if err := os.WriteFile(notEnv, []byte(`{"info":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		key  string
	}{
		{name: "missing file", path: filepath.Join(dir, "missing.json"), key: "token"},
		{name: "not an environment", path: notEnv, key: "token"},
		{name: "empty key", path: notEnv, key: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := SetInFile(tt.path, tt.key, "v", true); err == nil {
				t.Error("SetInFile() = nil, want an error")
			}
		})
	}
}
