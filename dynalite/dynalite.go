package dynalite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Options configures a dynalite server.
type Options struct {
	// Dir is the LevelDB directory that persists the tables; empty keeps
	// everything in memory.
	Dir string
	// Port is the loopback port to listen on; 0 picks a free one.
	Port int
	// Bin is the dynalite executable; empty means FindBin.
	Bin string
	// Log receives dynalite's stdout and stderr; nil keeps only the last
	// few kilobytes, which are quoted in start errors.
	Log io.Writer
	// StartTimeout bounds the wait for the port to accept connections
	// (default 20s).
	StartTimeout time.Duration
}

// Server is a running dynalite child process.
type Server struct {
	cmd      *exec.Cmd
	endpoint string
	port     int
	done     chan struct{}
	waitErr  error
	tail     *tailBuffer
	stopOnce sync.Once
}

// ErrNotInstalled reports that no dynalite executable could be found.
var ErrNotInstalled = errors.New("dynalite is not installed: run `npm ci` at the repository root (or set DYNALITE_BIN)")

// FindBin returns the dynalite executable: $DYNALITE_BIN, or
// node_modules/.bin/dynalite in the working directory or one of its parents.
func FindBin() (string, error) {
	if bin := os.Getenv("DYNALITE_BIN"); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("DYNALITE_BIN: %w", err)
		}
		return bin, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find dynalite: %w", err)
	}
	for {
		bin := filepath.Join(dir, "node_modules", ".bin", "dynalite")
		if _, err := os.Stat(bin); err == nil {
			return bin, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNotInstalled
		}
		dir = parent
	}
}

// Start launches dynalite and waits until it accepts connections. The child
// is killed if this process dies (Linux parent-death signal) and by Stop.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin := opts.Bin
	if bin == "" {
		var err error
		if bin, err = FindBin(); err != nil {
			return nil, err
		}
	}
	if _, err := exec.LookPath("node"); err != nil {
		return nil, errors.New("dynalite needs Node.js, and `node` is not on PATH: install Node 20 or newer")
	}
	port := opts.Port
	if port == 0 {
		var err error
		if port, err = freePort(); err != nil {
			return nil, err
		}
	} else if err := portFree(port); err != nil {
		return nil, err
	}
	args := []string{"--host", "127.0.0.1", "--port", strconv.Itoa(port),
		"--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"}
	if opts.Dir != "" {
		if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("dynalite data dir: %w", err)
		}
		args = append(args, "--path", opts.Dir)
	}
	tail := &tailBuffer{max: 8 << 10}
	var out io.Writer = tail
	if opts.Log != nil {
		out = io.MultiWriter(tail, opts.Log)
	}
	cmd := command(bin, args)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start dynalite (%s): %w", bin, err)
	}
	s := &Server{cmd: cmd, endpoint: "http://127.0.0.1:" + strconv.Itoa(port), port: port, done: make(chan struct{}), tail: tail}
	go func() { s.waitErr = cmd.Wait(); close(s.done) }()

	timeout := opts.StartTimeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-s.done:
			return nil, fmt.Errorf("dynalite exited before it was ready (%v); its output:\n%s", s.waitErr, tail.String())
		case <-ctx.Done():
			s.Stop()
			return nil, fmt.Errorf("start dynalite: %w", ctx.Err())
		case <-deadline.C:
			s.Stop()
			return nil, fmt.Errorf("dynalite did not listen on port %d within %s; its output:\n%s", port, timeout, tail.String())
		case <-tick.C:
			conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 100*time.Millisecond)
			if err == nil {
				conn.Close()
				return s, nil
			}
		}
	}
}

// Endpoint is the server's base URL, e.g. http://127.0.0.1:43121.
func (s *Server) Endpoint() string { return s.endpoint }

// Port is the loopback port the server listens on. A supervisor restarts
// a crashed server by calling Start again with this Port and the same Dir.
func (s *Server) Port() int { return s.port }

// Done is closed when the process has exited.
func (s *Server) Done() <-chan struct{} { return s.done }

// Err says how the process ended (e.g. "signal: killed"), once Done is
// closed; nil before that, and for a clean exit.
func (s *Server) Err() error {
	select {
	case <-s.done:
		return s.waitErr
	default:
		return nil
	}
}

// Output returns the last few kilobytes dynalite printed.
func (s *Server) Output() string { return s.tail.String() }

// Stop terminates dynalite (SIGTERM, then SIGKILL after two seconds) and
// waits for it to exit. It is safe to call more than once.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		pgid := -s.cmd.Process.Pid
		_ = syscall.Kill(pgid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(2 * time.Second):
			_ = syscall.Kill(pgid, syscall.SIGKILL)
			<-s.done
		}
	})
	return nil
}

// Kill ends dynalite at once with SIGKILL, as a crash would; fault tests use it.
func (s *Server) Kill() {
	s.stopOnce.Do(func() {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	})
}

// guard is run by node in front of dynalite's cli.js. dynalite throws from a
// request's error handler when a client hangs up mid-request (a cancelled
// context in the AWS SDK does that), which kills the whole server; the guard
// logs such hang-ups and keeps serving, and exits on anything else. It also
// makes dynalite answer only requests whose Host is a loopback name
// (127.0.0.1, localhost, [::1]), like every server of the local stack: a web
// page that points its own name at 127.0.0.1 (DNS rebinding) gets a 403
// instead of the tables.
const guard = `process.on('uncaughtException', function (err) {
  if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) {
    console.error('dynalite: a client hung up mid-request: ' + err.message)
    return
  }
  console.error((err && err.stack) || err)
  process.exit(1)
})
var http = require('http')
var createServer = http.createServer
function loopbackHost(host) {
  var h = String(host || '').toLowerCase()
  var m = /^\[([^\]]*)\](:\d+)?$/.exec(h)
  if (m) h = m[1]
  else h = h.replace(/:\d+$/, '')
  h = h.replace(/\.$/, '')
  return h === '127.0.0.1' || h === 'localhost' || h === '::1'
}
http.createServer = function () {
  var args = Array.prototype.slice.call(arguments)
  var i = args.length - 1
  if (typeof args[i] === 'function') {
    var handler = args[i]
    args[i] = function (req, res) {
      if (!loopbackHost(req.headers.host)) {
        res.statusCode = 403
        res.setHeader('Content-Type', 'application/json')
        res.end('{"error":{"code":"forbidden_host","message":"the local DynamoDB answers only Host 127.0.0.1, localhost or [::1] (DNS rebinding)"}}')
        return
      }
      return handler(req, res)
    }
  }
  return createServer.apply(this, args)
}
var cli = process.argv[1]
process.argv.splice(1, 1, cli)
require(cli)
`

// command runs dynalite's cli.js under the guard when bin is (a link to) a
// JavaScript file, and bin itself otherwise.
func command(bin string, args []string) *exec.Cmd {
	if real, err := filepath.EvalSymlinks(bin); err == nil && filepath.Ext(real) == ".js" {
		return exec.Command("node", append([]string{"-e", guard, real}, args...)...)
	}
	return exec.Command(bin, args...)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func portFree(port int) error {
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return fmt.Errorf("dynalite port %d is in use: choose another or stop what holds it: %w", port, err)
	}
	return l.Close()
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
