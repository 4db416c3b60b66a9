package routes

import (
	"reflect"
	"strings"
	"testing"
)

func TestResourcesIncludeParentsInOrder(t *testing.T) {
	want := []string{"/alerts", "/audit", "/cameras", "/grants", "/jobs", "/me", "/shared", "/shares", "/videos", "/alerts/settings", "/alerts/subscriptions", "/cameras/{cameraId}", "/grants/{subject}", "/jobs/{jobId}", "/shares/{shareId}",
		"/alerts/subscriptions/{subscriptionId}", "/cameras/{cameraId}/videos", "/jobs/{jobId}/run", "/cameras/{cameraId}/videos/{videoId}", "/cameras/{cameraId}/videos/{videoId}/keep", "/cameras/{cameraId}/videos/{videoId}/shares"}
	if got := Resources(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Resources() = %v, want %v", got, want)
	}
}

func TestFunctions(t *testing.T) {
	want := []string{"me", "cameras", "videos", "video", "delete-video", "keep", "admin", "shares", "jobs", "shared", "alerts", "ingest", "expire", "push-sender", "job-runner"}
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
		{"POST", "/alerts/subscriptions", "createAlertSubscription", map[string]string{}},
		{"DELETE", "/alerts/subscriptions/abc", "deleteAlertSubscription", map[string]string{"subscriptionId": "abc"}},
		{"PUT", "/alerts/settings", "putAlertSettings", map[string]string{}},
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
		// Viewers read, keep and share what they may see, open share
		// links and manage their own alerts; only admins delete, and the console is for admins.
		console := r.Function == FunctionAdmin || r.Function == FunctionJobs
		if got, want := r.Allows(Viewer), (r.Method == "GET" || r.Function == FunctionKeep || r.Function == FunctionShares || r.Function == FunctionAlerts || r.Public) && !console; got != want {
			t.Errorf("%s %s: viewer allowed = %v, want %v", r.Method, r.Path, got, want)
		}
		if r.Allows("") {
			t.Errorf("%s %s: empty role allowed", r.Method, r.Path)
		}
	}
}

func TestSharingIsAStageOption(t *testing.T) {
	off := Enabled(nil)
	for _, r := range off {
		if r.Feature != "" || r.Public {
			t.Errorf("without sharing: %s %s", r.Method, r.Path)
		}
	}
	if len(off) != len(All())-4 {
		t.Errorf("%d routes without sharing, want %d", len(off), len(All())-4)
	}
	for _, p := range ResourcesIn(nil) {
		if strings.Contains(p, "share") {
			t.Errorf("resource %s without sharing", p)
		}
	}
	for _, f := range FunctionsIn(nil) {
		if f == FunctionShares || f == FunctionShared {
			t.Errorf("function %s without sharing", f)
		}
	}
	var public []string
	for _, r := range Enabled(map[string]bool{FeatureSharing: true}) {
		if r.Public {
			public = append(public, r.Method+" "+r.Path)
		}
	}
	if !reflect.DeepEqual(public, []string{"POST /shared"}) {
		t.Errorf("public routes %v", public)
	}
}
