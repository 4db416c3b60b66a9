// Package cursor makes the opaque page cursors of camvault's lists: the
// position of the last clip of a page, signed with HMAC-SHA256 together with
// the query it belongs to, so a client can neither forge a position nor
// carry a cursor over to another query, camera or person.
package cursor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/store"
)

// MinKeyLen is the shortest key a Codec accepts, in bytes.
const MinKeyLen = 16

// maxLen bounds the cursors Decode looks at.
const maxLen = 256

// ErrInvalid is returned for a cursor that is malformed, tampered with or
// issued for another query.
var ErrInvalid = errors.New("cursor: invalid")

// Codec signs and checks cursors with one secret key.
type Codec struct {
	key []byte
}

// New returns a Codec for key, which must be at least MinKeyLen bytes.
func New(key []byte) (*Codec, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("cursor: key of %d bytes, need at least %d", len(key), MinKeyLen)
	}
	return &Codec{key: append([]byte(nil), key...)}, nil
}

type payload struct {
	V string `json:"v"`
	C string `json:"c"`
}

var b64 = base64.RawURLEncoding

// Encode returns the cursor of position p in the query named by scope (any
// string that differs between queries whose positions must not mix).
func (c *Codec) Encode(scope string, p store.Position) string {
	body, _ := json.Marshal(payload{V: p.VideoID, C: p.CameraID})
	return b64.EncodeToString(body) + "." + b64.EncodeToString(c.mac(scope, body))
}

// Decode checks a cursor against scope and returns its position, or an
// error wrapping ErrInvalid.
func (c *Codec) Decode(scope, token string) (store.Position, error) {
	if len(token) > maxLen {
		return store.Position{}, fmt.Errorf("%w: too long", ErrInvalid)
	}
	bodyPart, macPart, ok := strings.Cut(token, ".")
	if !ok || bodyPart == "" || macPart == "" {
		return store.Position{}, fmt.Errorf("%w: malformed", ErrInvalid)
	}
	body, err1 := b64.DecodeString(bodyPart)
	mac, err2 := b64.DecodeString(macPart)
	if err1 != nil || err2 != nil {
		return store.Position{}, fmt.Errorf("%w: malformed", ErrInvalid)
	}
	if !hmac.Equal(mac, c.mac(scope, body)) {
		return store.Position{}, fmt.Errorf("%w: not issued for this query", ErrInvalid)
	}
	var p payload
	if err := json.Unmarshal(body, &p); err != nil || !clip.ValidVideoID(p.V) || !clip.ValidCameraID(p.C) {
		return store.Position{}, fmt.Errorf("%w: bad position", ErrInvalid)
	}
	return store.Position{VideoID: p.V, CameraID: p.C}, nil
}

func (c *Codec) mac(scope string, body []byte) []byte {
	h := hmac.New(sha256.New, c.key)
	// Length-prefix the scope so scope and body cannot trade bytes.
	fmt.Fprintf(h, "camvault-cursor-v1\n%d\n%s\n", len(scope), scope)
	h.Write(body)
	return h.Sum(nil)
}

// maxKeyLen bounds the keys EncodeKey carries.
const maxKeyLen = 160

// EncodeKey returns the cursor of an opaque string position key (a grant
// subject, an activity entry id) in the list named by scope. Key cursors
// are signed apart from clip cursors, so neither passes for the other.
func (c *Codec) EncodeKey(scope, key string) string {
	body := []byte(key)
	return b64.EncodeToString(body) + "." + b64.EncodeToString(c.mac("key\n"+scope, body))
}

// DecodeKey checks a cursor made by EncodeKey against scope and returns its
// key, or an error wrapping ErrInvalid.
func (c *Codec) DecodeKey(scope, token string) (string, error) {
	if len(token) > maxLen {
		return "", fmt.Errorf("%w: too long", ErrInvalid)
	}
	bodyPart, macPart, ok := strings.Cut(token, ".")
	if !ok || bodyPart == "" || macPart == "" {
		return "", fmt.Errorf("%w: malformed", ErrInvalid)
	}
	body, err1 := b64.DecodeString(bodyPart)
	mac, err2 := b64.DecodeString(macPart)
	if err1 != nil || err2 != nil || len(body) > maxKeyLen {
		return "", fmt.Errorf("%w: malformed", ErrInvalid)
	}
	if !hmac.Equal(mac, c.mac("key\n"+scope, body)) {
		return "", fmt.Errorf("%w: not issued for this query", ErrInvalid)
	}
	return string(body), nil
}
