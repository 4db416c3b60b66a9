// Package gateway emulates the parts of Amazon API Gateway (REST API, Lambda
// proxy integration) that camvault relies on, so the local stack behaves like
// the deployed one where it matters: routes from the shared route table under
// /{stage}/, a TOKEN authorizer whose policy is cached per token and evaluated
// against each request's method ARN, gateway responses with CORS headers,
// OPTIONS preflight without the authorizer, and the proxy event exactly as
// Lambda receives it.
package gateway

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/routes"
)

// Authorizer is a Lambda TOKEN authorizer as a Go function: the authorizer
// library's Handle method fits it.
type Authorizer func(ctx context.Context, req events.APIGatewayCustomAuthorizerRequest) (events.APIGatewayCustomAuthorizerResponse, error)

// Handler is a Lambda proxy-integration function as a Go function.
type Handler func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)

// Defaults API Gateway would show in method ARNs and request contexts.
const (
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "123456789012"
	DefaultAPIID     = "camvaultlocal"
	DefaultCacheTTL  = 300 * time.Second
)

// API Gateway's REST API quotas (developer guide, "Quotas for configuring
// and running a REST API"): a request past one of them is refused before
// the authorizer or any Lambda runs.
const (
	// maxBody is the payload limit (413).
	maxBody = 10 << 20
	// maxURL is the length of a regional API's URL: path and query (414).
	maxURL = 10240
	// maxHeaderValues is the total combined size of all header values (431).
	maxHeaderValues = 10240
	// maxMethodARN is the length of the method ARN of a method with an
	// authorizer; longer path parameters make it a 414.
	maxMethodARN = 1600
)

// Config configures a Gateway.
type Config struct {
	// Stage is the first path segment of every API path (e.g. dev).
	Stage string
	// Routes are the API's routes; nil means routes.All().
	Routes []routes.Route
	// Handlers serve the routes, keyed by route.Function.
	Handlers map[string]Handler
	// Authorizer is the TOKEN authorizer guarding every non-OPTIONS route.
	Authorizer Authorizer
	// CacheTTL is how long an authorizer response is reused for the same
	// token; 0 disables caching, as in API Gateway.
	CacheTTL time.Duration
	// WebOrigin is the origin allowed by CORS preflight and gateway
	// responses (e.g. http://127.0.0.1:4001); empty means *.
	WebOrigin string
	// Region, AccountID and APIID appear in method ARNs and request
	// contexts; empty means the Default values.
	Region, AccountID, APIID string
	// Now is the clock of the authorizer cache; nil means time.Now.
	Now func() time.Time
	// Log receives one line per request; nil discards.
	Log *slog.Logger
	// Docs, when set, serves Swagger UI at /docs (see Docs).
	Docs *Docs
	// PublicThrottle limits the routes without an authorizer
	// (routes.Route.Public), all of them together, like the CDK stage's
	// method throttling; zero means DefaultPublicThrottle.
	PublicThrottle Throttle
}

// Gateway is an http.Handler that serves the API like API Gateway.
type Gateway struct {
	cfg       Config
	routes    []routes.Route
	resources map[string][]string // resource path -> methods
	cache     *policyCache
	log       *slog.Logger
	public    *bucket
}

// New checks cfg (a stage, an authorizer and a handler for every route) and
// returns the Gateway.
func New(cfg Config) (*Gateway, error) {
	if cfg.Stage == "" || strings.Contains(cfg.Stage, "/") {
		return nil, fmt.Errorf("gateway: invalid stage %q", cfg.Stage)
	}
	if cfg.Authorizer == nil {
		return nil, errors.New("gateway: no authorizer")
	}
	if cfg.Routes == nil {
		cfg.Routes = routes.All()
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.AccountID == "" {
		cfg.AccountID = DefaultAccountID
	}
	if cfg.APIID == "" {
		cfg.APIID = DefaultAPIID
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	logger := cfg.Log
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.PublicThrottle == (Throttle{}) {
		cfg.PublicThrottle = DefaultPublicThrottle
	}
	g := &Gateway{cfg: cfg, routes: cfg.Routes, resources: map[string][]string{}, cache: newPolicyCache(cfg.CacheTTL, cfg.Now), log: logger, public: newBucket(cfg.PublicThrottle, cfg.Now)}
	for _, r := range cfg.Routes {
		if cfg.Handlers[r.Function] == nil {
			return nil, fmt.Errorf("gateway: no handler for function %q (%s %s)", r.Function, r.Method, r.Path)
		}
		// Parents exist as resources too (API Gateway's resource tree), with
		// only OPTIONS on them.
		parts := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")
		for i := range parts {
			p := "/" + strings.Join(parts[:i+1], "/")
			if _, ok := g.resources[p]; !ok {
				g.resources[p] = nil
			}
		}
		if !slices.Contains(g.resources[r.Path], r.Method) {
			g.resources[r.Path] = append(g.resources[r.Path], r.Method)
		}
	}
	return g, nil
}

// ServeHTTP answers one request as API Gateway would.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &requestRecord{status: http.StatusOK, cache: "-", principal: "-"}
	defer func() {
		attrs := []any{"method", r.Method, "path", r.URL.Path, "status", rec.status,
			"principal", rec.principal, "latency", time.Since(start).Round(time.Microsecond).String(), "authorizer", rec.cache}
		if rec.responseType != "" {
			attrs = append(attrs, "gatewayResponse", rec.responseType)
		}
		g.log.Info("api", attrs...)
	}()
	uri := r.RequestURI
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	if len(uri) > maxURL {
		g.gatewayResponse(w, rec, http.StatusRequestURITooLong, "DEFAULT_4XX", "Request-URI Too Long")
		return
	}
	if headerValuesSize(r.Header) > maxHeaderValues {
		g.gatewayResponse(w, rec, http.StatusRequestHeaderFieldsTooLarge, "DEFAULT_4XX", "Request Header Fields Too Large")
		return
	}
	if g.cfg.Docs != nil && (r.URL.Path == "/docs" || strings.HasPrefix(r.URL.Path, "/docs/")) {
		g.cfg.Docs.ServeHTTP(w, r)
		return
	}
	if r.URL.Path == "/" && g.cfg.Docs != nil {
		http.Redirect(w, r, "/docs", http.StatusFound)
		rec.status = http.StatusFound
		return
	}
	prefix := "/" + g.cfg.Stage
	if r.URL.Path != prefix && !strings.HasPrefix(r.URL.Path, prefix+"/") {
		g.gatewayResponse(w, rec, http.StatusForbidden, "MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token")
		return
	}
	path := strings.TrimPrefix(r.URL.Path, prefix)
	if path == "" {
		path = "/"
	}
	if r.Method == http.MethodOptions {
		g.preflight(w, rec, path)
		return
	}
	route, params, ok := g.match(r.Method, path)
	if !ok {
		g.gatewayResponse(w, rec, http.StatusForbidden, "MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token")
		return
	}
	if route.Public {
		g.servePublic(w, r, rec, route, path, params)
		return
	}
	token := r.Header.Get("Authorization")
	if strings.TrimSpace(token) == "" {
		// The identity source is missing: API Gateway answers 401 without
		// invoking the authorizer.
		g.gatewayResponse(w, rec, http.StatusUnauthorized, "UNAUTHORIZED", "Unauthorized")
		return
	}
	methodARN := MethodARN(g.cfg.Region, g.cfg.AccountID, g.cfg.APIID, g.cfg.Stage, r.Method, path)
	if len(methodARN) > maxMethodARN {
		g.gatewayResponse(w, rec, http.StatusRequestURITooLong, "DEFAULT_4XX", "Request-URI Too Long")
		return
	}
	authCtx, cancelAuth := invocationContext(r)
	auth, ok := g.authorize(authCtx, w, rec, token, methodARN)
	cancelAuth()
	if !ok {
		return
	}
	rec.principal = auth.PrincipalID
	switch Evaluate(auth.PolicyDocument, methodARN) {
	case ExplicitDeny:
		g.gatewayResponse(w, rec, http.StatusForbidden, "ACCESS_DENIED", "User is not authorized to access this resource with an explicit deny")
		return
	case ImplicitDeny:
		g.gatewayResponse(w, rec, http.StatusForbidden, "ACCESS_DENIED", "User is not authorized to access this resource")
		return
	}
	g.invoke(w, r, rec, route, path, params, &auth)
}

// invoke reads the body, builds the proxy event (with the authorizer's
// context, or none for a public route) and runs the route's handler.
func (g *Gateway) invoke(w http.ResponseWriter, r *http.Request, rec *requestRecord, route routes.Route, path string, params map[string]string, auth *events.APIGatewayCustomAuthorizerResponse) {
	var body []byte
	var err error
	if r.Body != nil {
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	}
	if err != nil {
		g.gatewayResponse(w, rec, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE", "Request Too Long")
		return
	}
	event, err := g.proxyEvent(r, route, path, params, body, auth)
	if err != nil {
		g.gatewayResponse(w, rec, http.StatusBadRequest, "BAD_REQUEST_BODY", "Invalid request")
		return
	}
	ctx, cancel := invocationContext(r)
	defer cancel()
	resp, err := invokeHandler(ctx, g.cfg.Handlers[route.Function], event)
	if err != nil {
		g.log.Error("lambda function failed", "function", route.Function, "requestId", event.RequestContext.RequestID, "error", err)
		g.gatewayResponse(w, rec, http.StatusBadGateway, "DEFAULT_5XX", "Internal server error")
		return
	}
	if err := writeProxyResponse(w, resp); err != nil {
		g.log.Error("malformed Lambda proxy response", "function", route.Function, "error", err)
		g.gatewayResponse(w, rec, http.StatusBadGateway, "DEFAULT_5XX", "Internal server error")
		return
	}
	rec.status = resp.StatusCode
}

// requestRecord collects what the request log line reports.
type requestRecord struct {
	status    int
	principal string
	cache     string // hit, miss or - (not consulted)
	// responseType is the gateway response's type, when the gateway answered.
	responseType string
}

func (g *Gateway) match(method, path string) (routes.Route, map[string]string, bool) {
	for _, rt := range g.routes {
		if params, ok := rt.Match(method, path); ok {
			return rt, params, true
		}
	}
	return routes.Route{}, nil, false
}

// authorize returns the authorizer's response for token, from the cache or a
// fresh invocation. On failure it has written the gateway response.
func (g *Gateway) authorize(ctx context.Context, w http.ResponseWriter, rec *requestRecord, token, methodARN string) (events.APIGatewayCustomAuthorizerResponse, bool) {
	if resp, ok := g.cache.get(token); ok {
		rec.cache = "hit"
		return resp, true
	}
	rec.cache = "miss"
	resp, err := invokeAuthorizer(ctx, g.cfg.Authorizer, events.APIGatewayCustomAuthorizerRequest{
		Type: "TOKEN", AuthorizationToken: token, MethodArn: methodARN,
	})
	switch {
	case err != nil && err.Error() == "Unauthorized":
		g.gatewayResponse(w, rec, http.StatusUnauthorized, "UNAUTHORIZED", "Unauthorized")
		return resp, false
	case err != nil:
		g.log.Error("authorizer failed", "error", err)
		g.gatewayResponse(w, rec, http.StatusInternalServerError, "AUTHORIZER_FAILURE", "Internal server error")
		return resp, false
	}
	if err := ValidateResponse(resp); err != nil {
		g.log.Error("authorizer returned a response API Gateway refuses", "error", err)
		g.gatewayResponse(w, rec, http.StatusInternalServerError, "AUTHORIZER_CONFIGURATION_ERROR", "Internal server error")
		return resp, false
	}
	g.cache.put(token, resp)
	return resp, true
}

// integrationTimeout is API Gateway's limit on an integration (and so on a
// Lambda invocation it waits for).
const integrationTimeout = 29 * time.Second

// invocationContext is the context of a Lambda invocation for r: a client
// that hangs up does not cancel an invocation in AWS, so it does not here
// either (a cancelled DynamoDB call would also abort dynalite's request,
// which crashes it); the invocation has API Gateway's deadline instead.
func invocationContext(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(r.Context()), integrationTimeout)
}

// invokeAuthorizer calls a, turning a panic into an error as the Lambda
// runtime would (the invocation fails).
func invokeAuthorizer(ctx context.Context, a Authorizer, req events.APIGatewayCustomAuthorizerRequest) (resp events.APIGatewayCustomAuthorizerResponse, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("authorizer panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return a(ctx, req)
}

func invokeHandler(ctx context.Context, h Handler, req events.APIGatewayProxyRequest) (resp events.APIGatewayProxyResponse, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return h(ctx, req)
}

// proxyEvent builds the event Lambda receives from a REST API proxy
// integration, and passes it through JSON as the real invocation does (so
// nil and empty maps, number types and custom unmarshalers come out the same).
func (g *Gateway) proxyEvent(r *http.Request, route routes.Route, path string, params map[string]string, body []byte, auth *events.APIGatewayCustomAuthorizerResponse) (events.APIGatewayProxyRequest, error) {
	now := time.Now()
	requestID := newRequestID()
	sourceIP, port := clientAddr(r)

	headers := map[string]string{}
	multiHeaders := map[string][]string{}
	for k, vs := range r.Header {
		headers[k] = vs[len(vs)-1]
		multiHeaders[k] = slices.Clone(vs)
	}
	headers["Host"], multiHeaders["Host"] = r.Host, []string{r.Host}
	forwarded := map[string]string{"X-Forwarded-For": sourceIP, "X-Forwarded-Proto": "http", "X-Forwarded-Port": port}
	for k, v := range forwarded {
		headers[k], multiHeaders[k] = v, []string{v}
	}

	var query map[string]string
	var multiQuery map[string][]string
	if values, _ := url.ParseQuery(r.URL.RawQuery); len(values) > 0 {
		query, multiQuery = map[string]string{}, map[string][]string{}
		for k, vs := range values {
			query[k] = vs[len(vs)-1]
			multiQuery[k] = vs
		}
	}
	if len(params) == 0 {
		params = nil
	}

	var authorizer map[string]any // none on a route without an authorizer
	if auth != nil {
		authorizer = map[string]any{"principalId": auth.PrincipalID, "integrationLatency": 0}
		for k, v := range auth.Context {
			// REST APIs hand context values to the integration as strings.
			authorizer[k] = fmt.Sprint(v)
		}
	}

	event := events.APIGatewayProxyRequest{
		Resource:                        route.Path,
		Path:                            path,
		HTTPMethod:                      r.Method,
		Headers:                         headers,
		MultiValueHeaders:               multiHeaders,
		QueryStringParameters:           query,
		MultiValueQueryStringParameters: multiQuery,
		PathParameters:                  params,
		RequestContext: events.APIGatewayProxyRequestContext{
			AccountID:         g.cfg.AccountID,
			ResourceID:        resourceID(route.Path),
			Stage:             g.cfg.Stage,
			DomainName:        r.Host,
			DomainPrefix:      strings.Split(r.Host, ".")[0],
			RequestID:         requestID,
			ExtendedRequestID: requestID,
			Protocol:          r.Proto,
			Identity:          events.APIGatewayRequestIdentity{SourceIP: sourceIP, UserAgent: r.UserAgent()},
			ResourcePath:      route.Path,
			Path:              "/" + g.cfg.Stage + path,
			Authorizer:        authorizer,
			HTTPMethod:        r.Method,
			RequestTime:       now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
			RequestTimeEpoch:  now.UnixMilli(),
			APIID:             g.cfg.APIID,
		},
	}
	if len(body) > 0 {
		if isText(body) {
			event.Body = string(body)
		} else {
			event.Body, event.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
		}
	}
	raw, err := json.Marshal(event)
	if err != nil {
		return event, fmt.Errorf("encode proxy event: %w", err)
	}
	var out events.APIGatewayProxyRequest
	if err := json.Unmarshal(raw, &out); err != nil {
		return event, fmt.Errorf("decode proxy event: %w", err)
	}
	return out, nil
}

func isText(b []byte) bool {
	return !slices.Contains(b, 0) && utf8.Valid(b)
}

// writeProxyResponse copies a Lambda proxy response to w, or reports why API
// Gateway would refuse it (a 502).
func writeProxyResponse(w http.ResponseWriter, resp events.APIGatewayProxyResponse) error {
	if resp.StatusCode < 100 || resp.StatusCode > 599 {
		return fmt.Errorf("status code %d", resp.StatusCode)
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
			return fmt.Errorf("isBase64Encoded body: %w", err)
		}
	}
	h := w.Header()
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for k, v := range resp.Headers {
		if _, ok := resp.MultiValueHeaders[k]; !ok {
			h.Set(k, v)
		}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	h.Set("X-Amzn-Requestid", newRequestID())
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
	return nil
}

// preflight answers OPTIONS on a resource like a CORS mock integration:
// no authorizer, the web origin, Authorization and Content-Type, and the
// resource's methods.
func (g *Gateway) preflight(w http.ResponseWriter, rec *requestRecord, path string) {
	methods, ok := g.resource(path)
	if !ok {
		g.gatewayResponse(w, rec, http.StatusForbidden, "MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token")
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", g.origin())
	allowed := append([]string{"OPTIONS"}, methods...)
	slices.Sort(allowed)
	h.Set("Access-Control-Allow-Methods", strings.Join(allowed, ","))
	h.Set("Access-Control-Allow-Headers", "Authorization,Content-Type")
	h.Set("Access-Control-Max-Age", "600")
	h.Set("Vary", "Origin")
	w.WriteHeader(http.StatusNoContent)
	rec.status = http.StatusNoContent
}

func (g *Gateway) resource(path string) ([]string, bool) {
	for tmpl, methods := range g.resources {
		if _, ok := routes.MatchPath(tmpl, path); ok {
			return methods, true
		}
	}
	return nil, false
}

func (g *Gateway) origin() string {
	if g.cfg.WebOrigin == "" {
		return "*"
	}
	return g.cfg.WebOrigin
}

// gatewayResponseTypes describe API Gateway's own answers as camvault's API
// configures them (infra/api.go's GatewayResponses): the x-amzn-ErrorType
// header, the error code of the API's error shape (docs/api.md), and a status override.
var gatewayResponseTypes = map[string]struct {
	errorType string
	code      string
	status    int // 0: the status API Gateway gives the type
}{
	"UNAUTHORIZED":                   {"UnauthorizedException", "unauthorized", 0},
	"ACCESS_DENIED":                  {"AccessDeniedException", "forbidden", 0},
	"MISSING_AUTHENTICATION_TOKEN":   {"MissingAuthenticationTokenException", "not_found", http.StatusNotFound},
	"AUTHORIZER_FAILURE":             {"AuthorizerFailureException", "internal", 0},
	"AUTHORIZER_CONFIGURATION_ERROR": {"AuthorizerConfigurationException", "internal", 0},
	"DEFAULT_5XX":                    {"InternalServerErrorException", "internal", 0},
	"REQUEST_TOO_LARGE":              {"RequestTooLargeException", "bad_request", 0},
	"BAD_REQUEST_BODY":               {"BadRequestException", "bad_request", 0},
	"THROTTLED":                      {"TooManyRequestsException", "throttled", 0},
	"DEFAULT_4XX":                    {"", "bad_request", 0},
}

// headerValuesSize is what API Gateway's header quota counts: the bytes of
// every header value.
func headerValuesSize(h http.Header) int {
	n := 0
	for _, vs := range h {
		for _, v := range vs {
			n += len(v)
		}
	}
	return n
}

// gatewayResponse writes one of API Gateway's own responses of the given
// type (status is API Gateway's for it), as the API's GatewayResponses
// rewrite them: CORS headers for the web origin and the error shape
// {"error":{"code":...,"message":...}}.
func (g *Gateway) gatewayResponse(w http.ResponseWriter, rec *requestRecord, status int, responseType, message string) {
	t := gatewayResponseTypes[responseType]
	if t.status != 0 {
		status = t.status
	}
	code := t.code
	if code == "" {
		code = "internal"
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Access-Control-Allow-Origin", g.origin())
	h.Set("Access-Control-Allow-Headers", "Authorization,Content-Type")
	h.Set("Vary", "Origin")
	if t.errorType != "" {
		h.Set("X-Amzn-Errortype", t.errorType)
	}
	h.Set("X-Amzn-Requestid", newRequestID())
	w.WriteHeader(status)
	body, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": message}})
	_, _ = w.Write(body)
	rec.status = status
	rec.responseType = responseType
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	s := hex.EncodeToString(b[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

func resourceID(path string) string {
	var h uint32 = 2166136261
	for i := 0; i < len(path); i++ {
		h = (h ^ uint32(path[i])) * 16777619
	}
	return strconv.FormatUint(uint64(h)%(36*36*36*36*36*36), 36)
}

func clientAddr(r *http.Request) (ip, port string) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	_, port, err = net.SplitHostPort(r.Host)
	if err != nil {
		port = "80"
	}
	return host, port
}
