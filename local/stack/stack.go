// Package stack runs all of camvault on loopback: the dev OIDC issuer, S3
// (gofakes3) with ingest notifications, DynamoDB (dynalite, a child
// process), the API Gateway emulator with the real authorizer and videos
// handlers, and the web client. cmd/camvault-local wires flags to Start;
// tests start it in process.
package stack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/authorizer"
	"github.com/camvault/camvault/dynalite"
	"github.com/camvault/camvault/local/gateway"
	"github.com/camvault/camvault/local/hostguard"
	"github.com/camvault/camvault/local/issuer"
	"github.com/camvault/camvault/local/s3server"
	"github.com/camvault/camvault/local/seed"
	"github.com/camvault/camvault/local/ttl"
	"github.com/camvault/camvault/local/website"
	videosapi "github.com/camvault/camvault/videos-api"
	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/push/pushtest"
	"github.com/camvault/camvault/videos-api/store"
)

// Names of the local resources.
const (
	Bucket = "camvault-clips"
	Table  = "camvault-clips"
	// AllowlistTable holds dynamic grants (see authorizer/grants): put an
	// item {subject: "someone@example.net", role: "viewer", cameras: {...}}
	// to admit someone without a restart.
	AllowlistTable = "camvault-allowlist"
	Region         = "us-east-1"
)

// Files and folders of the data dir. Reset removes exactly these.
const (
	dynamoDir     = "dynamodb"
	dynaliteLog   = "dynalite.log"
	s3File        = "s3.db"
	issuerKey     = "issuer-key.pem"
	cursorFile    = "cursor-secret"
	vapidFile     = "vapid-secret"
	seededMarker  = "seeded"
	localJSONFile = "local.json"
	lockFile      = "lock"
	// camerasFile holds each camera's S3 key (see s3server.KeyFile).
	camerasFile = "cameras.json"
)

// Options configures the stack. Zero ports pick free ones.
type Options struct {
	// DataDir holds everything that persists (required).
	DataDir string
	// Stage is the API's stage, the first path segment (default dev).
	Stage string
	// Ports of the servers; 0 = a free port.
	APIPort, WebPort, IssuerPort, S3Port, DynamoDBPort int
	// PushPort is the Web Push service stand-in's port; 0 = a free port.
	PushPort int
	// CacheTTL is the authorizer cache TTL; 0 disables the cache.
	CacheTTL time.Duration
	// AllowedDomains, AllowedEmails and AdminEmails configure the authorizer.
	AllowedDomains, AllowedEmails, AdminEmails []string
	// WebDir is the built web client (e.g. web/dist).
	WebDir string
	// Reset wipes the data dir's stack files first (and so reseeds).
	Reset bool
	// NoSeed skips uploading the sample clips on first start.
	NoSeed bool
	// OpenAPI is the API document served at /docs; nil means the
	// videos-api's embedded openapi.yaml.
	OpenAPI []byte
	// SwaggerUIDir holds swagger-ui-dist; empty looks for node_modules.
	SwaggerUIDir string
	// Log receives the stack's logs (request lines, notifications, the
	// authorizer's decisions); nil discards.
	Log *slog.Logger
	// Progress receives the few lines a person waits for during Start
	// (seeding on first start); nil discards.
	Progress io.Writer
	// Now is the gateway's authorizer-cache clock; nil means time.Now.
	Now func() time.Time
	// GrantCacheTTL is how long the authorizer caches a grant lookup and a
	// confirmed address binding; 0 means its default (60 s). Fault tests
	// make it tiny to see a grants-table outage at once.
	GrantCacheTTL time.Duration
	// WrapAuthorizer, when set, wraps the real authorizer (tests count
	// invocations with it).
	WrapAuthorizer func(gateway.Authorizer) gateway.Authorizer
	// TTLInterval is how often the clips table's TTL stand-in runs
	// (dynalite has no TTL and no streams, see local/ttl); 0 means a
	// minute (DynamoDB's own lag is minutes to days).
	TTLInterval time.Duration
}

// Info is what local.json holds: where everything listens.
type Info struct {
	WebURL      string `json:"webUrl"`
	APIURL      string `json:"apiUrl"`
	IssuerURL   string `json:"issuerUrl"`
	S3URL       string `json:"s3Url"`
	DynamoDBURL string `json:"dynamodbUrl"`
	// PushURL is the Web Push service stand-in: subscription endpoints are
	// {pushUrl}/push/{name}; GET {pushUrl}/received lists what it got.
	PushURL string `json:"pushUrl"`
	Bucket  string `json:"bucket"`
	// Table is the clips table (clips, cameras, revocation records and
	// audiences: the grants CLI records its changes there).
	Table string `json:"table"`
	// AllowlistTable is the authorizer's table of dynamic grants.
	AllowlistTable string `json:"allowlistTable"`
	ClientID       string `json:"clientId"`
	Stage          string `json:"stage"`
	// CamerasFile is the absolute path of the per-camera S3 keys file:
	// the local S3 accepts only signed requests, and a camera's key only
	// creates objects under clips/{its id}/ (upload-clip adds a camera's key
	// the first time it uploads).
	CamerasFile string `json:"camerasFile"`
}

// Stack is a running local camvault.
type Stack struct {
	info     Info
	opts     Options
	log      *slog.Logger
	issuer   *issuer.Issuer
	s3       *s3server.Server
	s3Client *s3.Client
	keys     *s3server.KeyFile
	ddb      *dynamodb.Client
	push     *pushtest.Service
	alerts   sync.WaitGroup // push sends in flight
	// jobs are the job runners in flight (see startJobs); stopJobs
	// cancels them, under jobsMu.
	jobs     sync.WaitGroup
	jobsMu   sync.Mutex
	stopJobs func()
	servers  []*http.Server
	// dynamo supervises the dynalite child (see supervise).
	dynamo  dynamoState
	died    chan error
	dieOnce sync.Once
	closers []func()
	closed  sync.Once
	// ttl expires the clips table's items and feeds their stream records
	// to the videos app's Expire; stopTTL ends its loop.
	ttl     *ttl.Sweeper
	stopTTL func()
	locked  bool // holds the data dir's lock
}

// Start brings every part up, seeds on first start, writes local.json and
// returns. On error everything started so far is stopped again.
func Start(ctx context.Context, opts Options) (_ *Stack, err error) {
	if opts.DataDir == "" {
		return nil, errors.New("stack: no data dir")
	}
	if opts.Stage == "" {
		opts.Stage = "dev"
	}
	logger := opts.Log
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Stack{opts: opts, log: logger, died: make(chan error, 1)}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if err := os.MkdirAll(opts.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	if err := s.lock(); err != nil {
		return nil, err
	}
	if opts.Reset {
		if err := reset(opts.DataDir); err != nil {
			return nil, err
		}
	}
	_ = os.Remove(filepath.Join(opts.DataDir, localJSONFile))

	// Bind every port first, so a port in use fails fast and clearly.
	listeners := map[string]net.Listener{}
	for _, p := range []struct {
		name string
		port int
	}{{"api", opts.APIPort}, {"web", opts.WebPort}, {"issuer", opts.IssuerPort}, {"s3", opts.S3Port}, {"push", opts.PushPort}} {
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p.port))
		if err != nil {
			return nil, fmt.Errorf("%s port %d is in use or unavailable (pass --%s-port N, or 0 for a free port): %w", p.name, p.port, p.name, err)
		}
		s.closers = append(s.closers, func() { l.Close() })
		listeners[p.name] = l
	}
	url := func(name string) string { return "http://" + listeners[name].Addr().String() }
	s.info = Info{
		WebURL: url("web"), APIURL: url("api") + "/" + opts.Stage, IssuerURL: url("issuer"), S3URL: url("s3"), PushURL: url("push"),
		Bucket: Bucket, Table: Table, AllowlistTable: AllowlistTable, ClientID: issuer.ClientID, Stage: opts.Stage,
	}

	// The dev issuer: its key persists so tokens survive restarts.
	s.issuer, err = issuer.New(issuer.Config{URL: s.info.IssuerURL, KeyFile: filepath.Join(opts.DataDir, issuerKey), People: People(opts), WebOrigin: s.info.WebURL})
	if err != nil {
		if errors.Is(err, issuer.ErrCorruptKey) {
			return nil, fmt.Errorf("corrupt data dir %s: %w (run with --reset to start afresh)", opts.DataDir, err)
		}
		return nil, err
	}
	s.serve("issuer", listeners["issuer"], s.issuer.Handler())

	// DynamoDB.
	if err := s.startDynamoDB(ctx); err != nil {
		return nil, err
	}
	s.info.DynamoDBURL = s.dynamo.cur.Endpoint()
	creds := credentials.NewStaticCredentialsProvider("local", "local", "")
	s.ddb = dynamodb.New(dynamodb.Options{Region: Region, BaseEndpoint: aws.String(s.info.DynamoDBURL), Credentials: creds})
	if err := store.CreateTable(ctx, s.ddb, Table); err != nil {
		return nil, fmt.Errorf("create the clips table in dynalite: %w", err)
	}
	// A data dir from before the single timeline partition: move its clips
	// (the last 60 days: twice the default retention) onto it.
	if n, err := store.New(s.ddb, Table).MigrateTimeline(ctx, time.Now().AddDate(0, 0, -60), time.Now().AddDate(0, 0, 1)); err != nil {
		return nil, fmt.Errorf("migrate the clips table's timeline keys: %w", err)
	} else if n > 0 {
		s.log.Info("moved clips to the timeline partition", "clips", n)
	}
	if err := createAllowlistTable(ctx, s.ddb); err != nil {
		return nil, err
	}

	// S3 and the videos app (its ingest receives S3's notifications). The
	// Lambdas' S3 key is made afresh on every start and never written down;
	// cameras' keys live in the data dir.
	service, err := s3server.NewCameraKey()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(filepath.Join(opts.DataDir, camerasFile))
	if err != nil {
		return nil, err
	}
	s.info.CamerasFile = abs
	s.keys = &s3server.KeyFile{Path: abs, Service: s3server.Principal{AccessKeyID: "CVLS" + service.AccessKeyID[4:], SecretAccessKey: service.SecretAccessKey}}
	for _, cam := range seed.Cameras {
		if _, err := s.keys.Ensure(cam.ID); err != nil {
			return nil, err
		}
	}
	s.s3Client = s3.New(s3.Options{
		Region: Region, BaseEndpoint: aws.String(s.info.S3URL), UsePathStyle: true,
		Credentials:                credentials.NewStaticCredentialsProvider(s.keys.Service.AccessKeyID, s.keys.Service.SecretAccessKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
	secret, err := cursorSecret(filepath.Join(opts.DataDir, cursorFile))
	if err != nil {
		return nil, err
	}
	vapid, err := cursorSecret(filepath.Join(opts.DataDir, vapidFile))
	if err != nil {
		return nil, err
	}
	notify, err := s.startAlerts(vapid)
	if err != nil {
		return nil, err
	}
	s.serve("push", listeners["push"], s.push)
	// The job runner runs in process, as push sends do.
	var videos *app.App
	startJob := s.startJobs(func(ctx context.Context, ev app.JobEvent) error { return videos.RunJob(ctx, ev) })
	videos = app.New(app.Config{
		TableName: Table, BucketName: Bucket, WebOrigin: s.info.WebURL, CursorSecret: secret, Logger: logger,
		AllowlistTable: AllowlistTable, Owners: lowercase(opts.AdminEmails),
		VAPIDSecret: vapid, Notify: notify, AllowLoopbackPush: true, StartJob: startJob,
	}, s.ddb, s.s3Client)
	s.s3, err = s3server.New(s3server.Config{
		File: filepath.Join(opts.DataDir, s3File), Bucket: Bucket, Region: Region, WebOrigin: s.info.WebURL,
		Ingest: videos.Ingest, Log: logger, Keys: s.keys.Lookup,
	})
	if err != nil {
		return nil, err
	}
	s.serve("s3", listeners["s3"], s.s3)

	// TTL and the table's stream, which dynalite lacks: expired items go,
	// and their REMOVE records reach the expire function's handler.
	s.ttl = ttl.New(ttl.Config{
		DynamoDB: s.ddb, Table: Table, Attribute: store.TableSchema.TTLAttribute,
		Keys:    []string{store.TableSchema.PartitionKey, store.TableSchema.SortKey},
		Handler: videos.Expire, Log: logger,
	})
	ttlCtx, stopTTL := context.WithCancel(context.Background())
	ttlDone := make(chan struct{})
	every := opts.TTLInterval
	if every <= 0 {
		every = time.Minute
	}
	go func() { defer close(ttlDone); s.ttl.Run(ttlCtx, every) }()
	s.stopTTL = func() { stopTTL(); <-ttlDone }

	// The authorizer, exactly the Lambda's code, pointed at the dev issuer.
	authz, err := authorizer.New(ctx, authorizer.Config{
		ClientIDs:      []string{issuer.ClientID},
		AllowedDomains: opts.AllowedDomains,
		AllowedEmails:  opts.AllowedEmails,
		AdminEmails:    opts.AdminEmails,
		AllowlistTable: AllowlistTable,
		DynamoDB:       s.ddb,
		GrantCacheTTL:  opts.GrantCacheTTL,
		Issuer:         s.info.IssuerURL,
		JWKSURL:        s.info.IssuerURL + "/jwks",
		Logger:         logger,
	})
	if err != nil {
		return nil, fmt.Errorf("authorizer: %w", err)
	}
	var authFn gateway.Authorizer = authz.Handle
	if opts.WrapAuthorizer != nil {
		authFn = opts.WrapAuthorizer(authFn)
	}
	handlers := map[string]gateway.Handler{}
	for name, h := range videos.Handlers() {
		handlers[name] = h
	}
	doc := opts.OpenAPI
	if doc == nil {
		doc = videosapi.OpenAPI()
	}
	uiDir := opts.SwaggerUIDir
	if uiDir == "" {
		uiDir = gateway.FindSwaggerUI()
	}
	gw, err := gateway.New(gateway.Config{
		Stage: opts.Stage, Handlers: handlers, Authorizer: authFn, CacheTTL: opts.CacheTTL,
		WebOrigin: s.info.WebURL, Now: opts.Now, Log: logger,
		Docs: &gateway.Docs{OpenAPI: doc, ServerURL: s.info.APIURL, SwaggerUIDir: uiDir},
	})
	if err != nil {
		return nil, err
	}
	s.serve("api", listeners["api"], gw)
	s.serve("web", listeners["web"], website.Handler(opts.WebDir, website.Config{
		Stage: opts.Stage, APIURL: s.info.APIURL, Auth: "dev", ClientID: issuer.ClientID, IssuerURL: s.info.IssuerURL,
	}))

	if err := s.seed(ctx); err != nil {
		return nil, err
	}
	if err := writeJSON(filepath.Join(opts.DataDir, localJSONFile), s.info); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Stack) startDynamoDB(ctx context.Context) error {
	logPath := filepath.Join(s.opts.DataDir, dynaliteLog)
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("dynalite log: %w", err)
	}
	s.closers = append(s.closers, func() { logFile.Close() })
	fmt.Fprintf(logFile, "--- camvault-local starting dynalite at %s\n", time.Now().Format(time.RFC3339))
	if _, err := exec.LookPath("node"); err != nil {
		return errors.New("node (Node.js) is not on PATH: the local DynamoDB is dynalite, an npm package; install Node 20 or newer, then run `npm ci` (make dev does)")
	}
	dopts := dynalite.Options{Dir: filepath.Join(s.opts.DataDir, dynamoDir), Port: s.opts.DynamoDBPort, Log: logFile}
	d, err := dynalite.Start(ctx, dopts)
	switch {
	case errors.Is(err, dynalite.ErrNotInstalled):
		return fmt.Errorf("%w (make dev does)", err)
	case err != nil && strings.Contains(err.Error(), "in use"):
		return fmt.Errorf("%w (pass --dynamodb-port N, or 0 for a free port)", err)
	case err != nil:
		return fmt.Errorf("DynamoDB (dynalite) did not start: %w\n(full log: %s; if the data dir is damaged, run with --reset)", err, logPath)
	}
	// Restarts use the same data dir and port, so every client's endpoint
	// stays valid.
	dopts.Port = d.Port()
	st := &s.dynamo
	st.cur = d
	st.quit = make(chan struct{})
	st.exited = make(chan struct{})
	st.changed = make(chan struct{})
	go s.supervise(dopts, logFile, logPath)
	return nil
}

// Supervision of dynalite. A local stack is often left running for days; a
// crash of its DynamoDB (out of memory, a bug in dynalite, a stray kill)
// should cost a few 503 storage_unavailable answers, not the whole stack.
const (
	// The wait before a restart doubles with each consecutive failure,
	// from restartDelayFirst up to restartDelayMax.
	restartDelayFirst = 250 * time.Millisecond
	restartDelayMax   = 4 * time.Second
	// quickFailures consecutive failures (a start that fails, or a
	// restarted dynalite that exits again within stableAfter) make the
	// supervisor give up: Died delivers the error and camvault-local stops.
	quickFailures = 5
	stableAfter   = 30 * time.Second
)

// dynamoState is the supervised dynalite: the running server, the restart
// count and the test hooks' hold on restarts.
type dynamoState struct {
	mu       sync.Mutex
	cur      *dynalite.Server // nil while it is down
	restarts int
	holds    int
	changed  chan struct{} // closed and replaced when holds drop to 0
	quit     chan struct{} // closed by Close: stop supervising
	exited   chan struct{} // closed when supervise returns
}

// supervise waits for dynalite to exit; unless the stack is closing, it logs
// the exit with dynalite's last output and starts it again on the same port
// and data dir after a growing delay. After quickFailures consecutive
// failures (crashes within stableAfter of a start, or starts that fail) it
// gives up: Died delivers the error and camvault-local stops the stack.
func (s *Stack) supervise(opts dynalite.Options, logFile io.Writer, logPath string) {
	st := &s.dynamo
	defer close(st.exited)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-st.quit:
			cancel()
		case <-ctx.Done():
		}
	}()
	st.mu.Lock()
	d := st.cur
	st.mu.Unlock()
	failures := 0
	for {
		upSince := time.Now()
		select {
		case <-st.quit:
			return
		case <-d.Done():
		}
		select {
		case <-st.quit: // Close is stopping it: not a crash
			return
		default:
		}
		st.mu.Lock()
		st.cur = nil
		st.mu.Unlock()
		if time.Since(upSince) >= stableAfter {
			failures = 0
		}
		failures++
		last := fmt.Sprintf("it exited (%v); its last output:\n%s", d.Err(), lastLines(d.Output(), 20))
		s.log.Error("dynalite (the local DynamoDB) exited unexpectedly; the API answers 503 storage_unavailable until it is restarted",
			"exit", fmt.Sprint(d.Err()), "endpoint", d.Endpoint(), "log", logPath, "output", lastLines(d.Output(), 20))
		for d = nil; d == nil; {
			if failures >= quickFailures {
				s.die(fmt.Errorf("dynalite (the local DynamoDB) failed %d times in a row, so camvault-local gives up; last, %s\n(full log: %s; if the data dir is damaged, run with --reset)", failures, last, logPath))
				return
			}
			if !s.waitRestart(ctx, min(restartDelayFirst<<(failures-1), restartDelayMax)) {
				return
			}
			fmt.Fprintf(logFile, "--- camvault-local restarting dynalite at %s\n", time.Now().Format(time.RFC3339))
			next, err := dynalite.Start(ctx, opts)
			if ctx.Err() != nil {
				if err == nil {
					_ = next.Stop()
				}
				return
			}
			if err != nil {
				failures++
				last = "its restart failed: " + err.Error()
				s.log.Error("dynalite did not restart", "failures", failures, "err", err, "log", logPath)
				continue
			}
			d = next
		}
		st.mu.Lock()
		st.cur = d
		st.restarts++
		n := st.restarts
		st.mu.Unlock()
		s.log.Warn("dynalite (the local DynamoDB) restarted", "endpoint", d.Endpoint(), "restarts", n)
	}
}

// waitRestart waits delay, then for every HoldDynamoDB to be released; false
// means the stack is closing.
func (s *Stack) waitRestart(ctx context.Context, delay time.Duration) bool {
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
	}
	for {
		st := &s.dynamo
		st.mu.Lock()
		holds, changed := st.holds, st.changed
		st.mu.Unlock()
		if holds == 0 {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-changed:
		}
	}
}

// KillDynamoDB ends the stack's dynalite with SIGKILL, as a crash would, and
// returns once it is dead; the supervisor then restarts it as after a real
// crash (DynamoDBRestarts counts that). For fault tests; it fails if
// dynalite is down already.
func (s *Stack) KillDynamoDB() error {
	st := &s.dynamo
	st.mu.Lock()
	d := st.cur
	st.mu.Unlock()
	if d == nil {
		return errors.New("dynalite is not running")
	}
	select {
	case <-d.Done():
		// Exited, and the supervisor has not yet noticed: still down.
		return errors.New("dynalite is not running")
	default:
	}
	d.Kill()
	return nil
}

// HoldDynamoDB keeps the supervisor from restarting dynalite after a crash
// until release is called, so a fault test can observe the outage for as
// long as it needs. Release is safe to call more than once.
func (s *Stack) HoldDynamoDB() (release func()) {
	st := &s.dynamo
	st.mu.Lock()
	st.holds++
	st.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			st.mu.Lock()
			defer st.mu.Unlock()
			if st.holds--; st.holds == 0 {
				close(st.changed)
				st.changed = make(chan struct{})
			}
		})
	}
}

// DynamoDBRestarts says how often the supervisor has restarted dynalite
// after a crash.
func (s *Stack) DynamoDBRestarts() int {
	st := &s.dynamo
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.restarts
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	out := strings.Join(lines[max(0, len(lines)-n):], "")
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	return out
}

// lock takes the data dir's lock file for the stack's lifetime, so a second
// stack on the same data dir fails clearly instead of corrupting it.
func (s *Stack) lock() error {
	path := filepath.Join(s.opts.DataDir, lockFile)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("data dir lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		return fmt.Errorf("data dir %s is in use by another camvault-local (pid %s): stop it, or pass another --data-dir", s.opts.DataDir, strings.TrimSpace(string(holder)))
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	// Closing the file releases the lock.
	s.closers = append(s.closers, func() { f.Close() })
	s.locked = true
	return nil
}

// serve runs handler on l until Close.
func (s *Stack) serve(name string, l net.Listener, h http.Handler) {
	// Every server answers only loopback Host names (DNS rebinding).
	srv := &http.Server{Handler: hostguard.Handler(h), ReadHeaderTimeout: 10 * time.Second}
	s.servers = append(s.servers, srv)
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.die(fmt.Errorf("%s server: %w", name, err))
		}
	}()
}

// seed uploads the sample clips on first start and waits until ingest has
// recorded them.
func (s *Stack) seed(ctx context.Context) error {
	marker := filepath.Join(s.opts.DataDir, seededMarker)
	if s.opts.NoSeed {
		return nil
	}
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	clips, err := seed.Plan(time.Now(), nil)
	if err != nil {
		return err
	}
	if s.opts.Progress != nil {
		fmt.Fprintf(s.opts.Progress, "camvault-local: first start: seeding %d sample clips from %d cameras...\n", len(clips), len(seed.Cameras))
	}
	if err := seed.Upload(ctx, s.CameraS3, Bucket, clips); err != nil {
		return err
	}
	s.s3.Wait()
	s.log.Info("seeded sample clips", "clips", len(clips), "cameras", len(seed.Cameras))
	return os.WriteFile(marker, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644)
}

func (s *Stack) die(err error) {
	s.dieOnce.Do(func() { s.died <- err })
}

// Died delivers an error if a part of the stack stops by itself (a server
// failing, or dynalite failing again and again: a single crash is restarted,
// see KillDynamoDB). The caller should then Close the stack.
func (s *Stack) Died() <-chan error { return s.died }

// Info says where everything listens (the contents of local.json).
func (s *Stack) Info() Info { return s.info }

// Issuer is the dev issuer, for minting tokens in tests.
func (s *Stack) Issuer() *issuer.Issuer { return s.issuer }

// S3 is an S3 client for the local bucket (path-style), signing with the
// Lambdas' key: it may do anything but overwrite under clips/.
func (s *Stack) S3() *s3.Client { return s.s3Client }

// Expire runs the TTL stand-in once as of now: it deletes the clips
// table's items whose expiresAt is at or before now and delivers their
// stream records to the expire handler. Tests pass a time in the future
// to make clips expire. It returns how many items went.
func (s *Stack) Expire(ctx context.Context, now time.Time) (int, error) {
	return s.ttl.Sweep(ctx, now)
}

// CameraS3 returns an S3 client signing with camera's own key (made if
// missing), as upload-clip uses it: it may only create objects under
// clips/{camera}/.
func (s *Stack) CameraS3(camera string) (*s3.Client, error) {
	k, err := s.keys.Ensure(camera)
	if err != nil {
		return nil, err
	}
	return s3.New(s3.Options{
		Region: Region, BaseEndpoint: aws.String(s.info.S3URL), UsePathStyle: true,
		Credentials:                credentials.NewStaticCredentialsProvider(k.AccessKeyID, k.SecretAccessKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}), nil
}

// WaitIngest blocks until every S3 notification sent so far has been
// handled.
func (s *Stack) WaitIngest() { s.s3.Wait() }

// Push is the Web Push service stand-in: what it received, and switches
// that make it answer 410 or 503.
func (s *Stack) Push() *pushtest.Service { return s.push }

// WaitAlerts blocks until every alert handed to the sender so far has
// been sent (or has failed).
func (s *Stack) WaitAlerts() { s.alerts.Wait() }

// Close stops every server, waits for pending ingests, stops dynalite and
// removes local.json. It is safe to call more than once.
func (s *Stack) Close() {
	s.closed.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if s.stopTTL != nil {
			s.stopTTL()
		}
		for _, srv := range s.servers {
			_ = srv.Shutdown(ctx)
		}
		if s.s3 != nil {
			_ = s.s3.Close()
		}
		s.closeJobs()
		s.alerts.Wait()
		if st := &s.dynamo; st.quit != nil {
			s.dieOnce.Do(func() {}) // an exit we cause is not a death
			close(st.quit)
			<-st.exited
			st.mu.Lock()
			d := st.cur
			st.mu.Unlock()
			if d != nil {
				_ = d.Stop()
			}
		}
		if s.locked {
			// Before the lock goes: local.json belongs to its holder.
			_ = os.Remove(filepath.Join(s.opts.DataDir, localJSONFile))
		}
		for _, c := range s.closers {
			c()
		}
	})
}

// reset removes the stack's files from dir, and nothing else, so a mistaken
// --data-dir cannot wipe unrelated files.
func reset(dir string) error {
	for _, name := range []string{dynamoDir, dynaliteLog, s3File, issuerKey, cursorFile, vapidFile, seededMarker, localJSONFile, camerasFile, camerasFile + ".lock"} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("reset: %w", err)
		}
	}
	return nil
}

// cursorSecret loads the key that signs page cursors, or makes one; it
// persists so cursors stay valid across restarts.
func cursorSecret(file string) ([]byte, error) {
	b, err := os.ReadFile(file)
	if err == nil {
		key, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) < 16 {
			return nil, fmt.Errorf("corrupt data dir: %s is not a hex key (run with --reset to start afresh)", file)
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	if err := os.WriteFile(file, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write %s: %w", file, err)
	}
	return key, nil
}

// writeJSON writes v to file atomically, so a reader polling for the file
// never sees half of it.
func writeJSON(file string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	return os.Rename(tmp, file)
}

// createAllowlistTable creates the authorizer's grants table (partition key
// subject) unless it exists.
func createAllowlistTable(ctx context.Context, ddb *dynamodb.Client) error {
	_, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(AllowlistTable),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("subject"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("subject"), KeyType: ddbtypes.KeyTypeHash}},
	})
	var inUse *ddbtypes.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("create the allowlist table in dynalite: %w", err)
	}
	return nil
}

// lowercase returns the addresses lowercased, as the console compares owners.
func lowercase(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			out = append(out, s)
		}
	}
	return out
}
