package routes

import (
	"reflect"
	"testing"
)

func TestResourcesIncludeParentsInOrder(t *testing.T) {
	want := []string{"/audit", "/cameras", "/grants", "/me", "/videos", "/cameras/{cameraId}", "/grants/{subject}", "/cameras/{cameraId}/videos", "/cameras/{cameraId}/videos/{videoId}", "/cameras/{cameraId}/videos/{videoId}/keep"}
	if got := Resources(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Resources() = %v, want %v", got, want)
	}
}

func TestFunctions(t *testing.T) {
	want := []string{"me", "cameras", "videos", "video", "delete-video", "keep", "admin", "ingest", "expire"}
	if got := Functions(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Functions() = %v, want %v", got, want)
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		method, path string
		want         string
		params       map[string]string
	}{
		{"GET", "/me", "getMe", map[string]string{}},
		{"GET", "/cameras/front/videos", "listCameraVideos", map[string]string{"cameraId": "front"}},
		{"GET", "/cameras/front/videos/01J0", "getVideo", map[string]string{"cameraId": "front", "videoId": "01J0"}},
		{"DELETE", "/cameras/front/videos/01J0", "deleteVideo", map[string]string{"cameraId": "front", "videoId": "01J0"}},
		{"PUT", "/cameras/front/videos/01J0/keep", "keepVideo", map[string]string{"cameraId": "front", "videoId": "01J0"}},
		{"DELETE", "/cameras/front/videos/01J0/keep", "unkeepVideo", map[string]string{"cameraId": "front", "videoId": "01J0"}},
		{"GET", "/cameras//videos", "", nil},
		{"POST", "/me", "", nil},
		{"GET", "/cameras/front", "", nil},
		{"PATCH", "/cameras/front", "updateCamera", map[string]string{"cameraId": "front"}},
		{"DELETE", "/cameras/front", "removeCamera", map[string]string{"cameraId": "front"}},
		{"PUT", "/grants/a@example.com", "putGrant", map[string]string{"subject": "a@example.com"}},
		{"GET", "/grants", "listGrants", map[string]string{}},
		{"GET", "/audit", "listAudit", map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			var got string
			var params map[string]string
			for _, r := range All() {
				if p, ok := r.Match(tt.method, tt.path); ok {
					got, params = r.OperationID, p
				}
			}
			if got != tt.want || (tt.want != "" && !reflect.DeepEqual(params, tt.params)) {
				t.Fatalf("got %q %v, want %q %v", got, params, tt.want, tt.params)
			}
		})
	}
}

func TestAllows(t *testing.T) {
	for _, r := range All() {
		if !r.Allows(Admin) {
			t.Errorf("%s %s: admin refused", r.Method, r.Path)
		}
		// Viewers read, and keep what they may see; only admins delete,
		// and the console is for admins.
		console := r.Function == FunctionAdmin
		if got, want := r.Allows(Viewer), (r.Method == "GET" || r.Function == FunctionKeep) && !console; got != want {
			t.Errorf("%s %s: viewer allowed = %v, want %v", r.Method, r.Path, got, want)
		}
		if r.Allows("") {
			t.Errorf("%s %s: empty role allowed", r.Method, r.Path)
		}
	}
}
