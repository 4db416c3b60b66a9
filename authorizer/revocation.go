package authorizer

import (
	"strconv"
	"strings"
	"time"
)

// Context keys that let the API apply grant changes made after the
// decision (API Gateway caches an Allow, context included, for the TTL).
const (
	// ContextAccess names what admitted the person: "owner" (ADMIN_EMAILS),
	// "email-grant", "domain-grant" or "static" (ALLOWED_EMAILS or
	// ALLOWED_DOMAINS).
	ContextAccess = "access"
	// ContextAuthorizedAt is when the decision was made, in Unix
	// milliseconds (a decimal string).
	ContextAuthorizedAt = "authorizedAt"
)

// accessSource maps a decision's reason to the ContextAccess value.
func accessSource(reason string) string {
	switch {
	case strings.HasPrefix(reason, "admin email"):
		return "owner"
	case strings.HasPrefix(reason, "email grant"):
		return "email-grant"
	case strings.HasPrefix(reason, "domain grant"):
		return "domain-grant"
	default:
		return "static"
	}
}

// revocationContext adds the keys above to an Allow's context.
func revocationContext(ctx map[string]any, d Decision, at time.Time) map[string]any {
	ctx[ContextAccess] = accessSource(d.Reason)
	ctx[ContextAuthorizedAt] = strconv.FormatInt(at.UnixMilli(), 10)
	return ctx
}
