// Package share makes and reads share-link tokens. A token names one share
// (its id, not secret) and carries 256 random bits (its secret). Only the
// secret's SHA-256 is stored, so the table cannot be turned back into
// links, and a token cannot be turned into another share's: the id selects
// one record and the secret must hash to that record's hash.
package share

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Sizes of a token's parts.
const (
	idBytes     = 16 // 128 bits: the share's id, 32 hex characters
	secretBytes = 32 // 256 bits of secret, 43 base64url characters
	// TokenLength is the length of a token's text.
	TokenLength = 2*idBytes + 1 + 43
)

// ErrMalformed is returned for text that is not a token.
var ErrMalformed = errors.New("share: malformed token")

// Token is a share link's token.
type Token struct {
	// ID is the share's id: 32 lowercase hex characters.
	ID string
	// Secret is the random part, never stored.
	Secret [secretBytes]byte
}

// New returns a fresh token read from rand (crypto/rand.Reader).
func New(rand io.Reader) (Token, error) {
	var id [idBytes]byte
	var t Token
	if _, err := io.ReadFull(rand, id[:]); err != nil {
		return Token{}, fmt.Errorf("share: reading randomness: %w", err)
	}
	if _, err := io.ReadFull(rand, t.Secret[:]); err != nil {
		return Token{}, fmt.Errorf("share: reading randomness: %w", err)
	}
	t.ID = hex.EncodeToString(id[:])
	return t, nil
}

// String is the token's text: {id}.{secret in unpadded base64url}.
func (t Token) String() string {
	return t.ID + "." + base64.RawURLEncoding.EncodeToString(t.Secret[:])
}

// Parse reads a token's text strictly: exactly TokenLength characters, a
// lowercase hex id, a dot, the secret in canonical unpadded base64url.
func Parse(s string) (Token, error) {
	if len(s) != TokenLength {
		return Token{}, ErrMalformed
	}
	id, secret, ok := strings.Cut(s, ".")
	if !ok || !ValidID(id) {
		return Token{}, ErrMalformed
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(secret)
	if err != nil || len(b) != secretBytes {
		return Token{}, ErrMalformed
	}
	t := Token{ID: id}
	copy(t.Secret[:], b)
	return t, nil
}

// ValidID reports whether s is a share id: 32 lowercase hex characters.
func ValidID(s string) bool {
	if len(s) != 2*idBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Hash is the stored form of the token's secret: SHA-256, hex.
func (t Token) Hash() string {
	sum := sha256.Sum256(t.Secret[:])
	return hex.EncodeToString(sum[:])
}

// Matches reports, in constant time, whether the token's secret hashes to
// hash.
func (t Token) Matches(hash string) bool {
	got := t.Hash()
	return len(hash) == len(got) && subtle.ConstantTimeCompare([]byte(got), []byte(hash)) == 1
}
