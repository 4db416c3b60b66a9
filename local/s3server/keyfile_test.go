package s3server

import (
	"os"
	"path/filepath"
	"testing"
)

func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cameras.json")
	server := &KeyFile{Path: path, Service: Principal{AccessKeyID: "svc", SecretAccessKey: "svc-secret"}}
	if p, ok := server.Lookup("svc"); !ok || p.Camera != "" {
		t.Fatalf("service key = %+v %v", p, ok)
	}
	if _, ok := server.Lookup("CVLCNOPE"); ok {
		t.Fatal("an unknown key was found before the file exists")
	}
	// Another process (upload-clip) adds cameras; the server finds them.
	writer := &KeyFile{Path: path}
	porch, err := writer.Ensure("porch")
	if err != nil {
		t.Fatal(err)
	}
	again, err := writer.Ensure("porch")
	if err != nil || again != porch {
		t.Fatalf("Ensure again = %+v %v, want the same key", again, err)
	}
	garage, _ := writer.Ensure("garage")
	if garage.AccessKeyID == porch.AccessKeyID || garage.SecretAccessKey == porch.SecretAccessKey {
		t.Fatal("two cameras share a key")
	}
	for cam, k := range map[string]CameraKey{"porch": porch, "garage": garage} {
		if p, ok := server.Lookup(k.AccessKeyID); !ok || p.Camera != cam || p.SecretAccessKey != k.SecretAccessKey {
			t.Errorf("Lookup(%s) = %+v %v, want camera %s", k.AccessKeyID, p, ok, cam)
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v %v, want 0600", fi.Mode(), err)
	}
	for _, bad := range []string{"", "Porch", "a/b", "../x"} {
		if _, err := writer.Ensure(bad); err == nil {
			t.Errorf("Ensure(%q) accepted a bad camera id", bad)
		}
	}
}
