package s3server

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzAuth: whatever a caller sends (method, path and query, Authorization,
// presigned parameters, conditional and copy headers), checking it never
// panics, a request without a valid signature is never authenticated, and
// a camera's key is never allowed anything but creating under its own
// prefix.
func FuzzAuth(f *testing.F) {
	s, err := New(Config{File: filepath.Join(f.TempDir(), "s3.db"), Bucket: "clips-bucket", Keys: testKeys})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	f.Add("PUT", "/clips-bucket/clips/porch/a.mp4", "AWS4-HMAC-SHA256 Credential=CAMPORCH/20261201/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00", "20261201T120000Z", "*", "")
	f.Add("GET", "/clips-bucket/clips/porch/a.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=local%2F20261201%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261201T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=ab", "", "", "", "")
	f.Add("DELETE", "/clips-bucket/clips/garage/b.mp4", "AWS4-HMAC-SHA256 Credential=/x/y/s3/aws4_request,SignedHeaders=,Signature=", "", "", "")
	f.Add("PUT", "/clips-bucket/clips/porch/c.mp4?partNumber=1&uploadId=x", "AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/s3/aws4_request, SignedHeaders=content-length;host, Signature=zz", "20261201T120000Z", "", "clips-bucket/clips/garage/b.mp4")
	f.Add("POST", "/clips-bucket/clips/porch/d.mp4?uploads", "Basic Zm9vOmJhcg==", "", "", "")
	f.Add("GET", "/clips-bucket?list-type=2&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=-1", "", "", "", "")
	f.Fuzz(func(t *testing.T, method, target, authorization, amzDate, ifNoneMatch, copySource string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		r, err := http.NewRequest(method, "http://127.0.0.1:4003"+target, strings.NewReader("body"))
		if err != nil {
			return
		}
		// httptest.NewRequest panics on a request line no client could
		// send (a space or a control character in the target): skip those,
		// as the server never sees them.
		line := r.Method + " " + r.URL.String() + " HTTP/1.0\r\n\r\n"
		if _, err := http.ReadRequest(bufio.NewReader(strings.NewReader(line))); err != nil {
			return
		}
		r = httptest.NewRequest(r.Method, r.URL.String(), strings.NewReader("body"))
		for k, v := range map[string]string{"Authorization": authorization, "X-Amz-Date": amzDate, "If-None-Match": ifNoneMatch, "X-Amz-Copy-Source": copySource, "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"} {
			if v != "" {
				r.Header.Set(k, v)
			}
		}
		if p, serr := s.authenticate(r); serr == nil {
			t.Fatalf("forged request authenticated as %+v: %s %s %q", p, method, target, authorization)
		}
		for _, p := range testPrincipals {
			if p.Camera == "" || s.authorize(p, r) != nil {
				continue
			}
			_, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
			if !strings.HasPrefix(r.URL.Path, "/clips-bucket/") || !strings.HasPrefix(key, "clips/"+p.Camera+"/") || (r.Method != "PUT" && r.Method != "POST") {
				t.Fatalf("camera %s allowed %s %s", p.Camera, r.Method, r.URL)
			}
			if r.Method == "PUT" && r.Header.Get("X-Amz-Copy-Source") != "" {
				t.Fatalf("camera %s allowed a copy into %s", p.Camera, r.URL)
			}
		}
	})
}
