package postman

import (
	"strconv"
	"strings"
)

// unknownVideoID is a well-formed video id no clip has.
const unknownVideoID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"

// check is one request of the contract-checks folder.
type check struct {
	name    string
	method  string
	path    string // after {{baseUrl}}, with {{variables}}
	query   [][2]string
	auth    string // "" inherits Bearer {{token}}, "none", or a {{variable}} or literal token
	headers [][2]string
	body    string // a JSON request body, sent with Content-Type: application/json
	tests   []string
}

// checks run after the generated requests, so cameraId and videoId hold a
// real clip. The admin DELETE removes that clip; the next check sees it gone.
var checks = []check{
	{
		name: "401 without a token", method: "GET", path: "/me", auth: "none",
		tests: status(401, "unauthorized", true),
	},
	{
		name: "401 with a malformed token", method: "GET", path: "/cameras", auth: "not-a-jwt",
		tests: status(401, "unauthorized", true),
	},
	{
		name: "403 for a stranger", method: "GET", path: "/me", auth: "{{strangerToken}}",
		tests: status(403, "forbidden", true),
	},
	{
		name: "400 for a bad limit", method: "GET", path: "/videos", query: [][2]string{{"limit", "0"}},
		tests: append(status(400, "invalid_parameter", false), mentions("limit")...),
	},
	{
		name: "400 for a cursor the API did not issue", method: "GET", path: "/cameras/{{cameraId}}/videos", query: [][2]string{{"cursor", "bm90LWEtcmVhbC1jdXJzb3I"}},
		tests: append(status(400, "invalid_parameter", false), mentions("cursor")...),
	},
	{
		name: "400 for a bad from time", method: "GET", path: "/videos", query: [][2]string{{"from", "yesterday"}},
		tests: append(status(400, "invalid_parameter", false), mentions("from")...),
	},
	{
		name: "404 for a route the API does not have", method: "GET", path: "/no-such-route", auth: "none",
		tests: status(404, "not_found", true),
	},
	{
		name: "limit is honoured", method: "GET", path: "/videos", query: [][2]string{{"limit", "1"}},
		tests: append(status(200, "", false),
			"pm.test('exactly one item', function () { pm.expect(pm.response.json().items).to.have.lengthOf(1); });"),
	},
	{
		name: "404 for an unknown clip", method: "GET", path: "/cameras/{{cameraId}}/videos/" + unknownVideoID,
		tests: status(404, "not_found", false),
	},
	{
		name: "one clip with signed URLs that answer a Range request", method: "GET", path: "/cameras/{{cameraId}}/videos/{{videoId}}",
		tests: append(status(200, "", false),
			"var clip = pm.response.json();",
			"pm.test('the clip is the one asked for', function () {",
			"  pm.expect(clip.id).to.equal(pm.collectionVariables.get('videoId'));",
			"  pm.expect(clip.cameraId).to.equal(pm.collectionVariables.get('cameraId'));",
			"  pm.expect(clip).to.include.all.keys('playUrl', 'downloadUrl', 'capturedAt');",
			"});",
			"pm.test('the clip carries the SHA-256 S3 verified at upload', function () {",
			"  pm.expect(clip.sha256).to.match(/^[0-9a-f]{64}$/);",
			"});",
			"if (clip.playUrl) {",
			"  pm.sendRequest({ url: clip.playUrl, method: 'GET', header: { Range: 'bytes=0-99' } }, function (err, res) {",
			"    pm.test('the play URL answers a Range request with 206 (no Authorization needed)', function () {",
			"      pm.expect(err).to.equal(null);",
			"      pm.expect(res.code).to.equal(206);",
			"    });",
			"  });",
			"}",
		),
	},
	{
		name: "403 when a viewer deletes", method: "DELETE", path: "/cameras/{{cameraId}}/videos/{{videoId}}",
		tests: status(403, "forbidden", true),
	},
	{
		name: "an admin deletes the clip", method: "DELETE", path: "/cameras/{{cameraId}}/videos/{{videoId}}", auth: "{{adminToken}}",
		tests: []string{
			"pm.test('videoId came from a list', function () { pm.expect(pm.collectionVariables.get('videoId')).to.match(/^[0-9A-HJKMNP-TV-Z]{26}$/); });",
			"pm.test('status is 2xx', function () { pm.expect(pm.response.code).to.be.within(200, 299); });",
		},
	},
	{
		name: "404 for the deleted clip", method: "GET", path: "/cameras/{{cameraId}}/videos/{{videoId}}",
		tests: status(404, "not_found", false),
	},
	{
		name: "CORS preflight needs no token", method: "OPTIONS", path: "/cameras/{{cameraId}}/videos", auth: "none",
		headers: [][2]string{{"Origin", "http://127.0.0.1"}, {"Access-Control-Request-Method", "GET"}, {"Access-Control-Request-Headers", "authorization"}},
		tests: []string{
			"pm.test('status is 2xx', function () { pm.expect(pm.response.code).to.be.within(200, 299); });",
			"pm.test('allows GET and Authorization', function () {",
			"  pm.expect(pm.response.headers.get('Access-Control-Allow-Methods')).to.include('GET');",
			"  pm.expect(pm.response.headers.get('Access-Control-Allow-Headers').toLowerCase()).to.include('authorization');",
			"});",
		},
	},
}

// status asserts the status code, the error shape of a 4xx and, if errCode
// is not empty, its code (one of the Error schema's codes in openapi.yaml;
// the gateway's own 401/403/404 answers use them too); cors also asserts the
// CORS header a browser needs to read the answer.
func status(code int, errCode string, cors bool) []string {
	lines := []string{
		"pm.test('status is " + itoa(code) + "', function () { pm.response.to.have.status(" + itoa(code) + "); });",
	}
	if code >= 400 {
		lines = append(lines,
			"pm.test('error is {error: {code, message}}', function () {",
			"  var e = pm.response.json().error;",
			"  pm.expect(e).to.be.an('object');",
			"  pm.expect(e.code).to.be.a('string');",
			"  pm.expect(e.message).to.be.a('string');",
		)
		if errCode != "" {
			lines = append(lines, "  pm.expect(e.code).to.equal('"+errCode+"');")
		}
		lines = append(lines, "});")
	}
	if cors {
		lines = append(lines, "pm.test('carries CORS headers', function () { pm.expect(pm.response.headers.has('Access-Control-Allow-Origin')).to.be.true; });")
	}
	return lines
}

// mentions asserts that the error message names the parameter.
func mentions(param string) []string {
	return []string{"pm.test('the error names " + param + "', function () { pm.expect(JSON.stringify(pm.response.json().error)).to.include('" + param + "'); });"}
}

func itoa(n int) string { return strconv.Itoa(n) }

// checksFolder returns the contract-checks folder.
func checksFolder() map[string]any {
	all := append(append(append([]check{}, checks...), consoleChecks...), alertChecks...)
	items := make([]any, 0, len(all))
	for _, c := range all {
		items = append(items, c.item())
	}
	return map[string]any{
		"name":        "contract checks",
		"description": "Run after the requests above (they fill in cameraId and videoId). Uses adminToken and strangerToken; the admin checks delete a clip, rename its camera and add and remove a grant.",
		"item":        items,
	}
}

func (c check) item() map[string]any {
	segs := strings.Split(strings.TrimPrefix(c.path, "/"), "/")
	path := make([]any, len(segs))
	for i, s := range segs {
		path[i] = s
	}
	raw := "{{baseUrl}}" + c.path
	var query []any
	for i, q := range c.query {
		if i == 0 {
			raw += "?"
		} else {
			raw += "&"
		}
		raw += q[0] + "=" + q[1]
		query = append(query, map[string]any{"key": q[0], "value": q[1]})
	}
	url := map[string]any{"raw": raw, "host": []any{"{{baseUrl}}"}, "path": path}
	if query != nil {
		url["query"] = query
	}
	headers := []any{}
	for _, h := range c.headers {
		headers = append(headers, map[string]any{"key": h[0], "value": h[1]})
	}
	if c.body != "" {
		headers = append(headers, map[string]any{"key": "Content-Type", "value": "application/json"})
	}
	req := map[string]any{"method": c.method, "header": headers, "url": url}
	if c.body != "" {
		req["body"] = map[string]any{"mode": "raw", "raw": c.body, "options": map[string]any{"raw": map[string]any{"language": "json"}}}
	}
	switch c.auth {
	case "":
	case "none":
		req["auth"] = map[string]any{"type": "noauth"}
	default:
		req["auth"] = bearer(c.auth)
	}
	return map[string]any{
		"name":    c.name,
		"request": req,
		"event":   []any{event("test", c.tests)},
	}
}
