// Package s3server is the local stack's S3: gofakes3 on a bbolt file (so
// objects persist across restarts) behind a wrapper that does what the
// bucket's notification does in AWS: a successful PutObject, CopyObject or
// CompleteMultipartUpload under the clips prefix invokes the ingest function
// with a real S3 event, asynchronously, retried on error like an async Lambda
// invocation. Object tags (which gofakes3 lacks) are kept in memory by
// mediatest.Tagging: the lifecycle rule's retention tag, which a restart
// forgets (untagged objects are spared, as in S3).
//
// Like S3 with the clips bucket's policy, it refuses what AWS would: every
// request but a CORS preflight must carry a valid SigV4 signature (header or
// presigned URL) from a known key (Config.Keys), or gets 403; writes under
// the clips prefix need If-None-Match: * (412 if the key exists); a camera's
// key may only create objects under its own prefix; a PUT's
// x-amz-checksum-sha256 is checked against the body (400 BadDigest).
package s3server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/johannesboyne/gofakes3"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/camvault/camvault/videos-api/media/mediatest"
)

// Ingest receives the S3 events of created objects; the videos-api's
// Ingest method fits it.
type Ingest func(ctx context.Context, event events.S3Event) error

// invokeTimeout bounds one ingest invocation, as a Lambda timeout does.
const invokeTimeout = time.Minute

// ErrInUse reports that another process holds the S3 data file.
var ErrInUse = errors.New("the S3 data file is in use by another process (is another camvault-local running on this data dir?)")

// Config configures a Server.
type Config struct {
	// File is the bbolt database that holds every bucket and object.
	File string
	// Bucket is created if missing.
	Bucket string
	// Prefix limits notifications to keys under it (default "clips/").
	Prefix string
	// Region appears in events (default us-east-1).
	Region string
	// WebOrigin is allowed by CORS (GET/HEAD of signed URLs from the web
	// client); empty means *.
	WebOrigin string
	// Ingest is invoked for created objects under Prefix; nil disables
	// notifications.
	Ingest Ingest
	// Retries is how many times a failed ingest is retried (default 2, as
	// Lambda retries asynchronous invocations).
	Retries int
	// RetryDelay is the wait before the first retry, doubled for each next
	// one (default 1s).
	RetryDelay time.Duration
	// Log receives notification outcomes; nil discards.
	Log *slog.Logger
	// Keys finds the credential of a request's access key id (required:
	// anonymous and unknown callers are refused).
	Keys Keys
	// Now is the clock signatures are checked against; nil means time.Now.
	Now func() time.Time
}

// Server is an S3 API endpoint (path-style addressing).
type Server struct {
	cfg      Config
	db       *bolt.DB
	backend  *boltBackend
	handler  http.Handler
	log      *slog.Logger
	seq      atomic.Uint64
	ctx      context.Context
	cancel   context.CancelFunc
	closeOne sync.Once

	// Deliveries in flight. A WaitGroup will not do: PUTs keep arriving
	// while Wait runs (the seeder, a test, shutdown), and Add concurrent
	// with Wait at zero panics.
	mu       sync.Mutex
	idle     *sync.Cond
	inflight int
	closed   bool
}

// New opens (or creates) the data file and the bucket.
func New(cfg Config) (*Server, error) {
	if cfg.File == "" || cfg.Bucket == "" || cfg.Keys == nil {
		return nil, errors.New("s3server: File, Bucket and Keys are required")
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "clips/"
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Retries == 0 {
		cfg.Retries = 2
	}
	if cfg.RetryDelay == 0 {
		cfg.RetryDelay = time.Second
	}
	logger := cfg.Log
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	db, err := bolt.Open(cfg.File, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("s3server: %s: %w", cfg.File, ErrInUse)
		}
		return nil, fmt.Errorf("s3server: open %s (corrupt? run with --reset): %w", cfg.File, err)
	}
	backend := newBoltBackend(db)
	if ok, err := backend.BucketExists(cfg.Bucket); err != nil {
		db.Close()
		return nil, fmt.Errorf("s3server: read %s (corrupt? run with --reset): %w", cfg.File, err)
	} else if !ok {
		if err := backend.CreateBucket(cfg.Bucket); err != nil {
			db.Close()
			return nil, fmt.Errorf("s3server: create bucket %s: %w", cfg.Bucket, err)
		}
	}
	faker := gofakes3.New(backend, gofakes3.WithoutVersioning())
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{cfg: cfg, db: db, backend: backend, handler: mediatest.NewTagging(faker.Server()), log: logger, ctx: ctx, cancel: cancel}
	s.idle = sync.NewCond(&s.mu)
	s.seq.Store(uint64(time.Now().UnixNano()))
	return s, nil
}

// Close waits for notifications in flight (cancelling their retries) and
// closes the data file.
func (s *Server) Close() error {
	var err error
	s.closeOne.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.cancel()
		s.Wait()
		err = s.db.Close()
	})
	return err
}

// Wait blocks until every notification sent so far has been delivered (or
// has failed for good). Tests and the seeder use it.
func (s *Server) Wait() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.inflight > 0 {
		s.idle.Wait()
	}
}

// begin counts a delivery in, unless the server is closing.
func (s *Server) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.inflight++
	return true
}

// end counts a delivery out.
func (s *Server) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inflight--; s.inflight == 0 {
		s.idle.Broadcast()
	}
}

// now is the server's clock.
func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

// ServeHTTP checks the caller (see the package doc), serves the S3 API and
// sends notifications for created objects.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	eventName, bucket, key := s.creates(r)
	rec := &recorder{ResponseWriter: w, status: http.StatusOK, origin: s.cfg.WebOrigin}
	if r.Method != http.MethodOptions {
		p, serr := s.authenticate(r)
		if serr == nil {
			serr = s.authorize(p, r)
		}
		if serr == nil {
			serr = verifyChecksum(r)
		}
		if serr == nil {
			serr = s.completeOnce(r)
		}
		if serr != nil {
			s.log.Info("s3 request refused", "method", r.Method, "path", r.URL.Path, "code", serr.code, "camera", p.Camera)
			serr.write(rec, r)
			return
		}
	}
	s.handler.ServeHTTP(rec, r)
	if !rec.wrote {
		// gofakes3 answers preflights without writing: send the headers
		// (with the web origin) now rather than implicitly.
		rec.WriteHeader(http.StatusOK)
	}
	if eventName != "" && rec.status == http.StatusOK && s.cfg.Ingest != nil {
		s.notify(eventName, bucket, key, sourceIP(r))
	}
}

// completeOnce answers 412 to a CompleteMultipartUpload with
// If-None-Match: * whose key exists, as S3 does (gofakes3 checks the
// condition on PutObject only).
func (s *Server) completeOnce(r *http.Request) *s3Error {
	if r.Method != http.MethodPost || !r.URL.Query().Has("uploadId") || r.Header.Get("If-None-Match") != "*" {
		return nil
	}
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	obj, err := s.backend.HeadObject(bucket, key)
	if err != nil {
		return nil
	}
	obj.Contents.Close()
	return &s3Error{http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold"}
}

// creates reports which ObjectCreated event the request would cause if it
// succeeds ("" for none), and the bucket and key.
func (s *Server) creates(r *http.Request) (eventName, bucket, key string) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, ok := strings.Cut(path, "/")
	if !ok || key == "" || bucket != s.cfg.Bucket || !strings.HasPrefix(key, s.cfg.Prefix) {
		return "", "", ""
	}
	q := r.URL.Query()
	switch r.Method {
	case http.MethodPut:
		for k := range q {
			// Sub-resources (uploadId/partNumber, tagging, acl...) are not
			// object creations; presigned and SDK bookkeeping parameters are.
			if !strings.HasPrefix(strings.ToLower(k), "x-amz-") && k != "x-id" {
				return "", "", ""
			}
		}
		if r.Header.Get("X-Amz-Copy-Source") != "" {
			return "ObjectCreated:Copy", bucket, key
		}
		return "ObjectCreated:Put", bucket, key
	case http.MethodPost:
		if q.Has("uploadId") {
			return "ObjectCreated:CompleteMultipartUpload", bucket, key
		}
	}
	return "", "", ""
}

// notify builds the event from the stored object and delivers it in the
// background.
func (s *Server) notify(eventName, bucket, key, ip string) {
	obj, err := s.backend.HeadObject(bucket, key)
	if err != nil {
		s.log.Error("s3 notification: head object", "key", key, "error", err)
		return
	}
	obj.Contents.Close()
	event := Event(eventName, s.cfg.Region, bucket, key, obj.Size, fmt.Sprintf("%x", obj.Hash), fmt.Sprintf("%016X", s.seq.Add(1)), ip, time.Now())
	if !s.begin() {
		s.log.Warn("s3 notification dropped: the server is closing", "event", eventName, "key", key)
		return
	}
	go func() {
		defer s.end()
		delay := s.cfg.RetryDelay
		for attempt := 0; ; attempt++ {
			// Like an asynchronous Lambda invocation, a delivery runs to its
			// end even while the server closes; only retries are cancelled.
			ctx, cancel := context.WithTimeout(context.Background(), invokeTimeout)
			err := invoke(ctx, s.cfg.Ingest, event)
			cancel()
			if err == nil {
				// Ingest logs what it recorded; a delivery is news only
				// when it took retries.
				level := slog.LevelDebug
				if attempt > 0 {
					level = slog.LevelInfo
				}
				s.log.Log(context.Background(), level, "s3 notification delivered", "event", eventName, "key", key, "attempt", attempt+1)
				return
			}
			if attempt >= s.cfg.Retries || s.ctx.Err() != nil {
				s.log.Error("s3 notification failed", "event", eventName, "key", key, "attempts", attempt+1, "error", err)
				return
			}
			s.log.Warn("s3 notification failed, retrying", "event", eventName, "key", key, "attempt", attempt+1, "error", err)
			select {
			case <-time.After(delay):
			case <-s.ctx.Done():
			}
			delay *= 2
		}
	}()
}

func invoke(ctx context.Context, ingest Ingest, event events.S3Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("ingest panicked: %v", p)
		}
	}()
	return ingest(ctx, event)
}

// Event builds the S3 event notification AWS sends for one created object;
// the key is URL-encoded as S3 encodes it (spaces as +), the eTag unquoted.
func Event(eventName, region, bucket, key string, size int64, etag, sequencer, sourceIP string, at time.Time) events.S3Event {
	segments := strings.Split(key, "/")
	for i, seg := range segments {
		segments[i] = url.QueryEscape(seg)
	}
	return events.S3Event{Records: []events.S3EventRecord{{
		EventVersion: "2.1",
		EventSource:  "aws:s3",
		AWSRegion:    region,
		EventTime:    at.UTC(),
		EventName:    eventName,
		PrincipalID:  events.S3UserIdentity{PrincipalID: "AWS:CAMVAULTLOCAL"},
		RequestParameters: events.S3RequestParameters{
			SourceIPAddress: sourceIP,
		},
		ResponseElements: map[string]string{"x-amz-request-id": sequencer, "x-amz-id-2": "camvault-local"},
		S3: events.S3Entity{
			SchemaVersion:   "1.0",
			ConfigurationID: "camvault-ingest",
			Bucket: events.S3Bucket{
				Name:          bucket,
				OwnerIdentity: events.S3UserIdentity{PrincipalID: "CAMVAULTLOCAL"},
				Arn:           "arn:aws:s3:::" + bucket,
			},
			Object: events.S3Object{
				Key:       strings.Join(segments, "/"),
				Size:      size,
				ETag:      etag,
				Sequencer: sequencer,
			},
		},
	}}}
}

func sourceIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// recorder notes the status and puts the web origin in CORS answers
// (gofakes3 answers *), exposing the headers a ranged fetch needs.
type recorder struct {
	http.ResponseWriter
	status int
	origin string
	wrote  bool
}

func (r *recorder) WriteHeader(status int) {
	if r.wrote {
		return
	}
	r.wrote = true
	r.status = status
	h := r.Header()
	if r.origin != "" {
		h.Set("Access-Control-Allow-Origin", r.origin)
		h.Add("Vary", "Origin")
	}
	h.Set("Access-Control-Expose-Headers", "ETag, Content-Range, Accept-Ranges, Content-Length, Content-Disposition")
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

// Flush passes flushes through, for streamed bodies.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
