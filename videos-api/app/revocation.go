package app

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/grant"
	"github.com/camvault/camvault/videos-api/routes"
)

// DefaultRevocationCacheTTL is how long a function reuses the revocation
// records it read: a narrowed or removed grant bites on every route within
// this long (plus the time the write takes), whatever API Gateway cached.
const DefaultRevocationCacheTTL = 10 * time.Second

// revocationCache holds the latest revocation records read.
type revocationCache struct {
	mu      sync.Mutex
	fetched time.Time
	revs    []grant.Revocation
}

// revocations returns the records that may still matter, from the cache
// or one Query.
func (a *App) revocations(ctx context.Context) ([]grant.Revocation, error) {
	now := a.now()
	c := &a.revs
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.fetched.IsZero() && now.Sub(c.fetched) < a.cfg.RevocationCacheTTL && !now.Before(c.fetched) {
		return c.revs, nil
	}
	revs, err := a.store.Revocations(ctx, now.Add(-grant.Keep))
	if err != nil {
		return nil, err
	}
	c.revs, c.fetched = revs, now
	return revs, nil
}

// forgetRevocations drops the cache, so the function that made a change
// applies it to the very next request.
func (a *App) forgetRevocations() {
	a.revs.mu.Lock()
	a.revs.fetched = time.Time{}
	a.revs.mu.Unlock()
}

// applyRevocations narrows c by the grant changes made since the
// authorizer decided (its context keys "access" and "authorizedAt"). It
// returns errForbidden when c's grant was removed, and a storage error
// when the records cannot be read (the caller fails closed).
func (a *App) applyRevocations(ctx context.Context, req events.APIGatewayProxyRequest, c *Caller) error {
	get := func(k string) string {
		s, _ := req.RequestContext.Authorizer[k].(string)
		return strings.TrimSpace(s)
	}
	auth := grant.Authorized{
		Email: strings.ToLower(c.Email), Domain: strings.ToLower(get("domain")),
		Source: grant.Source(get("access")), Role: grant.Role(c.Role), Access: c.Access,
	}
	if ms, err := strconv.ParseInt(get("authorizedAt"), 10, 64); err == nil && ms > 0 {
		auth.At = time.UnixMilli(ms)
	}
	if auth.Source == grant.SourceOwner {
		return nil // ADMIN_EMAILS outranks every grant
	}
	revs, err := a.revocations(ctx)
	if err != nil {
		return err
	}
	role, acc, ok := grant.Apply(auth, revs)
	if !ok {
		return errForbidden
	}
	c.Role, c.Access = routes.Role(role), acc
	return nil
}

func (a *App) isOwner(email string) bool {
	email = strings.ToLower(email)
	for _, o := range a.cfg.Owners {
		if o == email {
			return true
		}
	}
	return false
}
