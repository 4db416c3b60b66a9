package push

import (
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// MinSecretBytes is the least length of the VAPID secret.
const MinSecretBytes = 32

// VAPIDKeys are the application server's key pair (RFC 8292), base64url
// without padding as webpush-go and browsers take them.
type VAPIDKeys struct {
	// Public is the uncompressed P-256 point (65 bytes): browsers subscribe
	// with it as applicationServerKey.
	Public string
	// Private is the 32-byte scalar. It is never logged or answered.
	Private string
}

// String hides the private key from fmt and loggers.
func (k VAPIDKeys) String() string { return "VAPIDKeys{Public: " + k.Public + "}" }

// KeysFromSecret derives the stage's VAPID key pair from its secret: the
// random string Secrets Manager generated for the stack. The private scalar
// is HKDF-SHA256 of the secret (counter in the info on the negligible
// chance a candidate is not a valid scalar), so the pair is stable for the
// life of the secret and needs no key material in git or in the template.
func KeysFromSecret(secret []byte) (VAPIDKeys, error) {
	if len(secret) < MinSecretBytes {
		return VAPIDKeys{}, fmt.Errorf("push: VAPID secret of %d bytes: want at least %d", len(secret), MinSecretBytes)
	}
	for i := range 16 {
		d, err := hkdf.Key(sha256.New, secret, []byte("camvault"), fmt.Sprintf("camvault VAPID P-256 key %d", i), 32)
		if err != nil {
			return VAPIDKeys{}, fmt.Errorf("push: deriving VAPID key: %w", err)
		}
		priv, err := ecdh.P256().NewPrivateKey(d)
		if err != nil {
			continue
		}
		return VAPIDKeys{
			Public:  base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes()),
			Private: base64.RawURLEncoding.EncodeToString(d),
		}, nil
	}
	return VAPIDKeys{}, fmt.Errorf("push: no valid VAPID key from the secret")
}
