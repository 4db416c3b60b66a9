// Package app is the videos API and the clip ingest: it adapts API Gateway
// proxy requests and S3 events to the clip domain, the DynamoDB store and
// the clips bucket.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/camvault/camvault/videos-api/push"
)

// Defaults of the optional settings.
const (
	DefaultRetentionDays = 30
	DefaultURLTTL        = 15 * time.Minute
)

// Config is what the videos functions need. ConfigFromEnv fills it from
// the Lambda environment; Now and Logger are for tests and the local stack.
type Config struct {
	// TableName is the clips table (TABLE_NAME).
	TableName string
	// BucketName is the clips bucket (BUCKET_NAME).
	BucketName string
	// WebOrigin is the web client's origin, sent as
	// Access-Control-Allow-Origin (WEB_ORIGIN).
	WebOrigin string
	// RetentionDays is how long clips are kept (RETENTION_DAYS).
	RetentionDays int
	// URLTTL is how long signed URLs stay valid (URL_TTL).
	URLTTL time.Duration
	// CursorSecret is the HMAC key of page cursors (CURSOR_SECRET), at
	// least 16 bytes. Only the function that pages (videos) needs it; in
	// AWS, CloudFormation resolves it from the stage's Secrets Manager
	// secret into that function's environment at deploy, so no cold start
	// calls Secrets Manager.
	CursorSecret []byte
	// AllowlistTable is the authorizer's table of grants
	// (ALLOWLIST_TABLE); the console's grant routes need it.
	AllowlistTable string
	// Owners are the ADMIN_EMAILS addresses, lowercase: the API never
	// changes their access.
	Owners []string
	// ActivityRetentionDays is how long activity entries are kept
	// (AUDIT_RETENTION_DAYS, default a year).
	ActivityRetentionDays int
	// RevocationCacheTTL is how long a function reuses the revocation
	// records it read (default 10s); see package grant.
	RevocationCacheTTL time.Duration
	// RemovalBatchesPerCall is how many batches of clips one DELETE of a
	// camera removes before answering 202 (default 8).
	RemovalBatchesPerCall int
	// VAPIDSecret is the secret the Web Push (VAPID) key pair is derived
	// from (VAPID_SECRET), at least 32 bytes. In AWS, CloudFormation
	// resolves the stage's Secrets Manager secret into the alerts and
	// push-sender functions' environment at deploy.
	VAPIDSecret []byte
	// AlertsFunction is the push sender Lambda that ingest invokes
	// asynchronously for each new clip (ALERTS_FUNCTION_NAME); empty sends
	// no alerts unless Notify is set.
	AlertsFunction string
	// Notify, when set, is told of every new clip (after it is recorded).
	// It must not block: the Lambda wiring invokes the sender
	// asynchronously, the local stack runs it in a goroutine. Its error is
	// logged, never returned: alerts never fail ingest.
	Notify func(ctx context.Context, ev push.ClipEvent) error
	// JobRunnerFunction is the job runner Lambda that POST /jobs invokes
	// asynchronously for each new job, and that the runner invokes to hand
	// a job on (JOB_RUNNER_FUNCTION_NAME); empty starts no runner unless
	// StartJob is set.
	JobRunnerFunction string
	// StartJob, when set, hands a job to the job runner (App.RunJob). It
	// must not block: the Lambda wiring invokes the runner asynchronously,
	// the local stack runs it in a goroutine. POST /jobs logs its error and
	// still answers 201 (the job can be driven by /run); the runner returns
	// it, so Lambda retries the invocation.
	StartJob func(ctx context.Context, ev JobEvent) error
	// AllowLoopbackPush admits http push endpoints on loopback hosts (the
	// local stack's push service stand-in); never set in AWS.
	AllowLoopbackPush bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives structured logs; nil means slog.Default().
	Logger *slog.Logger
}

// ConfigFromEnv reads the configuration through lookup (os.LookupEnv).
// TABLE_NAME, BUCKET_NAME and WEB_ORIGIN are required, CURSOR_SECRET where
// lists are served (lambdaapp.Load checks it); every error names its
// variable.
func ConfigFromEnv(lookup func(string) (string, bool)) (Config, error) {
	get := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	cfg := Config{
		TableName:      get("TABLE_NAME"),
		BucketName:     get("BUCKET_NAME"),
		WebOrigin:      get("WEB_ORIGIN"),
		RetentionDays:  DefaultRetentionDays,
		URLTTL:         DefaultURLTTL,
		CursorSecret:   []byte(get("CURSOR_SECRET")),
		AllowlistTable: get("ALLOWLIST_TABLE"),
		Owners:         owners(get("ADMIN_EMAILS")),
		VAPIDSecret:    []byte(get("VAPID_SECRET")),
		AlertsFunction: get("ALERTS_FUNCTION_NAME"),

		JobRunnerFunction: get("JOB_RUNNER_FUNCTION_NAME"),
	}
	var errs []error
	if s := get("RETENTION_DAYS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 3650 {
			errs = append(errs, fmt.Errorf("RETENTION_DAYS=%q: want whole days from 1 to 3650", s))
		}
		cfg.RetentionDays = n
	}
	if s := get("URL_TTL"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < time.Minute || d > 12*time.Hour {
			errs = append(errs, fmt.Errorf("URL_TTL=%q: want a Go duration from 1m to 12h", s))
		}
		cfg.URLTTL = d
	}
	if s := get("AUDIT_RETENTION_DAYS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 3650 {
			errs = append(errs, fmt.Errorf("AUDIT_RETENTION_DAYS=%q: want whole days from 1 to 3650", s))
		}
		cfg.ActivityRetentionDays = n
	}
	if err := cfg.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("app: config: %w", errors.Join(errs...))
	}
	return cfg, nil
}

// Validate checks the settings every function needs, and the cursor key
// when there is one.
func (c Config) Validate() error {
	var errs []error
	if c.TableName == "" {
		errs = append(errs, errors.New("TABLE_NAME is required"))
	}
	if c.BucketName == "" {
		errs = append(errs, errors.New("BUCKET_NAME is required"))
	}
	if u, err := url.Parse(c.WebOrigin); c.WebOrigin == "" || err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
		errs = append(errs, fmt.Errorf("WEB_ORIGIN=%q: want an origin like https://videos.example.com", c.WebOrigin))
	}
	if n := len(c.CursorSecret); n > 0 && n < 16 {
		errs = append(errs, fmt.Errorf("cursor secret of %d bytes: want at least 16", n))
	}
	return errors.Join(errs...)
}

// owners reads ADMIN_EMAILS: comma-separated, compared lowercase.
func owners(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" {
			out = append(out, e)
		}
	}
	return out
}
