package authorizer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/authorizer/policy"
)

// Context keys of an Allow response; every value is a string.
const (
	// ContextEmail is the verified address.
	ContextEmail = "email"
	// ContextSubject is Google's user id (also the principal id).
	ContextSubject = "sub"
	// ContextDomain is the Workspace domain, or "".
	ContextDomain = "domain"
	// ContextRole is "viewer" or "admin".
	ContextRole = "role"
	// ContextCameras is "*" for every camera, else comma-separated ids.
	ContextCameras = "cameras"
	// ContextName is the display name from the token, or "".
	ContextName = "name"
	// ContextPicture is the profile picture URL from the token, or "".
	ContextPicture = "picture"
)

// Handle answers API Gateway's TOKEN event: the error "Unauthorized" (401)
// for a missing or invalid token or a malformed method ARN, a Deny policy
// (403) for a valid token of someone not allowed, and otherwise an Allow
// policy covering everything the person may call in this API and stage, with
// flat string context. When no decision can be made (the grants table failed
// and static rules do not allow) it returns another error, which API Gateway
// answers with a 500 and does not cache. It never panics and never logs the
// token; it logs one JSON line per decision.
func (a *Authorizer) Handle(ctx context.Context, req events.APIGatewayCustomAuthorizerRequest) (resp events.APIGatewayCustomAuthorizerResponse, err error) {
	start := time.Now()
	defer func() {
		if r := recover(); r != nil {
			a.log.Error("authorizer panic", "decision", "unauthorized", "reason", "panic",
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			resp, err = events.APIGatewayCustomAuthorizerResponse{}, errUnauthorized
		}
	}()
	arn, err := policy.ParseMethodARN(req.MethodArn)
	if err != nil {
		a.logDecision(ctx, start, "unauthorized", "malformed methodArn", Identity{}, "")
		return events.APIGatewayCustomAuthorizerResponse{}, errUnauthorized
	}
	d, err := a.Authorize(ctx, req.AuthorizationToken)
	var tokenErr *TokenError
	var denied *DeniedError
	switch {
	case errors.As(err, &tokenErr):
		a.logDecision(ctx, start, "unauthorized", tokenErr.Error(), Identity{}, "")
		return events.APIGatewayCustomAuthorizerResponse{}, errUnauthorized
	case errors.As(err, &denied):
		a.logDecision(ctx, start, "deny", denied.Reason, denied.Identity, "")
		return events.APIGatewayCustomAuthorizerResponse{
			PrincipalID:    denied.Identity.Subject,
			PolicyDocument: arn.Deny(),
		}, nil
	case err != nil:
		a.logDecision(ctx, start, "error", err.Error(), d.Identity, "")
		return events.APIGatewayCustomAuthorizerResponse{}, errUnavailable
	}
	a.logDecision(ctx, start, "allow", d.Reason, d.Identity, string(d.Access.Role))
	return events.APIGatewayCustomAuthorizerResponse{
		PrincipalID:    d.Identity.Subject,
		PolicyDocument: arn.Allow(d.Access),
		Context: revocationContext(map[string]any{
			ContextEmail:   d.Identity.Email,
			ContextSubject: d.Identity.Subject,
			ContextDomain:  d.Identity.Domain,
			ContextRole:    string(d.Access.Role),
			ContextCameras: d.Access.CameraList(),
			ContextName:    d.Identity.Name,
			ContextPicture: d.Identity.Picture,
		}, d, a.cfg.Now()),
	}, nil
}

func (a *Authorizer) logDecision(ctx context.Context, start time.Time, decision, reason string, id Identity, role string) {
	level := slog.LevelInfo
	if decision == "error" {
		level = slog.LevelError
	}
	attrs := []slog.Attr{
		slog.String("principal", id.Subject),
		slog.String("decision", decision),
		slog.String("reason", reason),
		slog.Float64("latency_ms", float64(time.Since(start).Microseconds())/1000),
	}
	if id.Email != "" {
		attrs = append(attrs, slog.String("email", id.Email), slog.String("domain", id.Domain))
	}
	if role != "" {
		attrs = append(attrs, slog.String("role", role))
	}
	a.log.LogAttrs(ctx, level, "authorizer decision", attrs...)
}
