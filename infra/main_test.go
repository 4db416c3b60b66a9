package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

// TestMain keeps the jsii runtime's package cache inside the build folder,
// silences its Node version notice, and closes the runtime (and its Node
// child) once every test has run.
func TestMain(m *testing.M) {
	cache, err := filepath.Abs(filepath.Join("..", "build", "jsii-cache"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Setenv("JSII_RUNTIME_PACKAGE_CACHE_ROOT", cache)
	os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
	code := m.Run()
	jsii.Close()
	cleanupFixtures()
	os.Exit(code)
}
