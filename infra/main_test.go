package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

// jsiiEnv is the environment the jsii runtime (a Node child process) needs:
// its package cache inside the build folder, and no end-of-life banner for
// Node 20.
func jsiiEnv() (map[string]string, error) {
	cache, err := filepath.Abs(filepath.Join("..", "build", "jsii-cache"))
	if err != nil {
		return nil, err
	}
	return map[string]string{
		"JSII_RUNTIME_PACKAGE_CACHE_ROOT":               cache,
		"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
	}, nil
}

// TestMain runs the tests with jsiiEnv and closes the jsii runtime once they
// have all run. The CDK packages start the runtime while they initialize,
// before TestMain, so when the environment lacks jsiiEnv the test binary
// closes that runtime and re-executes itself with it.
func TestMain(m *testing.M) {
	env, err := jsiiEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	missing := false
	for k := range env {
		if _, ok := os.LookupEnv(k); !ok {
			missing = true
			os.Setenv(k, env[k])
		}
	}
	if missing {
		if exe, err := os.Executable(); err == nil {
			jsii.Close()
			err = syscall.Exec(exe, os.Args, os.Environ())
			fmt.Fprintln(os.Stderr, "re-exec with the jsii environment failed, running without it:", err)
		}
	}
	code := m.Run()
	jsii.Close()
	cleanupFixtures()
	os.Exit(code)
}
