package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the command's goroutines and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runUntilReady runs the command in process with args (plus free ports and
// dir as data dir) until it has written local.json, then stops it with
// SIGTERM and returns what it printed.
func runUntilReady(t *testing.T, dir string, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	args = append([]string{"--data-dir", dir, "--api-port", "0", "--web-port", "0", "--issuer-port", "0", "--s3-port", "0", "--dynamodb-port", "0"}, args...)
	go func() { done <- run(args, strings.NewReader(""), &out, &errOut) }()
	localJSON := filepath.Join(dir, "local.json")
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if b, err := os.ReadFile(localJSON); err == nil {
			var info map[string]string
			if err := json.Unmarshal(b, &info); err != nil || info["apiUrl"] == "" {
				t.Fatalf("local.json %s: %v", b, err)
			}
			break
		}
		select {
		case code := <-done:
			t.Fatalf("exited with %d before ready: %s", code, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("never ready: %s", errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d: %s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}
	if _, err := os.Stat(localJSON); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("local.json left behind: %v", err)
	}
	return out.String(), errOut.String()
}

// TestRunUntilSignal runs the command in process: it writes local.json when
// ready, prints the URLs and sign-in hint, and on SIGTERM stops and removes
// local.json.
func TestRunUntilSignal(t *testing.T) {
	stdout, _ := runUntilReady(t, t.TempDir(), "--no-seed")
	for _, want := range []string{"viewer@example.com", "admin@example.com", "stranger@example.org", "/docs", "| jq -r .id_token", "no web client built in web/dist: run make web-build"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "seeding") {
		t.Errorf("--no-seed still seeds:\n%s", stdout)
	}
}

// TestStartupOutput checks what a person sees: on the first start one
// progress line for the seeding (no log line per clip), the banner last, and
// the sign-in notes as configured (here: no allowed domain); on the next
// start no seeding at all.
func TestStartupOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the sample clips")
	}
	dir := t.TempDir()
	web := t.TempDir()
	if err := os.WriteFile(filepath.Join(web, "index.html"), []byte("<!doctype html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr := runUntilReady(t, dir, "--allowed-domains", "", "--web-dir", web)
	if strings.Count(stdout, "seeding") != 1 || !strings.Contains(stdout, "first start: seeding") {
		t.Errorf("want one seeding progress line:\n%s", stdout)
	}
	if strings.Contains(stderr, "ingested clip") || strings.Contains(stderr, "level=INFO") {
		t.Errorf("startup logged info lines that bury the banner:\n%.2000s", stderr)
	}
	body, _, _ := strings.Cut(stdout, "camvault-local: stopping")
	if !strings.HasSuffix(body, filepath.Join(dir, "local.json")+"\n") {
		t.Errorf("the banner is not the last of the startup output:\n%s", stdout)
	}
	for _, want := range []string{
		"viewer@example.com     refused (403: not an allowed address or domain)",
		"admin@example.com      an admin (may delete clips)",
		"allowed domains: none",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("banner lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "no web client built") {
		t.Errorf("a built --web-dir is reported missing:\n%s", stdout)
	}

	stdout, _ = runUntilReady(t, dir, "--web-dir", web)
	if strings.Contains(stdout, "seeding") {
		t.Errorf("the second start seeds again:\n%s", stdout)
	}
	if !strings.Contains(stdout, "viewer@example.com     a viewer (allowed domain example.com)") {
		t.Errorf("banner with the default rules:\n%s", stdout)
	}
}
