package openapidoc

import (
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestSetServer(t *testing.T) {
	fixture, err := os.ReadFile("testdata/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	noServers := strings.Replace(string(fixture), "servers:\n  - url: https://example.execute-api.us-east-1.amazonaws.com/dev\n", "", 1)
	tests := []struct {
		name      string
		doc       string
		url       string
		want      string
		wantErrIn string
	}{
		{name: "replaces servers", doc: string(fixture), url: "http://127.0.0.1:4000/dev", want: "http://127.0.0.1:4000/dev"},
		{name: "adds servers", doc: noServers, url: "https://abc.execute-api.eu-west-1.amazonaws.com/qa/", want: "https://abc.execute-api.eu-west-1.amazonaws.com/qa"},
		{name: "relative url", doc: string(fixture), url: "/dev", wantErrIn: "absolute"},
		{name: "empty url", doc: string(fixture), url: "", wantErrIn: "absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			err = d.SetServer(tt.url, "camvault stage")
			if tt.wantErrIn != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrIn) {
					t.Fatalf("SetServer() error = %v, want %q", err, tt.wantErrIn)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out, err := d.Encode()
			if err != nil {
				t.Fatal(err)
			}
			again, err := Parse(out)
			if err != nil {
				t.Fatalf("output does not parse: %v\n%s", err, out)
			}
			if got := again.Server(); got != tt.want {
				t.Errorf("Server() = %q, want %q", got, tt.want)
			}
			if strings.Count(string(out), "servers:") != 1 {
				t.Errorf("want exactly one servers key:\n%s", out)
			}
			if !strings.Contains(string(out), "# A trimmed copy") {
				t.Error("the document's comment was lost")
			}
			if len(again.Operations()) != 6 {
				t.Errorf("operations = %d, want 6", len(again.Operations()))
			}
			// servers sits right after info.
			if i, j := strings.Index(string(out), "info:"), strings.Index(string(out), "servers:"); j < i || strings.Index(string(out), "paths:") < j {
				t.Errorf("servers is not between info and paths:\n%s", out)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct{ name, doc string }{
		{name: "swagger 2", doc: "swagger: \"2.0\"\npaths: {}\n"},
		{name: "no paths", doc: "openapi: 3.0.3\ninfo: {title: x, version: \"1\"}\n"},
		{name: "not a mapping", doc: "- a\n- b\n"},
		{name: "not yaml", doc: "openapi: [\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.doc)); err == nil {
				t.Error("Parse() = nil error, want one")
			}
		})
	}
}

func TestOperations(t *testing.T) {
	fixture, err := os.ReadFile("testdata/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(fixture)
	if err != nil {
		t.Fatal(err)
	}
	got := d.Operations()
	want := []Operation{
		{Method: "GET", Path: "/me", ID: "getMe", Statuses: []int{200, 401, 403}},
		{Method: "GET", Path: "/cameras", ID: "listCameras", Statuses: []int{200, 401, 403}},
		{Method: "GET", Path: "/cameras/{cameraId}/videos", ID: "listCameraVideos", Statuses: []int{200, 400, 401, 403, 404}},
		{Method: "GET", Path: "/videos", ID: "listVideos", Statuses: []int{200, 400, 401, 403}},
		{Method: "GET", Path: "/cameras/{cameraId}/videos/{videoId}", ID: "getVideo", Statuses: []int{200, 401, 403, 404}},
		{Method: "DELETE", Path: "/cameras/{cameraId}/videos/{videoId}", ID: "deleteVideo", Statuses: []int{204, 401, 403, 404}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Operations() =\n%+v\nwant\n%+v", got, want)
	}
}

func TestDocuments(t *testing.T) {
	op := Operation{Statuses: []int{200, 404}, Ranges: []int{4}}
	for _, tt := range []struct {
		status int
		want   bool
	}{{200, true}, {404, true}, {418, true}, {201, false}, {500, false}} {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			if got := op.Documents(tt.status); got != tt.want {
				t.Errorf("Documents(%d) = %v, want %v", tt.status, got, tt.want)
			}
		})
	}
}
