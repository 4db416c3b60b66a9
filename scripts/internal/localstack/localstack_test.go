package localstack

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "local.json")
	if err := os.WriteFile(good, []byte(`{"webUrl":"http://127.0.0.1:1","apiUrl":"http://127.0.0.1:2/dev","issuerUrl":"http://127.0.0.1:3","s3Url":"http://127.0.0.1:4","dynamodbUrl":"http://127.0.0.1:5","bucket":"clips","table":"videos","clientId":"cid","stage":"dev"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		path     string
		want     Stack
		wantErr  bool
		notExist bool
	}{
		{name: "all keys", path: good, want: Stack{WebURL: "http://127.0.0.1:1", APIURL: "http://127.0.0.1:2/dev", IssuerURL: "http://127.0.0.1:3", S3URL: "http://127.0.0.1:4", DynamoDBURL: "http://127.0.0.1:5", Bucket: "clips", Table: "videos", ClientID: "cid", Stage: "dev"}},
		{name: "missing file", path: filepath.Join(dir, "nope.json"), wantErr: true, notExist: true},
		{name: "not json", path: bad, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Load(tt.path)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Load() error = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.notExist && !errors.Is(err, os.ErrNotExist) {
				t.Errorf("Load() error = %v, want os.ErrNotExist", err)
			}
			if got != tt.want {
				t.Errorf("Load() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPath(t *testing.T) {
	env := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	tests := []struct {
		name string
		flag string
		env  map[string]string
		want string
	}{
		{name: "flag wins", flag: "a.json", env: map[string]string{EnvPath: "b.json"}, want: "a.json"},
		{name: "env next", env: map[string]string{EnvPath: "b.json"}, want: "b.json"},
		{name: "empty env ignored", env: map[string]string{EnvPath: ""}, want: DefaultPath},
		{name: "default", want: DefaultPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Path(tt.flag, env(tt.env)); got != tt.want {
				t.Errorf("Path() = %q, want %q", got, tt.want)
			}
		})
	}
}
