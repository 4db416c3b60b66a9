package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/videos-api/activity"
	"github.com/camvault/camvault/videos-api/cursor"
	"github.com/camvault/camvault/videos-api/media"
	"github.com/camvault/camvault/videos-api/push"
	"github.com/camvault/camvault/videos-api/routes"
	"github.com/camvault/camvault/videos-api/store"
)

// Handler is one API Lambda's entry point.
type Handler = func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)

// App serves the videos API and ingests clips.
type App struct {
	cfg    Config
	store  *store.Store
	bucket *media.Bucket
	cursor *cursor.Codec // nil when no valid cursor key: lists then fail closed
	push   *push.Store
	vapid  push.VAPIDKeys // zero when no VAPID secret: GET /alerts fails closed
	now    func() time.Time
	log    *slog.Logger
	grants *store.Grants // nil without ALLOWLIST_TABLE: the grant routes answer 500
	revs   revocationCache
}

// New returns the App over the clips table and bucket of cfg, reached
// through ddb and s3c (signed URLs use s3c's endpoint and addressing).
// cfg should have passed Validate; a missing cursor key makes the list
// routes answer 500 rather than serve unsigned cursors.
func New(cfg Config, ddb *dynamodb.Client, s3c *s3.Client) *App {
	a := &App{
		cfg:    cfg,
		store:  store.New(ddb, cfg.TableName),
		push:   push.NewStore(ddb, cfg.TableName),
		bucket: media.New(s3c, cfg.BucketName, cfg.URLTTL),
		now:    cfg.Now,
		log:    cfg.Logger,
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.store.WithClock(a.now)
	if a.log == nil {
		a.log = slog.Default()
	}
	if cfg.AllowlistTable != "" {
		a.grants = store.NewGrants(ddb, cfg.AllowlistTable)
	}
	if a.cfg.ActivityRetentionDays <= 0 {
		a.cfg.ActivityRetentionDays = activity.DefaultRetentionDays
	}
	if a.cfg.RevocationCacheTTL <= 0 {
		a.cfg.RevocationCacheTTL = DefaultRevocationCacheTTL
	}
	if a.cfg.RetentionDays <= 0 {
		a.cfg.RetentionDays = DefaultRetentionDays
	}
	if a.cfg.URLTTL <= 0 {
		a.cfg.URLTTL = DefaultURLTTL
		a.bucket = media.New(s3c, cfg.BucketName, a.cfg.URLTTL)
	}
	if len(cfg.VAPIDSecret) > 0 {
		if k, err := push.KeysFromSecret(cfg.VAPIDSecret); err == nil {
			a.vapid = k
		} else {
			a.log.Error("no usable VAPID secret: alerts will fail", "error", err)
		}
	}
	if c, err := cursor.New(cfg.CursorSecret); err == nil {
		a.cursor = c
	} else if len(cfg.CursorSecret) > 0 {
		a.log.Error("no usable cursor key: list routes will fail", "error", err)
	}
	return a
}

// Handlers returns the API's Lambda handlers keyed by function name
// (routes.FunctionMe, ...). The videos function serves both list routes.
func (a *App) Handlers() map[string]Handler {
	return map[string]Handler{
		routes.FunctionMe:          a.wrap(routes.FunctionMe, routes.Viewer, a.me),
		routes.FunctionCameras:     a.wrap(routes.FunctionCameras, routes.Viewer, a.cameras),
		routes.FunctionVideos:      a.wrap(routes.FunctionVideos, routes.Viewer, a.videos),
		routes.FunctionVideo:       a.wrap(routes.FunctionVideo, routes.Viewer, a.video),
		routes.FunctionDeleteVideo: a.wrap(routes.FunctionDeleteVideo, routes.Admin, a.deleteVideo),
		routes.FunctionKeep:        a.wrap(routes.FunctionKeep, routes.Viewer, a.keep),
		routes.FunctionAdmin:       a.wrap(routes.FunctionAdmin, routes.Admin, a.admin),
		routes.FunctionShares:      a.wrap(routes.FunctionShares, routes.Viewer, a.shares),
		routes.FunctionShared:      a.public(routes.FunctionShared, a.openShare),
		routes.FunctionAlerts:      a.wrap(routes.FunctionAlerts, routes.Viewer, a.alerts),
		routes.FunctionJobs:        a.wrap(routes.FunctionJobs, routes.Admin, a.jobs),
	}
}

// routeHandler serves one route for an admitted caller. It returns an
// *apiError for answers the client should see; any other error is a
// storage failure (503).
type routeHandler func(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error)

// wrap checks the caller (fail closed), recovers panics and turns errors
// into the API's error responses.
func (a *App) wrap(fn string, least routes.Role, h routeHandler) Handler {
	return func(ctx context.Context, req events.APIGatewayProxyRequest) (resp events.APIGatewayProxyResponse, err error) {
		log := a.requestLog(ctx, fn, req)
		defer a.recoverPanic(log, &resp, &err)
		c, cerr := callerFrom(req)
		if cerr != nil {
			log.Warn("refused: bad authorizer context", "error", cerr)
			return a.fail(errForbidden), nil
		}
		log = log.With("email", c.Email, "role", c.Role)
		if rerr := a.applyRevocations(ctx, req, &c); rerr != nil {
			var ae *apiError
			if errors.As(rerr, &ae) {
				log.Warn("refused: grant removed since the authorizer's decision")
				return a.fail(ae), nil
			}
			log.Error("revocations unavailable", "error", rerr)
			return a.fail(errUnavailable), nil
		}
		if !(routes.Route{Role: least}).Allows(c.Role) {
			log.Warn("refused: role")
			return a.fail(errForbidden), nil
		}
		resp, herr := h(ctx, req, c)
		return a.served(ctx, log, resp, herr), nil
	}
}

// requestLog is the logger of one API request: its function, method,
// resource and request ids (never its path, query or body).
func (a *App) requestLog(ctx context.Context, fn string, req events.APIGatewayProxyRequest) *slog.Logger {
	log := a.log.With("function", fn, "method", req.HTTPMethod, "resource", req.Resource, "requestId", req.RequestContext.RequestID)
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		log = log.With("awsRequestId", lc.AwsRequestID)
	}
	return log
}

// recoverPanic, deferred by a route's wrapper, turns a panic in serving
// the request into a logged 500 answer.
func (a *App) recoverPanic(log *slog.Logger, resp *events.APIGatewayProxyResponse, err *error) {
	if p := recover(); p != nil {
		log.Error("panic serving request", "panic", fmt.Sprint(p))
		*resp, *err = a.fail(errInternal), nil
	}
}

// served turns a handler's error into the API's answer (an *apiError as
// itself, anything else a logged storage failure, 503) and logs the
// "served" line, at ERROR for a 5xx.
func (a *App) served(ctx context.Context, log *slog.Logger, resp events.APIGatewayProxyResponse, herr error) events.APIGatewayProxyResponse {
	if herr != nil {
		var ae *apiError
		if !errors.As(herr, &ae) {
			log.Error("storage failure", "error", herr)
			ae = errUnavailable
		}
		resp = a.fail(ae)
	}
	level := slog.LevelInfo
	if resp.StatusCode >= http.StatusInternalServerError {
		level = slog.LevelError
	}
	log.Log(ctx, level, "served", "status", resp.StatusCode)
	return resp
}
