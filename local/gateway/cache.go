package gateway

import (
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// policyCache keeps authorizer responses per token value for the TTL, as API
// Gateway's authorizer cache does (identity source: the Authorization header).
type policyCache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]cacheEntry
}

type cacheEntry struct {
	resp    events.APIGatewayCustomAuthorizerResponse
	expires time.Time
}

func newPolicyCache(ttl time.Duration, now func() time.Time) *policyCache {
	return &policyCache{ttl: ttl, now: now, entries: map[string]cacheEntry{}}
}

func (c *policyCache) get(token string) (events.APIGatewayCustomAuthorizerResponse, bool) {
	if c.ttl <= 0 {
		return events.APIGatewayCustomAuthorizerResponse{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[token]
	if !ok {
		return events.APIGatewayCustomAuthorizerResponse{}, false
	}
	if !c.now().Before(e.expires) {
		delete(c.entries, token)
		return events.APIGatewayCustomAuthorizerResponse{}, false
	}
	return e.resp, true
}

func (c *policyCache) put(token string, resp events.APIGatewayCustomAuthorizerResponse) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	// Drop expired entries now and then so a long session does not grow
	// the map without bound.
	if len(c.entries) > 1024 {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
	}
	c.entries[token] = cacheEntry{resp: resp, expires: now.Add(c.ttl)}
}
