package dynalite_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/camvault/camvault/dynalite"
)

func TestStartServesDynamoDBAndStops(t *testing.T) {
	s, err := dynalite.Start(context.Background(), dynalite.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, s.Endpoint(), strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// Unsigned requests are refused with a DynamoDB-shaped error: proof that
	// a DynamoDB API, not some other server, answered.
	if !strings.Contains(string(body), "MissingAuthenticationToken") && !strings.Contains(string(body), "Signature") {
		t.Fatalf("unexpected answer %d: %s", resp.StatusCode, body)
	}
	s.Stop()
	select {
	case <-s.Done():
	default:
		t.Fatal("process still running after Stop")
	}
}

func TestStartRefusesBusyPort(t *testing.T) {
	s, err := dynalite.Start(context.Background(), dynalite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	port := s.Endpoint()[strings.LastIndex(s.Endpoint(), ":")+1:]
	var p int
	for _, c := range port {
		p = p*10 + int(c-'0')
	}
	if _, err := dynalite.Start(context.Background(), dynalite.Options{Port: p}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("want a port-in-use error, got %v", err)
	}
}

// A client that hangs up mid-request (a cancelled SDK call does that) must
// not take dynalite down: unguarded, dynalite throws and exits.
func TestSurvivesClientHangUp(t *testing.T) {
	s, err := dynalite.Start(context.Background(), dynalite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	addr := strings.TrimPrefix(s.Endpoint(), "http://")
	for i := 0; i < 3; i++ {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		// Promise a large body, send a little of it, and hang up.
		fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 100000\r\n\r\n{\"Lim", addr)
		conn.Close()
	}
	// The server must still answer.
	var lastErr error
	for i := 0; i < 40; i++ {
		req, _ := http.NewRequest(http.MethodPost, s.Endpoint(), strings.NewReader("{}"))
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			select {
			case <-s.Done():
				t.Fatalf("dynalite exited after a client hang-up; output:\n%s", s.Output())
			default:
			}
			return
		}
		lastErr = err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("dynalite stopped answering after a client hang-up: %v; output:\n%s", lastErr, s.Output())
}

// A killed server reports how it ended, and a new Start on its Port and Dir
// (what a supervisor does after a crash) serves again on the same endpoint.
func TestKillThenStartAgainOnSamePort(t *testing.T) {
	dir := t.TempDir()
	s, err := dynalite.Start(context.Background(), dynalite.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if s.Err() != nil {
		t.Fatalf("Err while running: %v", s.Err())
	}
	s.Kill()
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("Err after Kill = %v, want a killed process", err)
	}
	again, err := dynalite.Start(context.Background(), dynalite.Options{Dir: dir, Port: s.Port()})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Stop()
	if again.Endpoint() != s.Endpoint() {
		t.Fatalf("endpoint %s after the restart, want %s", again.Endpoint(), s.Endpoint())
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(again.Endpoint(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
}

// TestLoopbackHostsOnly: dynalite answers only loopback Host names, so a
// DNS-rebinding page cannot reach the local tables.
func TestLoopbackHostsOnly(t *testing.T) {
	s, err := dynalite.Start(context.Background(), dynalite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	port := strings.TrimPrefix(s.Endpoint(), "http://127.0.0.1")
	for host, refused := range map[string]bool{
		"127.0.0.1" + port: false, "localhost" + port: false, "[::1]" + port: false, "LOCALHOST": false,
		"rebind.evil.example" + port: true, "127.0.0.1.nip.io" + port: true, "localhost.evil.example": true,
	} {
		req, _ := http.NewRequest(http.MethodPost, s.Endpoint(), strings.NewReader("{}"))
		req.Host = host
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables")
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := resp.StatusCode == http.StatusForbidden && strings.Contains(string(body), "forbidden_host"); got != refused {
			t.Errorf("Host %q: %d %s, want refused=%v", host, resp.StatusCode, body, refused)
		}
	}
}
