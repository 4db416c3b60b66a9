package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/grant"
)

// consoleOps are the console routes FuzzConsole drives, by index.
var consoleOps = [][2]string{
	{"PUT", "/grants/{subject}"},
	{"DELETE", "/grants/{subject}"},
	{"GET", "/grants/{subject}"},
	{"GET", "/grants"},
	{"GET", "/audit"},
	{"PATCH", "/cameras/{cameraId}"},
	{"DELETE", "/cameras/{cameraId}"},
}

// FuzzConsole: the console's request bodies, path parameters and trail
// queries, from an owner or from an admin restricted to some cameras,
// never get a 5xx, a Go error or a panic while storage is up; a 400 names
// its field; the allowlist table only ever holds what the authorizer can
// read (a valid lowercase subject, a known role, valid camera ids); and a
// restricted admin never sees a camera outside their own.
func FuzzConsole(f *testing.F) {
	e := newConsoleEnv(f)
	e.upload("porch", "2026-11-25T10:00:00Z", 1, false)
	e.upload("front-door", "2026-11-25T11:00:00Z", 2, false)
	e.upload("garage", "2026-11-25T12:00:00Z", 3, false)
	for _, s := range []struct {
		op             uint8
		param, body    string
		person, camera string
		limit, cursor  string
		restricted     bool
	}{
		{0, "ana@example.com", `{"role":"viewer","cameras":["porch"]}`, "", "", "", "", false},
		{0, "example.org", `{"role":"admin","cameras":["*"]}`, "", "", "", "", false},
		{0, "ana@example.com", `{"role":"viewer","cameras":["porch","front-door"]}`, "", "", "", "", true},
		{0, "Ana@Example.com", `{"role":"root","cameras":[]}`, "", "", "", "", false},
		{0, "ana@example.com", `{"role":"viewer","cameras":["*"],"x":1}`, "", "", "", "", true},
		{0, "admin@example.com", `{"role":"viewer","cameras":["*"]}`, "", "", "", "", false},
		{1, "ana@example.com", "", "", "", "", "", true},
		{2, "example.org", "", "", "", "", "", true},
		{3, "", "", "", "", "1", "", true},
		{3, "", "", "", "", "0", "x.y", false},
		{4, "", "", "ana@example.com", "porch", "2", "", false},
		{4, "", "", "Ana", "garage", "", "bm90", true},
		{5, "porch", `{"name":"Back porch"}`, "", "", "", "", true},
		{5, "garage", `{"disabled":true}`, "", "", "", "", false},
		{5, "porch", `{"name":"\u0000"}`, "", "", "", "", false},
		{6, "garage", "", "", "", "", "", true},
	} {
		f.Add(s.op, s.param, s.body, s.person, s.camera, s.limit, s.cursor, s.restricted)
	}
	f.Fuzz(func(t *testing.T, op uint8, param, body, person, camera, limit, cursor string, restricted bool) {
		o := consoleOps[int(op)%len(consoleOps)]
		ctxt := owner
		if restricted {
			ctxt = who("lim@example.com", "admin", "front-door,porch", "email-grant", now)
		}
		_, req := request(ctxt, o[0], strings.ReplaceAll(strings.ReplaceAll(o[1], "{subject}", "x"), "{cameraId}", "x"))
		req.Path = "/fuzz"
		if strings.Contains(o[1], "{") {
			key := "subject"
			if strings.Contains(o[1], "{cameraId}") {
				key = "cameraId"
			}
			req.PathParameters = map[string]string{key: param}
		}
		q := map[string]string{}
		for k, v := range map[string]string{"person": person, "camera": camera, "limit": limit, "cursor": cursor} {
			if v != "" {
				q[k] = v
			}
		}
		if len(q) > 0 {
			req.QueryStringParameters = q
		}
		req.Body = body
		resp, err := e.h["admin"](context.Background(), req)
		if err != nil {
			t.Fatalf("handler error %v", err)
		}
		switch resp.StatusCode {
		case 200, 202, 204, 400, 403, 404, 409:
		default:
			t.Fatalf("%s %s %q %q: status %d %s", o[0], o[1], param, body, resp.StatusCode, resp.Body)
		}
		var out map[string]any
		if resp.Body != "" {
			if err := json.Unmarshal([]byte(resp.Body), &out); err != nil {
				t.Fatalf("body is not JSON: %q", resp.Body)
			}
		}
		if resp.StatusCode == 400 {
			if code, p := errorOf(out); code != "invalid_parameter" || p == "" {
				t.Fatalf("400 without a named parameter: %s", resp.Body)
			}
		}
		if restricted && resp.StatusCode < 300 {
			if strings.Contains(resp.Body, "garage") {
				t.Fatalf("a restricted admin was shown garage: %s", resp.Body)
			}
		}
		if o[0] == "PUT" && resp.StatusCode == 200 {
			checkAllowlist(t, e)
		}
	})
}

// checkAllowlist fails unless every grant item is one the authorizer reads
// as written.
func checkAllowlist(t *testing.T, e *consoleEnv) {
	t.Helper()
	res, err := e.ddb.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(e.allowlist)})
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range res.Items {
		subj := item["subject"].(*ddbtypes.AttributeValueMemberS).Value
		if _, _, err := grant.ParseSubject(subj); err != nil {
			t.Fatalf("allowlist holds subject %q: %v", subj, err)
		}
		if r, _ := item["role"].(*ddbtypes.AttributeValueMemberS); r == nil || (r.Value != "viewer" && r.Value != "admin") {
			t.Fatalf("allowlist holds role %v for %s", item["role"], subj)
		}
		if cams, ok := item["cameras"]; ok {
			ss, ok := cams.(*ddbtypes.AttributeValueMemberSS)
			if !ok || len(ss.Value) == 0 {
				t.Fatalf("allowlist cameras %v for %s", cams, subj)
			}
			for _, c := range ss.Value {
				if !clip.ValidCameraID(c) {
					t.Fatalf("allowlist camera %q for %s", c, subj)
				}
			}
		}
	}
}
