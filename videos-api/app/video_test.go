package app_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/store"
)

func TestSignedURLs(t *testing.T) {
	e := newEnv(t)
	id := e.upload("front-door", "2026-11-25T14:00:00Z", 1, true)
	clipKey, thumbKey, _ := clip.ObjectKeys("front-door", id)
	status, body := e.call(viewer, "GET", "/cameras/front-door/videos/"+id)
	if status != 200 {
		t.Fatalf("= %d %v", status, body)
	}
	if body["urlExpiresAt"] != "2026-11-25T15:15:00Z" {
		t.Fatalf("urlExpiresAt = %v", body["urlExpiresAt"])
	}
	tests := []struct {
		field, key  string
		contentType string
		disposition string
	}{
		{"playUrl", clipKey, "video/mp4", ""},
		{"downloadUrl", clipKey, "video/mp4", `attachment; filename="front-door-20261125T140000Z.mp4"`},
		{"thumbnailUrl", thumbKey, "image/jpeg", ""},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			raw := body[tt.field].(string)
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			if u.Host != strings.TrimPrefix(e.s3URL, "http://") || u.Path != "/"+bucket+"/"+tt.key {
				t.Fatalf("URL names %s%s, want path-style /%s/%s", u.Host, u.Path, bucket, tt.key)
			}
			checks := map[string]string{
				"X-Amz-Algorithm":              "AWS4-HMAC-SHA256",
				"X-Amz-Expires":                "900",
				"X-Amz-SignedHeaders":          "host",
				"response-content-type":        tt.contentType,
				"response-content-disposition": tt.disposition,
			}
			for k, want := range checks {
				if got := q.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if !strings.HasPrefix(q.Get("X-Amz-Credential"), "AKIDTEST/") || q.Get("X-Amz-Signature") == "" {
				t.Errorf("credential/signature missing: %v", q)
			}
			checkSignature(t, raw)
		})
	}

	// The play URL needs no Authorization header and answers Range requests.
	req, _ := http.NewRequest("GET", body["playUrl"].(string), nil)
	req.Header.Set("Range", "bytes=0-3")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusPartialContent || string(got) != "mp4:" {
		t.Fatalf("Range GET = %d %q, want 206 \"mp4:\"", resp.StatusCode, got)
	}
}

// checkSignature recomputes a presigned URL's signature with the SDK's
// signer: the URL as issued must verify, and tampering with what it signs
// (key, expiry, response headers) must change the signature.
func checkSignature(t *testing.T, raw string) {
	t.Helper()
	sig := func(raw string) (issued, computed string) {
		u, _ := url.Parse(raw)
		q := u.Query()
		issued = q.Get("X-Amz-Signature")
		signedAt, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"X-Amz-Signature", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders"} {
			q.Del(k)
		}
		u.RawQuery = q.Encode()
		req, _ := http.NewRequest("GET", u.String(), nil)
		signed, _, err := v4.NewSigner().PresignHTTP(context.Background(),
			aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret-test"},
			req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", signedAt)
		if err != nil {
			t.Fatal(err)
		}
		su, _ := url.Parse(signed)
		return issued, su.Query().Get("X-Amz-Signature")
	}
	if issued, computed := sig(raw); issued != computed {
		t.Fatalf("the issued URL does not verify: %s != %s", issued, computed)
	}
	u, _ := url.Parse(raw)
	tampers := map[string]func(u *url.URL){
		"key":    func(u *url.URL) { u.Path = strings.Replace(u.Path, "front-door", "garage", 1) },
		"expiry": func(u *url.URL) { q := u.Query(); q.Set("X-Amz-Expires", "604800"); u.RawQuery = q.Encode() },
		"disposition": func(u *url.URL) {
			q := u.Query()
			q.Set("response-content-disposition", "inline")
			u.RawQuery = q.Encode()
		},
	}
	for name, tamper := range tampers {
		c := *u
		tamper(&c)
		if issued, computed := sig(c.String()); issued == computed {
			t.Errorf("tampered %s still verifies", name)
		}
	}
}

func TestDelete(t *testing.T) {
	e := newEnv(t)
	keep := e.upload("front-door", "2026-11-24T10:00:00Z", 1, true)
	gone := e.upload("front-door", "2026-11-25T10:00:00Z", 2, true)
	// A thumbnail uploaded but never linked goes too.
	orphan := e.upload("porch", "2026-11-25T11:00:00Z", 3, false)
	_, orphanThumb, _ := clip.ObjectKeys("porch", orphan)
	e.put(orphanThumb, "image/jpeg", []byte("jpg"), nil)

	tests := []struct {
		name   string
		who    map[string]any
		camera string
		id     string
		status int
	}{
		{"viewer may not", viewer, "front-door", gone, 403},
		{"admin deletes", admin, "front-door", gone, 204},
		{"again is a 404", admin, "front-door", gone, 404},
		{"wrong camera is a 404", admin, "porch", keep, 404},
		{"unlinked thumbnail", admin, "porch", orphan, 204},
		{"bad id", admin, "porch", "nope", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.call(tt.who, "DELETE", "/cameras/"+tt.camera+"/videos/"+tt.id)
			if status != tt.status {
				t.Fatalf("= %d %v, want %d", status, body, tt.status)
			}
		})
	}
	for _, id := range []string{gone, orphan} {
		cam := "front-door"
		if id == orphan {
			cam = "porch"
		}
		clipKey, thumbKey, _ := clip.ObjectKeys(cam, id)
		for _, k := range []string{clipKey, thumbKey} {
			_, err := e.s3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)})
			var nf *s3types.NotFound
			if !errors.As(err, &nf) {
				t.Errorf("%s still exists after delete (%v)", k, err)
			}
		}
		if status, _ := e.call(viewer, "GET", "/cameras/"+cam+"/videos/"+id); status != 404 {
			t.Errorf("GET deleted clip = %d, want 404", status)
		}
	}
	// Each 204 left a tombstone (for a late event of the same clip); the
	// 404s left none.
	st := store.New(e.ddb, e.table)
	for _, tt := range []struct {
		camera, id string
		want       bool
	}{{"front-door", gone, true}, {"porch", orphan, true}, {"porch", keep, false}, {"front-door", keep, false}} {
		if got, err := st.Deleted(context.Background(), tt.camera, tt.id); err != nil || got != tt.want {
			t.Errorf("tombstone of %s/%s = %v, %v; want %v", tt.camera, tt.id, got, err, tt.want)
		}
	}
	_, body := e.call(viewer, "GET", "/videos")
	if got := itemIDs(body); len(got) != 1 || got[0] != "front-door/"+keep {
		t.Fatalf("timeline after delete = %v", got)
	}
	_, body = e.call(viewer, "GET", "/cameras")
	for _, it := range body["items"].([]any) {
		m := it.(map[string]any)
		want := map[string]float64{"front-door": 1, "porch": 0}[m["id"].(string)]
		if m["clipCount"] != want {
			t.Errorf("%s clipCount = %v, want %v", m["id"], m["clipCount"], want)
		}
		if m["id"] == "front-door" && m["lastClipAt"] != "2026-11-24T10:00:00Z" {
			t.Errorf("front-door lastClipAt = %v after deleting the newest clip", m["lastClipAt"])
		}
	}
}
