package soak

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/camvault/camvault/local/stack"
)

// Process is a camvault-local binary started on free loopback ports with
// its own data dir.
type Process struct {
	Info stack.Info
	cmd  *exec.Cmd
	done chan struct{}
}

// StartBinary runs bin (build/bin/camvault-local) with --data-dir dataDir and
// port 0 everywhere, and waits up to timeout for its local.json, as
// scripts/newman.sh does. Its output goes to log.
func StartBinary(ctx context.Context, bin, dataDir string, log io.Writer, timeout time.Duration, extra ...string) (*Process, error) {
	args := append([]string{"--data-dir", dataDir, "--api-port", "0", "--web-port", "0", "--issuer-port", "0",
		"--s3-port", "0", "--dynamodb-port", "0"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	p := &Process{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	file := filepath.Join(dataDir, "local.json")
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-p.done:
			return nil, errors.New("camvault-local exited before writing local.json (see its log)")
		case <-ctx.Done():
			p.Stop()
			return nil, ctx.Err()
		case <-deadline.C:
			p.Stop()
			return nil, fmt.Errorf("camvault-local wrote no %s within %s", file, timeout)
		case <-tick.C:
			b, err := os.ReadFile(file)
			if err != nil {
				continue
			}
			if json.Unmarshal(b, &p.Info) == nil && p.Info.APIURL != "" {
				return p, nil
			}
		}
	}
}

// Stop sends SIGTERM and waits up to 15 s, then kills.
func (p *Process) Stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}
