package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRunUntilSignal runs the command in process: it writes local.json when
// ready, prints the URLs and sign-in hint, and on SIGTERM stops and removes
// local.json.
func TestRunUntilSignal(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"--data-dir", dir, "--no-seed", "--api-port", "0", "--web-port", "0", "--issuer-port", "0", "--s3-port", "0", "--dynamodb-port", "0"}, &stdout, &stderr)
	}()
	localJSON := filepath.Join(dir, "local.json")
	deadline := time.Now().Add(30 * time.Second)
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
			t.Fatalf("exited with %d before ready: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("never ready: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}
	if _, err := os.Stat(localJSON); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("local.json left behind: %v", err)
	}
	for _, want := range []string{"viewer@example.com", "admin@example.com", "stranger@example.org", "/docs"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
}
