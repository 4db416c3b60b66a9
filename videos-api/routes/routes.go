// Package routes is the one table of camvault's REST API: every method and
// path, the Lambda function that serves it and who may call it. The local
// stack's gateway and the CDK app both build their routes from it, and a test
// keeps it and openapi.yaml in agreement.
package routes

import "strings"

// Role is the least role that may call a route.
type Role string

// The roles, from least to most privileged. The authorizer puts one of them in
// the request context as "role".
const (
	Viewer Role = "viewer"
	Admin  Role = "admin"
)

// Function names are the Lambdas that serve the API, one per route group.
// Each is built from videos-api/cmd/<name> into build/<name>/bootstrap.
const (
	FunctionMe          = "me"
	FunctionCameras     = "cameras"
	FunctionVideos      = "videos"
	FunctionVideo       = "video"
	FunctionDeleteVideo = "delete-video"
	// FunctionKeep keeps clips past retention and gives them back.
	FunctionKeep = "keep"
	// FunctionAdmin serves the owner's console: grants, the activity
	// trail and camera administration.
	FunctionAdmin = "admin"
	// FunctionAlerts serves a person's Web Push subscriptions and settings.
	FunctionAlerts = "alerts"
	// FunctionIngest is not behind a route: S3 ObjectCreated events invoke it.
	FunctionIngest = "ingest"
	// FunctionJobs runs bulk jobs: delete or keep many clips.
	FunctionJobs = "jobs"
	// FunctionShares makes, lists and revokes share links.
	FunctionShares = "shares"
	// FunctionShared opens a share link: the one public route.
	FunctionShared = "shared"
	// FunctionExpire is not behind a route: the clips table's stream
	// invokes it with the records TTL removes.
	FunctionExpire = "expire"
	// FunctionPushSender is not behind a route either: ingest invokes it
	// asynchronously for each new clip, and it sends the Web Push alerts.
	FunctionPushSender = "push-sender"
	// FunctionJobRunner is not behind a route either: POST /jobs invokes it
	// asynchronously for each new job, and it runs the job to the end,
	// handing it on to a fresh invocation of itself when time runs short.
	FunctionJobRunner = "job-runner"
)

// Route is one method on one resource path of the API.
type Route struct {
	// Method is the HTTP method (GET, PUT, POST, PATCH, DELETE).
	Method string
	// Path is the resource path as API Gateway writes it, with {param}
	// segments and no stage, e.g. /cameras/{cameraId}/videos.
	Path string
	// Function is the Lambda that serves the route.
	Function string
	// Role is the least role allowed to call it.
	Role Role
	// CameraScoped routes carry {cameraId}: a person restricted to some
	// cameras may call them only for those cameras.
	CameraScoped bool
	// OperationID names the route in openapi.yaml.
	OperationID string
	// Public routes have no authorizer (like OPTIONS): anyone may call
	// them, and the handler decides from what the request carries.
	Public bool
	// Feature names the stage option a route belongs to ("" = always
	// there); a stage without it has no such route, not a refusing one.
	Feature string
}

// FeatureSharing is the stage option of the share-link routes.
const FeatureSharing = "sharing"

// EnabledIn reports whether the route exists in a stage with features.
func (r Route) EnabledIn(features map[string]bool) bool {
	return r.Feature == "" || features[r.Feature]
}

// All returns every route of the API. OPTIONS (CORS preflight) is implied on
// every resource and not listed.
func All() []Route {
	return []Route{
		{Method: "GET", Path: "/me", Function: FunctionMe, Role: Viewer, OperationID: "getMe"},
		{Method: "GET", Path: "/cameras", Function: FunctionCameras, Role: Viewer, OperationID: "listCameras"},
		{Method: "GET", Path: "/cameras/{cameraId}/videos", Function: FunctionVideos, Role: Viewer, CameraScoped: true, OperationID: "listCameraVideos"},
		{Method: "GET", Path: "/videos", Function: FunctionVideos, Role: Viewer, OperationID: "listVideos"},
		{Method: "GET", Path: "/cameras/{cameraId}/videos/{videoId}", Function: FunctionVideo, Role: Viewer, CameraScoped: true, OperationID: "getVideo"},
		{Method: "DELETE", Path: "/cameras/{cameraId}/videos/{videoId}", Function: FunctionDeleteVideo, Role: Admin, CameraScoped: true, OperationID: "deleteVideo"},
		{Method: "PUT", Path: "/cameras/{cameraId}/videos/{videoId}/keep", Function: FunctionKeep, Role: Viewer, CameraScoped: true, OperationID: "keepVideo"},
		{Method: "DELETE", Path: "/cameras/{cameraId}/videos/{videoId}/keep", Function: FunctionKeep, Role: Viewer, CameraScoped: true, OperationID: "unkeepVideo"},
		{Method: "GET", Path: "/grants", Function: FunctionAdmin, Role: Admin, OperationID: "listGrants"},
		{Method: "GET", Path: "/grants/{subject}", Function: FunctionAdmin, Role: Admin, OperationID: "getGrant"},
		{Method: "PUT", Path: "/grants/{subject}", Function: FunctionAdmin, Role: Admin, OperationID: "putGrant"},
		{Method: "DELETE", Path: "/grants/{subject}", Function: FunctionAdmin, Role: Admin, OperationID: "deleteGrant"},
		{Method: "GET", Path: "/audit", Function: FunctionAdmin, Role: Admin, OperationID: "listAudit"},
		{Method: "PATCH", Path: "/cameras/{cameraId}", Function: FunctionAdmin, Role: Admin, CameraScoped: true, OperationID: "updateCamera"},
		{Method: "DELETE", Path: "/cameras/{cameraId}", Function: FunctionAdmin, Role: Admin, CameraScoped: true, OperationID: "removeCamera"},
		{Method: "POST", Path: "/cameras/{cameraId}/videos/{videoId}/shares", Function: FunctionShares, Role: Viewer, CameraScoped: true, OperationID: "createShare", Feature: FeatureSharing},
		{Method: "GET", Path: "/shares", Function: FunctionShares, Role: Viewer, OperationID: "listShares", Feature: FeatureSharing},
		{Method: "DELETE", Path: "/shares/{shareId}", Function: FunctionShares, Role: Viewer, OperationID: "revokeShare", Feature: FeatureSharing},
		{Method: "POST", Path: "/jobs", Function: FunctionJobs, Role: Admin, OperationID: "createJob"},
		{Method: "GET", Path: "/jobs/{jobId}", Function: FunctionJobs, Role: Admin, OperationID: "getJob"},
		{Method: "POST", Path: "/jobs/{jobId}/run", Function: FunctionJobs, Role: Admin, OperationID: "runJob"},
		{Method: "POST", Path: "/shared", Function: FunctionShared, Role: Viewer, Public: true, OperationID: "openShare", Feature: FeatureSharing},
		{Method: "GET", Path: "/alerts", Function: FunctionAlerts, Role: Viewer, OperationID: "getAlerts"},
		{Method: "PUT", Path: "/alerts/settings", Function: FunctionAlerts, Role: Viewer, OperationID: "putAlertSettings"},
		{Method: "POST", Path: "/alerts/subscriptions", Function: FunctionAlerts, Role: Viewer, OperationID: "createAlertSubscription"},
		{Method: "DELETE", Path: "/alerts/subscriptions/{subscriptionId}", Function: FunctionAlerts, Role: Viewer, OperationID: "deleteAlertSubscription"},
	}
}

// Enabled returns the routes of All that exist in a stage with features.
func Enabled(features map[string]bool) []Route {
	var out []Route
	for _, r := range All() {
		if r.EnabledIn(features) {
			out = append(out, r)
		}
	}
	return out
}

// Functions returns the names of every Lambda the API and ingest need, in a
// stable order: the API functions of All, then ingest, expire, the push
// sender and the job runner.
func Functions() []string { return functionsOf(All()) }

// FunctionsIn is Functions for a stage with features.
func FunctionsIn(features map[string]bool) []string { return functionsOf(Enabled(features)) }

func functionsOf(rs []Route) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rs {
		if !seen[r.Function] {
			seen[r.Function] = true
			out = append(out, r.Function)
		}
	}
	return append(out, FunctionIngest, FunctionExpire, FunctionPushSender, FunctionJobRunner)
}

// Resources returns every distinct resource path of the API, parents
// included (/cameras/{cameraId} exists because its children do), sorted so
// that a parent comes before its children.
func Resources() []string { return resourcesOf(All()) }

// ResourcesIn is Resources for a stage with features.
func ResourcesIn(features map[string]bool) []string { return resourcesOf(Enabled(features)) }

func resourcesOf(rs []Route) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rs {
		parts := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")
		for i := range parts {
			p := "/" + strings.Join(parts[:i+1], "/")
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	sortByDepth(out)
	return out
}

// Allows reports whether role may call the route (admins may call everything
// a viewer may).
func (r Route) Allows(role Role) bool {
	switch role {
	case Admin:
		return true
	case Viewer:
		return r.Role == Viewer
	default:
		return false
	}
}

// Match reports whether path (no stage prefix, e.g. /cameras/front/videos)
// fits the route's template, and returns the path parameters if so.
func (r Route) Match(method, path string) (map[string]string, bool) {
	if method != r.Method {
		return nil, false
	}
	return MatchPath(r.Path, path)
}

// MatchPath matches a concrete path against a template with {param} segments.
// Parameters match exactly one non-empty segment.
func MatchPath(template, path string) (map[string]string, bool) {
	tp := strings.Split(strings.Trim(template, "/"), "/")
	pp := strings.Split(strings.Trim(path, "/"), "/")
	if len(tp) != len(pp) {
		return nil, false
	}
	params := map[string]string{}
	for i, seg := range tp {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			if pp[i] == "" {
				return nil, false
			}
			params[seg[1:len(seg)-1]] = pp[i]
			continue
		}
		if seg != pp[i] {
			return nil, false
		}
	}
	return params, true
}

func sortByDepth(paths []string) {
	depth := func(p string) int { return strings.Count(p, "/") }
	for i := 1; i < len(paths); i++ {
		for j := i; j > 0 && (depth(paths[j]) < depth(paths[j-1]) || depth(paths[j]) == depth(paths[j-1]) && paths[j] < paths[j-1]); j-- {
			paths[j], paths[j-1] = paths[j-1], paths[j]
		}
	}
}
