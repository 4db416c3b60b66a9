// Package pushtest is a Web Push service stand-in for tests and the local
// stack: it accepts RFC 8030 push requests on loopback, checks their VAPID
// authorization (RFC 8292) and keeps what it received; Subscriber plays the
// browser, holding a subscription's keys and decrypting payloads (RFC 8291)
// with the standard library only.
package pushtest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

// Subscriber is a browser's side of one push subscription.
type Subscriber struct {
	// Endpoint is the subscription's push URL.
	Endpoint string
	key      *ecdh.PrivateKey
	auth     []byte
}

// NewSubscriber makes fresh subscription keys for endpoint.
func NewSubscriber(endpoint string) (*Subscriber, error) {
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	auth := make([]byte, 16)
	if _, err := rand.Read(auth); err != nil {
		return nil, err
	}
	return &Subscriber{Endpoint: endpoint, key: k, auth: auth}, nil
}

// P256DH is the public key as a browser sends it (base64url, no padding).
func (s *Subscriber) P256DH() string {
	return base64.RawURLEncoding.EncodeToString(s.key.PublicKey().Bytes())
}

// Auth is the authentication secret as a browser sends it.
func (s *Subscriber) Auth() string { return base64.RawURLEncoding.EncodeToString(s.auth) }

// Decrypt decrypts an aes128gcm push body (one record) sent to this
// subscription and returns the plaintext without its padding.
func (s *Subscriber) Decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("pushtest: body shorter than the aes128gcm header")
	}
	salt, rs, idLen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if len(body) < 21+idLen || idLen != 65 {
		return nil, fmt.Errorf("pushtest: key id of %d bytes, want 65", idLen)
	}
	asPublic, ciphertext := body[21:21+idLen], body[21+idLen:]
	if rs < 18 || len(ciphertext) > int(rs) {
		return nil, fmt.Errorf("pushtest: %d bytes of ciphertext in records of %d: want one record", len(ciphertext), rs)
	}
	pub, err := ecdh.P256().NewPublicKey(asPublic)
	if err != nil {
		return nil, fmt.Errorf("pushtest: sender key: %w", err)
	}
	shared, err := s.key.ECDH(pub)
	if err != nil {
		return nil, err
	}
	info := append(append([]byte("WebPush: info\x00"), s.key.PublicKey().Bytes()...), asPublic...)
	ikm, err := hkdf.Key(sha256.New, shared, s.auth, string(info), 32)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, fmt.Errorf("pushtest: decrypt: %w", err)
	}
	plain = bytes.TrimRight(plain, "\x00")
	if len(plain) == 0 || plain[len(plain)-1] != 0x02 {
		return nil, errors.New("pushtest: no last-record delimiter")
	}
	return plain[:len(plain)-1], nil
}
