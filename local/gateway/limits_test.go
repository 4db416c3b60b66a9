package gateway

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// Requests past API Gateway's quotas (URL length, total header values,
// method ARN length, payload) are refused cleanly, as API Gateway's own
// 4xx in the API's error shape with CORS headers, before the authorizer or
// a handler runs.
func TestRequestLimits(t *testing.T) {
	h := newHarness(t, nil)
	long := func(n int) string { return strings.Repeat("a", n) }
	// The path parameter that makes the GET method ARN exactly maxMethodARN.
	arnFit := maxMethodARN - len(MethodARN(DefaultRegion, DefaultAccountID, DefaultAPIID, "dev", "GET", "/cameras//videos"))
	tests := []struct {
		name, path string
		hdr        map[string]string
		status     int
	}{
		{"URL at the limit", "/dev/videos?camera=" + long(maxURL-len("/dev/videos?camera=")), nil, 200},
		{"URL past the limit", "/dev/videos?camera=" + long(maxURL-len("/dev/videos?camera=")+1), nil, 414},
		{"path past the limit", "/dev/cameras/" + long(maxURL), nil, 414},
		{"method ARN at the limit", "/dev/cameras/" + long(arnFit) + "/videos", nil, 200},
		{"method ARN past the limit", "/dev/cameras/" + long(arnFit+1) + "/videos", nil, 414},
		{"one huge header", "/dev/me", map[string]string{"X-Big": long(maxHeaderValues)}, 431},
		{"many headers adding up", "/dev/me", func() map[string]string {
			m := map[string]string{}
			for i := range 11 {
				m[fmt.Sprintf("X-H%d", i)] = long(1000)
			}
			return m
		}(), 431},
		{"headers under the limit", "/dev/me", map[string]string{"X-Big": long(maxHeaderValues - 2000)}, 200},
		{"unknown route past the URL limit", "/elsewhere/" + long(maxURL), nil, 414},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A token the authorizer refuses: asked, it would make a 401.
			token := "Bearer nobody"
			if tt.status == 200 {
				token = "Bearer viewer"
			}
			resp, body := h.do(t, "GET", tt.path, token, tt.hdr)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %.200s", resp.StatusCode, tt.status, body)
			}
			if tt.status == 200 {
				return
			}
			if n := h.auth.count(token); n != 0 {
				t.Errorf("the authorizer was asked %d times", n)
			}
			if code := errorCode(t, body); code != "bad_request" {
				t.Errorf("code %q, want bad_request", code)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != webOrigin {
				t.Errorf("no CORS header on the %d: %q", tt.status, got)
			}
		})
	}

	t.Run("payload past the limit", func(t *testing.T) {
		req, _ := http.NewRequest("DELETE", h.srv.URL+"/dev/cameras/a/videos/b", io.LimitReader(zeros{}, maxBody+1))
		req.Header.Set("Authorization", "Bearer admin")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 413 || errorCode(t, body) != "bad_request" {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
	})

	// Past what net/http reads at all (1 MB of headers by default): a plain
	// 431 from the server, and the connection is closed, not hung.
	t.Run("headers past the server's limit", func(t *testing.T) {
		conn, err := net.Dial("tcp", strings.TrimPrefix(h.srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		go func() {
			_, _ = fmt.Fprintf(conn, "GET /dev/me HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", long(2<<20))
		}()
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
}

// zeros is an endless body.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
