// Package push holds the state of new-clip alerts by Web Push: each
// person's browser subscriptions and alert settings, and the fold state of
// bursts, in the clips table; it checks what browsers send (endpoints, keys,
// cameras, settings) and derives the stage's VAPID key pair. Package send
// sends the alerts.
package push

import (
	"crypto/ecdh"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/camvault/camvault/videos-api/clip"
)

// Limits of a subscription.
const (
	// MaxEndpointBytes bounds a push endpoint URL.
	MaxEndpointBytes = 1024
	// MaxCameras bounds the cameras one subscription may list.
	MaxCameras = 100
)

// Subscription is one browser's push subscription for one person.
type Subscription struct {
	// ID names the subscription: derived from the endpoint, so the same
	// browser subscribing again replaces its subscription.
	ID string `json:"id"`
	// Sub is the owner's Google account id.
	Sub string `json:"-"`
	// Email and Domain (the hd claim) are the owner's, kept so the sender
	// can apply the access rules at send time.
	Email  string `json:"-"`
	Domain string `json:"-"`
	// Endpoint is the push service URL of the subscription.
	Endpoint string `json:"endpoint"`
	// P256DH is the browser's public key (base64url, 65 bytes decoded).
	P256DH string `json:"-"`
	// Auth is the browser's authentication secret (base64url, 16 bytes).
	Auth string `json:"-"`
	// Cameras are the cameras alerted about; nil means every camera the
	// owner may see.
	Cameras []string `json:"cameras"`
	// CreatedAt is when the browser last subscribed.
	CreatedAt time.Time `json:"createdAt"`
}

// Covers reports whether the subscription asks for alerts about camera.
func (s Subscription) Covers(camera string) bool {
	return s.Cameras == nil || slices.Contains(s.Cameras, camera)
}

// SubscriptionID derives a subscription's id from its endpoint.
func SubscriptionID(endpoint string) string {
	h := sha256.Sum256([]byte(endpoint))
	return base64.RawURLEncoding.EncodeToString(h[:16])
}

// FieldError is a bad field of a subscription or of settings: the API
// answers it as a 400 naming the field.
type FieldError struct {
	// Field is the JSON path of the field, e.g. keys.p256dh.
	Field string
	// Why says what is wrong.
	Why string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Why }

// CheckEndpoint checks a push endpoint: an absolute https URL with a host
// and no userinfo; allowHTTPLoopback also admits http on a loopback host
// (the local stack's push service stand-in).
func CheckEndpoint(endpoint string, allowHTTPLoopback bool) error {
	bad := func(why string) error { return &FieldError{Field: "endpoint", Why: why} }
	if endpoint == "" {
		return bad("is required")
	}
	if len(endpoint) > MaxEndpointBytes {
		return bad(fmt.Sprintf("longer than %d bytes", MaxEndpointBytes))
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" || strings.ContainsAny(endpoint, " \t\r\n\\") {
		return bad("want an absolute URL with a host")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && allowHTTPLoopback && isLoopback(u.Hostname()):
	default:
		return bad("want an https URL")
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// DecodeKey decodes a base64url key as browsers send them (with or
// without padding; standard base64 is accepted too).
func DecodeKey(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// CheckKeys checks a subscription's keys: p256dh an uncompressed P-256
// point (65 bytes), auth 16 bytes.
func CheckKeys(p256dh, auth string) error {
	if p256dh == "" {
		return &FieldError{Field: "keys.p256dh", Why: "is required"}
	}
	b, err := DecodeKey(p256dh)
	if err != nil {
		return &FieldError{Field: "keys.p256dh", Why: "want base64url"}
	}
	if len(b) != 65 {
		return &FieldError{Field: "keys.p256dh", Why: fmt.Sprintf("want a 65-byte P-256 public key, got %d bytes", len(b))}
	}
	if _, err := ecdh.P256().NewPublicKey(b); err != nil {
		return &FieldError{Field: "keys.p256dh", Why: "not a point on P-256"}
	}
	if auth == "" {
		return &FieldError{Field: "keys.auth", Why: "is required"}
	}
	a, err := DecodeKey(auth)
	if err != nil {
		return &FieldError{Field: "keys.auth", Why: "want base64url"}
	}
	if len(a) != 16 {
		return &FieldError{Field: "keys.auth", Why: fmt.Sprintf("want 16 bytes, got %d", len(a))}
	}
	return nil
}

// CheckCameras checks a subscription's camera list against what the person
// may see. nil (every camera) is always allowed.
func CheckCameras(cameras []string, access clip.Access) error {
	if cameras == nil {
		return nil
	}
	if len(cameras) == 0 {
		return &FieldError{Field: "cameras", Why: "name at least one camera, or send \"*\" for all"}
	}
	if len(cameras) > MaxCameras {
		return &FieldError{Field: "cameras", Why: fmt.Sprintf("at most %d cameras", MaxCameras)}
	}
	for _, id := range cameras {
		if !clip.ValidCameraID(id) {
			return &FieldError{Field: "cameras", Why: fmt.Sprintf("%q is not a camera id", truncate(id, 64))}
		}
		if !access.Allows(id) {
			return &FieldError{Field: "cameras", Why: fmt.Sprintf("you may not see camera %q", id)}
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
