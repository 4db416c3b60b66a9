package pushtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
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
	"time"
)

// Message is one push request the service accepted.
type Message struct {
	// Name is the subscription's name: the last path segment of its endpoint.
	Name string `json:"name"`
	// Body is the encrypted payload.
	Body []byte `json:"body"`
	// TTL, Urgency and Topic are the request's headers.
	TTL     int    `json:"ttl"`
	Urgency string `json:"urgency"`
	Topic   string `json:"topic,omitempty"`
	// Subject is the VAPID JWT's sub; Key its k parameter.
	Subject string `json:"subject"`
	Key     string `json:"key"`
	// At is when it arrived.
	At time.Time `json:"at"`
}

// Service is the push service stand-in. Subscription endpoints are
// {base}/push/{name}; GET {base}/received lists what arrived (JSON),
// DELETE {base}/received forgets it.
type Service struct {
	// Base is the service's URL (scheme and host), the VAPID audience.
	Base string
	// Now is the clock that checks VAPID expiry; nil means time.Now.
	Now func() time.Time

	mu       sync.Mutex
	received []Message
	status   map[string]int // name → forced status (410, 503, ...)
	down     bool
	notify   chan struct{}
}

// NewService returns a service answering at base (e.g. http://127.0.0.1:PORT).
func NewService(base string) *Service {
	return &Service{Base: strings.TrimRight(base, "/"), status: map[string]int{}, notify: make(chan struct{})}
}

// Endpoint is the endpoint URL of the subscription called name.
func (s *Service) Endpoint(name string) string { return s.Base + "/push/" + name }

// Received returns a copy of what arrived so far.
func (s *Service) Received() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.received...)
}

// Changed returns a channel closed at the next accepted message.
func (s *Service) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notify
}

// Reset forgets what arrived and every forced status.
func (s *Service) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received = nil
	s.status = map[string]int{}
	s.down = false
}

// SetStatus makes pushes to name answer status (410 Gone, 429, 503, ...);
// 0 restores normal service.
func (s *Service) SetStatus(name string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if status == 0 {
		delete(s.status, name)
	} else {
		s.status[name] = status
	}
}

// SetDown makes every push answer 503, as a push service that is down.
func (s *Service) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// ServeHTTP implements the RFC 8030 push resource and the test listing.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/received" {
		s.serveReceived(w, r)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, "/push/")
	if !ok || name == "" || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	forced, down := s.status[name], s.down
	s.mu.Unlock()
	if down {
		http.Error(w, "push service down", http.StatusServiceUnavailable)
		return
	}
	if forced != 0 {
		http.Error(w, http.StatusText(forced), forced)
		return
	}
	sub, key, err := s.checkVAPID(r.Header.Get("Authorization"))
	if err != nil {
		http.Error(w, "vapid: "+err.Error(), http.StatusUnauthorized)
		return
	}
	ttl, err := strconv.Atoi(r.Header.Get("TTL"))
	if err != nil || ttl < 0 {
		http.Error(w, "TTL header required", http.StatusBadRequest)
		return
	}
	if r.Header.Get("Content-Encoding") != "aes128gcm" {
		http.Error(w, "Content-Encoding must be aes128gcm", http.StatusUnsupportedMediaType)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4097))
	if err != nil || len(body) > 4096 {
		http.Error(w, "payload too large", http.StatusRequestEntityTooLarge)
		return
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	s.mu.Lock()
	s.received = append(s.received, Message{
		Name: name, Body: body, TTL: ttl, Urgency: r.Header.Get("Urgency"), Topic: r.Header.Get("Topic"),
		Subject: sub, Key: key, At: now,
	})
	close(s.notify)
	s.notify = make(chan struct{})
	s.mu.Unlock()
	w.Header().Set("Location", s.Base+"/message/"+strconv.Itoa(len(s.received)))
	w.WriteHeader(http.StatusCreated)
}

func (s *Service) serveReceived(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		_ = json.NewEncoder(w).Encode(map[string]any{"items": s.Received()})
	case http.MethodDelete:
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// checkVAPID verifies "vapid t=JWT, k=KEY" (RFC 8292): an ES256 JWT
// signed by k, aud this service's origin, exp in the future and at most 24
// hours away, sub a mailto: or https: URI. It returns sub and k.
func (s *Service) checkVAPID(h string) (sub, key string, err error) {
	rest, ok := strings.CutPrefix(h, "vapid ")
	if !ok {
		return "", "", errors.New("want Authorization: vapid t=<JWT>, k=<key>")
	}
	var tok string
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			tok = v
		case "k":
			key = v
		}
	}
	if tok == "" || key == "" {
		return "", "", errors.New("t and k are required")
	}
	pubBytes, err := base64.RawURLEncoding.DecodeString(key)
	if err != nil {
		return "", "", errors.New("k is not base64url")
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), pubBytes)
	if err != nil {
		return "", "", errors.New("k is not an uncompressed P-256 key")
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "", "", errors.New("t is not a JWT")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if err := decodeSegment(parts[0], &header); err != nil || header.Alg != "ES256" {
		return "", "", errors.New("JWT alg must be ES256")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return "", "", errors.New("JWT signature is not 64 bytes")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return "", "", errors.New("JWT signature does not verify with k")
	}
	var claims struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return "", "", fmt.Errorf("JWT claims: %w", err)
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	switch exp := time.Unix(claims.Exp, 0); {
	case claims.Aud != s.Base:
		return "", "", fmt.Errorf("aud %q, want %q", claims.Aud, s.Base)
	case !exp.After(now):
		return "", "", errors.New("JWT expired")
	case exp.After(now.Add(24 * time.Hour)):
		return "", "", errors.New("exp more than 24 hours ahead")
	case !strings.HasPrefix(claims.Sub, "mailto:") && !strings.HasPrefix(claims.Sub, "https:"):
		return "", "", errors.New("sub must be a mailto: or https: URI")
	}
	return claims.Sub, key, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
