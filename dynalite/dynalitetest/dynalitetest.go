// Package dynalitetest starts an in-memory dynalite for a test or a whole
// test binary, so DynamoDB code is tested against a real DynamoDB API.
package dynalitetest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/camvault/camvault/dynalite"
)

// Start runs a fresh in-memory dynalite for t and stops it when t ends.
// It fails the test (it does not skip) when dynalite is missing: CI must have it.
func Start(t testing.TB) string {
	t.Helper()
	s, err := dynalite.Start(context.Background(), dynalite.Options{})
	if err != nil {
		t.Fatalf("dynalitetest: %v", err)
	}
	t.Cleanup(func() { s.Stop() })
	return s.Endpoint()
}

var (
	shared     *dynalite.Server
	sharedErr  error
	sharedOnce sync.Once
)

// Shared returns the endpoint of one dynalite shared by every test of the
// package; call Stop from TestMain after m.Run. Tests sharing it should use
// their own table names.
func Shared(t testing.TB) string {
	t.Helper()
	sharedOnce.Do(func() {
		shared, sharedErr = dynalite.Start(context.Background(), dynalite.Options{})
	})
	if sharedErr != nil {
		t.Fatalf("dynalitetest: %v", sharedErr)
	}
	return shared.Endpoint()
}

// Stop ends the shared server, if one was started.
func Stop() {
	if shared != nil {
		if err := shared.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "dynalitetest:", err)
		}
	}
}
