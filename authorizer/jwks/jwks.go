// Package jwks provides a cached, rate-limited JSON Web Key Set for verifying
// RS256 JSON Web Tokens (an authorizer.KeySet, and an oidc.KeySet too) that
// never turns a storm of tokens with unknown key ids into a storm of requests
// against the key server.
package jwks

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for the options.
const (
	// DefaultMinRefreshInterval is the least time between two fetches of the
	// key set caused by tokens with unknown key ids.
	DefaultMinRefreshInterval = 30 * time.Second
	// DefaultFetchTimeout bounds one fetch of the key set.
	DefaultFetchTimeout = 5 * time.Second
	// maxJWKSBytes bounds the key set document we are willing to read.
	maxJWKSBytes = 1 << 20
	// maxTokenBytes bounds the compact JWS we are willing to look at.
	maxTokenBytes = 8 << 10
)

// Errors VerifySignature returns (wrapped with detail).
var (
	// ErrMalformed means the token is not a compact JWS we can read.
	ErrMalformed = errors.New("malformed jws")
	// ErrAlgorithm means the token is not signed with RS256.
	ErrAlgorithm = errors.New("signing algorithm not allowed")
	// ErrUnknownKey means no published key has the token's key id.
	ErrUnknownKey = errors.New("unknown signing key")
	// ErrSignature means the signature does not verify under the published key.
	ErrSignature = errors.New("bad signature")
	// ErrNoKeys means no key set has ever been fetched successfully.
	ErrNoKeys = errors.New("no signing keys available")
	// ErrPayloadEncoding means the signature verified but the payload is
	// not canonical base64url. It wraps ErrMalformed.
	ErrPayloadEncoding = fmt.Errorf("%w: payload encoding", ErrMalformed)
)

// KeySet is a remote JSON Web Key Set of RSA keys. It keeps the last good set
// in memory, refetches it when a token names an unknown key id (at most once
// per MinRefreshInterval, all concurrent callers sharing one fetch), keeps the
// last good keys when a fetch fails, and fetches with a context of its own so
// that a cancelled request never cancels a fetch other callers wait for.
// A Cache-Control max-age on the key set response is used as a hint to
// refresh in the background once it has passed. A KeySet is safe for
// concurrent use.
type KeySet struct {
	url          string
	client       *http.Client
	now          func() time.Time
	minRefresh   time.Duration
	fetchTimeout time.Duration

	keys atomic.Pointer[snapshot]

	mu          sync.Mutex
	lastAttempt time.Time // start of the last fetch, zero before the first
	inflight    *fetch
}

// snapshot is one immutable, parsed key set.
type snapshot struct {
	byID       map[string]*rsa.PublicKey
	all        []*rsa.PublicKey
	fpByID     map[string]Fingerprint // the fingerprint of byID[kid]
	fps        []Fingerprint          // the fingerprint of all[i]
	freshUntil time.Time              // zero: no max-age hint
}

// Fingerprint identifies a public key by its contents: SHA-256 of its
// modulus and exponent. A key that leaves the set and comes back under the
// same id with other contents has another fingerprint.
type Fingerprint [sha256.Size]byte

func fingerprint(pub *rsa.PublicKey) Fingerprint {
	h := sha256.New()
	h.Write(pub.N.Bytes())
	var e [8]byte
	for i := range e {
		e[i] = byte(uint64(pub.E) >> (56 - 8*i))
	}
	h.Write(e[:])
	var fp Fingerprint
	h.Sum(fp[:0])
	return fp
}

// Verification lets a caller that remembers verified tokens (a cache of
// them) share work with VerifySignature and learn which key verified:
// attach one to the context with WithVerification.
type Verification struct {
	// JWT and Digest, when Digest is set (HasDigest), are a token and the
	// SHA-256 of its signing input (header "." payload), computed by the
	// caller: VerifySignature uses the digest instead of hashing again,
	// only for exactly that token (the strings are compared).
	JWT       string
	Digest    [sha256.Size]byte
	HasDigest bool

	// Kid is the verified token's key id ("" when it named none).
	Kid string
	// Fingerprint is the verifying key's.
	Fingerprint Fingerprint
	// OK is set once a signature verified.
	OK bool
}

type verificationCtx struct{}

// WithVerification returns a context in which VerifySignature uses v's
// digest (for v.JWT only) and records the key that verified the token.
func WithVerification(ctx context.Context, v *Verification) context.Context {
	return context.WithValue(ctx, verificationCtx{}, v)
}

// NewVerification returns a context derived from ctx that carries a new
// Verification of jwt, whose signing input hashes to digest, and that
// Verification: what WithVerification does, in one allocation for both.
func NewVerification(ctx context.Context, jwt string, digest *[sha256.Size]byte) (context.Context, *Verification) {
	c := &verificationContext{Context: ctx, v: Verification{JWT: jwt, Digest: *digest, HasDigest: true}}
	return c, &c.v
}

// verificationContext is a context with a Verification as the value of
// verificationCtx{}; every other value, its deadline and cancellation are
// its parent's.
type verificationContext struct {
	context.Context
	v Verification
}

// Value returns the Verification for verificationCtx{}, else the parent's
// value.
func (c *verificationContext) Value(key any) any {
	if key == (verificationCtx{}) {
		return &c.v
	}
	return c.Context.Value(key)
}

// SigningDigest returns SHA-256 of a compact JWS's signing input (all
// before its last "."), as VerifySignature computes it.
func SigningDigest(jwt string) [sha256.Size]byte {
	i := strings.LastIndexByte(jwt, '.')
	if i < 0 {
		i = 0
	}
	return sum256(jwt[:i])
}

// sum256 is SHA-256 of s, which for a signing input of up to 2 KiB (a
// Google ID token's is about 1 KiB) is hashed from a copy on the stack:
// []byte(s) would copy it to the heap.
func sum256(s string) [sha256.Size]byte {
	var buf [2 << 10]byte
	if len(s) > len(buf) {
		return sha256.Sum256([]byte(s))
	}
	n := copy(buf[:], s)
	return sha256.Sum256(buf[:n])
}

// Holds reports whether the key set still publishes the key with this id
// and fingerprint (with kid "", any key of that fingerprint). Like
// VerifySignature it starts a background refresh once the set's max-age
// has passed, so a caller that skips verification still notices, on a
// later call, a key that was withdrawn.
func (k *KeySet) Holds(kid string, fp Fingerprint) bool {
	s := k.keys.Load()
	if !s.freshUntil.IsZero() && k.now().After(s.freshUntil) {
		k.refreshInBackground()
	}
	if kid != "" {
		got, ok := s.fpByID[kid]
		return ok && got == fp
	}
	for _, f := range s.fps {
		if f == fp {
			return true
		}
	}
	return false
}

// fetch is one fetch of the key set that several callers may wait for.
type fetch struct {
	done chan struct{}
	err  error
}

// Option configures a KeySet.
type Option func(*KeySet)

// WithHTTPClient sets the client used to fetch the key set (default: a client
// with no timeout of its own; each fetch is bounded by the fetch timeout).
func WithHTTPClient(c *http.Client) Option {
	return func(k *KeySet) {
		if c != nil {
			k.client = c
		}
	}
}

// WithClock sets the clock used for the refresh rate limit and max-age.
func WithClock(now func() time.Time) Option {
	return func(k *KeySet) {
		if now != nil {
			k.now = now
		}
	}
}

// WithMinRefreshInterval sets the least time between two fetches caused by
// unknown key ids or an expired max-age (default DefaultMinRefreshInterval).
func WithMinRefreshInterval(d time.Duration) Option {
	return func(k *KeySet) {
		if d > 0 {
			k.minRefresh = d
		}
	}
}

// WithFetchTimeout bounds one fetch (default DefaultFetchTimeout).
func WithFetchTimeout(d time.Duration) Option {
	return func(k *KeySet) {
		if d > 0 {
			k.fetchTimeout = d
		}
	}
}

// New returns a KeySet for the JWKS document at url. It fetches nothing yet:
// call Refresh to pre-warm it.
func New(url string, opts ...Option) *KeySet {
	k := &KeySet{
		url:          url,
		client:       &http.Client{},
		now:          time.Now,
		minRefresh:   DefaultMinRefreshInterval,
		fetchTimeout: DefaultFetchTimeout,
	}
	for _, o := range opts {
		o(k)
	}
	k.keys.Store(&snapshot{})
	return k
}

// Refresh fetches the key set now, whatever the rate limit says (or joins a
// fetch already running), and waits for it or for ctx. It is meant for the
// pre-warm at start; a failed fetch keeps the last good keys.
func (k *KeySet) Refresh(ctx context.Context) error {
	k.mu.Lock()
	f := k.inflight
	if f == nil {
		f = k.startLocked()
	}
	k.mu.Unlock()
	return wait(ctx, f)
}

// VerifySignature verifies a compact RS256 JWS against the key set and
// returns its payload (the method of go-oidc's oidc.KeySet and of
// authorizer.KeySet). Its protected header must pass ParseHeader and must
// not be unusual (ErrUnusualHeader), both checked before any key lookup or
// fetch. The payload is returned only once the signature verified; one
// that is not canonical base64url is then ErrPayloadEncoding.
func (k *KeySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	h64, p64, s64, err := split(jwt)
	if err != nil {
		return nil, err
	}
	h, hb, err := parseHeaderBytes(h64)
	if err != nil {
		return nil, err
	}
	if !usualHeader(hb) {
		return nil, ErrUnusualHeader
	}
	kid := h.Kid
	// The signature is decoded onto the stack: a valid one is the size of
	// the key, at most maxSigBytes; a longer one cannot verify.
	var buf [maxSigBytes]byte
	if strictB64.DecodedLen(len(s64)) > len(buf) {
		return nil, ErrSignature
	}
	n, err := strictB64.Decode(buf[:], []byte(s64))
	if err != nil {
		return nil, fmt.Errorf("%w: signature encoding", ErrMalformed)
	}
	sig := buf[:n]
	v, _ := ctx.Value(verificationCtx{}).(*Verification)
	var digest [sha256.Size]byte
	if v != nil && v.HasDigest && v.JWT == jwt {
		digest = v.Digest
	} else {
		digest = sum256(jwt[:len(h64)+1+len(p64)])
	}
	s := k.keys.Load()
	if !s.freshUntil.IsZero() && k.now().After(s.freshUntil) {
		k.refreshInBackground()
	}
	if kid == "" {
		// No key id: try every key we know, never a fetch.
		for i, pub := range s.all {
			if verify(pub, &digest, sig) == nil {
				if v != nil {
					v.Kid, v.Fingerprint, v.OK = "", s.fps[i], true
				}
				return payload(p64)
			}
		}
		if len(s.all) == 0 {
			return nil, ErrNoKeys
		}
		return nil, ErrSignature
	}
	pub, ok := s.byID[kid]
	if !ok {
		// Refused by the rate limit, look again all the same: a fetch that
		// finished after s was loaded may have brought the key (and is why
		// the rate limit refused).
		if err := k.refreshForUnknownKey(ctx); err != nil && !errors.Is(err, errRateLimited) {
			return nil, err
		}
		s = k.keys.Load()
		if pub, ok = s.byID[kid]; !ok {
			return nil, ErrUnknownKey
		}
	}
	if err := verify(pub, &digest, sig); err != nil {
		return nil, err
	}
	if v != nil {
		v.Kid, v.Fingerprint, v.OK = kid, s.fpByID[kid], true
	}
	return payload(p64)
}

// errRateLimited is refreshForUnknownKey's refusal to fetch again so soon.
var errRateLimited = errors.New("key set fetched too recently")

// refreshForUnknownKey joins a running fetch, or starts one if the rate
// limit allows, and waits for it; otherwise it refuses at once with
// errRateLimited.
func (k *KeySet) refreshForUnknownKey(ctx context.Context) error {
	k.mu.Lock()
	f := k.inflight
	if f == nil {
		if !k.lastAttempt.IsZero() && k.now().Sub(k.lastAttempt) < k.minRefresh {
			k.mu.Unlock()
			return errRateLimited
		}
		f = k.startLocked()
	}
	k.mu.Unlock()
	if err := wait(ctx, f); err != nil {
		return fmt.Errorf("%w (refetch failed: %v)", ErrUnknownKey, err)
	}
	return nil
}

// refreshInBackground starts a fetch without waiting for it, if none runs
// and the rate limit allows.
func (k *KeySet) refreshInBackground() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.inflight == nil && k.now().Sub(k.lastAttempt) >= k.minRefresh {
		k.startLocked()
	}
}

// startLocked starts a fetch; k.mu must be held.
func (k *KeySet) startLocked() *fetch {
	f := &fetch{done: make(chan struct{})}
	k.inflight = f
	k.lastAttempt = k.now()
	go func() {
		// Not the caller's context: a cancelled invocation must not fail a
		// fetch that other callers, and the cache, depend on.
		ctx, cancel := context.WithTimeout(context.Background(), k.fetchTimeout)
		defer cancel()
		s, err := k.fetch(ctx)
		if err == nil {
			k.keys.Store(s)
		}
		k.mu.Lock()
		f.err = err
		k.inflight = nil
		k.mu.Unlock()
		close(f.done)
	}()
	return f
}

func wait(ctx context.Context, f *fetch) error {
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fetch downloads and parses the key set.
func (k *KeySet) fetch(ctx context.Context) (*snapshot, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, fmt.Errorf("jwks request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := k.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("jwks fetch: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("jwks fetch: status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, fmt.Errorf("jwks read: %w", err)
	}
	if len(body) > maxJWKSBytes {
		return nil, errors.New("jwks read: document too large")
	}
	s, err := parseSet(body)
	if err != nil {
		return nil, err
	}
	if age, ok := maxAge(resp.Header.Get("Cache-Control")); ok {
		s.freshUntil = k.now().Add(age)
	}
	return s, nil
}

// parseSet parses a JWKS document into its usable keys: RSA keys of at least
// 2048 bits meant for signatures (use "sig" or unset, alg "RS256" or unset)
// and with a key id. Other keys are skipped; a document with no usable key is
// an error.
func parseSet(doc []byte) (*snapshot, error) {
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Kid string `json:"kid"`
			Use string `json:"use"`
			Alg string `json:"alg"`
			N   string `json:"n"`
			E   string `json:"e"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(doc, &set); err != nil {
		return nil, fmt.Errorf("jwks parse: %w", err)
	}
	s := &snapshot{byID: make(map[string]*rsa.PublicKey, len(set.Keys)), fpByID: make(map[string]Fingerprint, len(set.Keys))}
	for _, key := range set.Keys {
		if key.Kty != "RSA" || key.Kid == "" || (key.Use != "" && key.Use != "sig") || (key.Alg != "" && key.Alg != "RS256") {
			continue
		}
		pub, err := rsaKey(key.N, key.E)
		if err != nil {
			continue
		}
		if _, dup := s.byID[key.Kid]; dup {
			continue
		}
		fp := fingerprint(pub)
		s.byID[key.Kid] = pub
		s.fpByID[key.Kid] = fp
		s.all = append(s.all, pub)
		s.fps = append(s.fps, fp)
	}
	if len(s.all) == 0 {
		return nil, errors.New("jwks parse: no usable RS256 key")
	}
	return s, nil
}

func rsaKey(n64, e64 string) (*rsa.PublicKey, error) {
	nb, err := base64.RawURLEncoding.DecodeString(n64)
	if err != nil {
		return nil, err
	}
	eb, err := base64.RawURLEncoding.DecodeString(e64)
	if err != nil || len(eb) == 0 || len(eb) > 4 {
		return nil, errors.New("bad exponent")
	}
	e := 0
	for _, b := range eb {
		e = e<<8 | int(b)
	}
	n := new(big.Int).SetBytes(nb)
	if n.BitLen() < 2048 || n.BitLen() > 8192 || e < 3 || e%2 == 0 {
		return nil, errors.New("unacceptable rsa key")
	}
	return &rsa.PublicKey{N: n, E: e}, nil
}

// maxAge reads max-age from a Cache-Control header.
func maxAge(cc string) (time.Duration, bool) {
	for _, part := range strings.Split(cc, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || !strings.EqualFold(name, "max-age") {
			continue
		}
		secs, err := strconv.ParseInt(strings.Trim(value, `"`), 10, 64)
		if err != nil || secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(7*24*time.Hour/time.Second))) * time.Second, true
	}
	return 0, false
}

// maxSigBytes is the largest RSA signature we verify (an 8192-bit key).
const maxSigBytes = 8192 / 8

// strictB64 rejects non-canonical encodings, so one signature has one spelling.
var strictB64 = base64.RawURLEncoding.Strict()

// Header is the part of a JWS protected header that we read.
type Header struct {
	// Alg is the signing algorithm.
	Alg string `json:"alg"`
	// Kid is the key id.
	Kid string `json:"kid"`
	// Crit lists extensions the verifier must understand; we understand none.
	Crit []string `json:"crit"`
}

// ParseHeader checks that token is a compact JWS of three base64url parts,
// no larger than 8 KiB, and returns its decoded protected header. It does no
// cryptography, so garbage is refused cheaply.
func ParseHeader(token string) (Header, error) {
	h64, _, _, err := split(token)
	if err != nil {
		return Header{}, err
	}
	return parseHeader(h64)
}

// split checks the shape of a compact JWS (size, three non-empty parts) and
// returns its encoded parts.
func split(token string) (h64, p64, s64 string, err error) {
	if len(token) == 0 || len(token) > maxTokenBytes {
		return "", "", "", fmt.Errorf("%w: bad length", ErrMalformed)
	}
	h64, rest, ok := strings.Cut(token, ".")
	if !ok {
		return "", "", "", fmt.Errorf("%w: not three parts", ErrMalformed)
	}
	p64, s64, ok = strings.Cut(rest, ".")
	if !ok || strings.IndexByte(s64, '.') >= 0 || h64 == "" || p64 == "" || s64 == "" {
		return "", "", "", fmt.Errorf("%w: not three parts", ErrMalformed)
	}
	return h64, p64, s64, nil
}

// parseHeader decodes and checks an encoded protected header.
func parseHeader(h64 string) (Header, error) {
	h, _, err := parseHeaderBytes(h64)
	return h, err
}

// parseHeaderBytes is parseHeader that also returns the decoded JSON.
func parseHeaderBytes(h64 string) (Header, []byte, error) {
	var h Header
	hb, err := strictB64.DecodeString(h64)
	if err != nil {
		return h, nil, fmt.Errorf("%w: header encoding", ErrMalformed)
	}
	if err := json.Unmarshal(hb, &h); err != nil {
		return h, nil, fmt.Errorf("%w: header json", ErrMalformed)
	}
	if h.Alg != "RS256" {
		return h, nil, fmt.Errorf("%w: %q", ErrAlgorithm, truncate(h.Alg, 16))
	}
	if len(h.Crit) > 0 {
		return h, nil, fmt.Errorf("%w: crit header", ErrMalformed)
	}
	return h, hb, nil
}

// verify checks an RS256 signature over signingInput.
func verify(pub *rsa.PublicKey, digest *[sha256.Size]byte, sig []byte) error {
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		return ErrSignature
	}
	return nil
}

func payload(p64 string) ([]byte, error) {
	p, err := strictB64.DecodeString(p64)
	if err != nil {
		return nil, ErrPayloadEncoding
	}
	return p, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
