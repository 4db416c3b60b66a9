package authorizer

import (
	lru "container/list"
	"crypto/sha256"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/camvault/camvault/authorizer/jwks"
)

// DefaultTokenCacheSize bounds the verified-token cache. A warm Lambda
// container serves one request at a time for the people whose requests
// API Gateway routes to it; 1,024 identities (about 300 KB) covers every
// household and office deployment, and the least recently used entry goes
// first when it is full. (Envoy's jwt_authn bounds its cache the same way:
// a fixed number of entries, least recently used evicted, default 100.)
const DefaultTokenCacheSize = 1024

// tokenKey is a cache key, a hash of the whole compact token:
// SHA-256(SHA-256(header "." payload) || "." signature). Two tokens share
// an entry only if they are the same bytes (short of a SHA-256
// collision); the inner digest is the one the RS256 verify needs anyway,
// so a token not in the cache is hashed once, not twice.
type tokenKey [sha256.Size]byte

func keyOf(token string, signingDigest *[sha256.Size]byte) tokenKey {
	sig := ""
	if i := strings.LastIndexByte(token, '.'); i >= 0 {
		sig = token[i:]
	}
	// On the stack for any RS256 signature up to 4096-bit keys.
	var buf [sha256.Size + 1024]byte
	if len(sig) > len(buf)-sha256.Size {
		h := sha256.New()
		h.Write(signingDigest[:])
		io.WriteString(h, sig)
		var k tokenKey
		h.Sum(k[:0])
		return k
	}
	n := copy(buf[:], signingDigest[:])
	n += copy(buf[n:], sig)
	return sha256.Sum256(buf[:n])
}

// verifiedToken is what a verification proved: who the token is for, until
// when, and under which published key.
type verifiedToken struct {
	key      tokenKey
	identity Identity
	expiry   time.Time
	kid      string
	keyFP    jwks.Fingerprint
}

// tokenCache remembers tokens that verified, bounded in entries (least
// recently used evicted). An entry answers only while the token has not
// expired (its exp, without clock skew) and its signing key is still in the
// key set; otherwise it is dropped and the token is verified again. It
// caches verification only: access (static rules and grants) is decided on
// every request. Safe for concurrent use.
type tokenCache struct {
	mu      sync.Mutex
	max     int
	entries map[tokenKey]*lru.Element // of *verifiedToken
	lru     lru.List                  // front: most recently used
	keys    *jwks.KeySet
	hits    atomic.Int64 // answers from the cache, for tests
}

func newTokenCache(max int, keys *jwks.KeySet) *tokenCache {
	return &tokenCache{max: max, entries: make(map[tokenKey]*lru.Element, min(max, 64)), keys: keys}
}

// get returns the identity of a token verified before, if its entry is
// still good at now.
func (c *tokenCache) get(k tokenKey, now time.Time) (Identity, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		return Identity{}, false
	}
	v := e.Value.(*verifiedToken)
	if !now.Before(v.expiry) || !c.keys.Holds(v.kid, v.keyFP) {
		c.lru.Remove(e)
		delete(c.entries, k)
		return Identity{}, false
	}
	c.lru.MoveToFront(e)
	c.hits.Add(1)
	return v.identity, true
}

// put remembers a verified token, evicting the least recently used entry
// when full. In a full cache the evicted entry's element and record are
// reused for the new one (nothing outside the lock holds them), so a miss
// allocates nothing here.
func (c *tokenCache) put(v verifiedToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[v.key]; ok {
		*e.Value.(*verifiedToken) = v
		c.lru.MoveToFront(e)
		return
	}
	for c.lru.Len() > c.max {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.entries, old.Value.(*verifiedToken).key)
	}
	if c.lru.Len() == c.max {
		old := c.lru.Back()
		t := old.Value.(*verifiedToken)
		delete(c.entries, t.key)
		*t = v
		c.lru.MoveToFront(old)
		c.entries[v.key] = old
		return
	}
	t := new(verifiedToken) // not &v: v would then live on the heap on every call
	*t = v
	c.entries[v.key] = c.lru.PushFront(t)
}

// len is the number of entries.
func (c *tokenCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
