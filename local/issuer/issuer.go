// Package issuer is the local stack's dev OpenID Connect issuer: it mints real
// RS256 ID tokens with Google's claims for any email typed on its sign-in
// page (OIDC implicit flow) or posted to /token by scripts and tests. It is
// local only and never deployed.
package issuer

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/camvault/camvault/authorizer/access"
)

// ClientID is the OAuth client id of the local web client and the default
// audience of minted tokens.
const ClientID = "camvault-local.apps.googleusercontent.com"

// ErrCorruptKey reports a signing key file that exists but cannot be used.
var ErrCorruptKey = errors.New("the dev issuer's signing key is unreadable")

// Config configures an Issuer.
type Config struct {
	// URL is the issuer identifier and base URL, e.g. http://127.0.0.1:4002.
	URL string
	// KeyFile persists the RSA signing key (PEM, PKCS#8) so tokens survive
	// restarts; created on first use.
	KeyFile string
	// ClientID is the default audience; empty means ClientID.
	ClientID string
	// Now is the clock for iat and exp; nil means time.Now.
	Now func() time.Time
	// People are offered as one-click sign-ins on the sign-in page, each
	// with a note on what the API makes of them; nil means DefaultPeople.
	People []Person
	// WebOrigin is the web client's origin (http://127.0.0.1:4001), the only
	// Origin POST /token answers; requests without an Origin (scripts) are
	// answered too. Empty: no browser origin at all.
	WebOrigin string
}

// Issuer signs ID tokens and serves the OIDC endpoints (see Handler).
type Issuer struct {
	url      string
	clientID string
	now      func() time.Time
	key      *rsa.PrivateKey
	kid      string
	people   []Person
	// webOrigin is the only browser origin POST /token answers.
	webOrigin string
}

// New loads the signing key from cfg.KeyFile, or generates and stores one.
func New(cfg Config) (*Issuer, error) {
	if cfg.URL == "" {
		return nil, errors.New("issuer: no URL")
	}
	if cfg.ClientID == "" {
		cfg.ClientID = ClientID
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	key, err := loadOrCreateKey(cfg.KeyFile)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("issuer: public key: %w", err)
	}
	sum := sha256.Sum256(der)
	iss := &Issuer{url: strings.TrimSuffix(cfg.URL, "/"), clientID: cfg.ClientID, now: cfg.Now, key: key, kid: base64.RawURLEncoding.EncodeToString(sum[:12])}
	iss.people = cfg.People
	iss.webOrigin = strings.TrimSuffix(cfg.WebOrigin, "/")
	if iss.people == nil {
		iss.people = DefaultPeople
	}
	return iss, nil
}

func loadOrCreateKey(file string) (*rsa.PrivateKey, error) {
	if file == "" {
		return rsa.GenerateKey(rand.Reader, 2048)
	}
	b, err := os.ReadFile(file)
	switch {
	case err == nil:
		block, _ := pem.Decode(b)
		if block == nil {
			return nil, fmt.Errorf("%w: %s holds no PEM block", ErrCorruptKey, file)
		}
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrCorruptKey, file, err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%w: %s is not an RSA key", ErrCorruptKey, file)
		}
		return rk, nil
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%w: %v", ErrCorruptKey, err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("issuer: generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("issuer: encode key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, fmt.Errorf("issuer: key dir: %w", err)
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return nil, fmt.Errorf("issuer: write key: %w", err)
	}
	if err := os.Rename(tmp, file); err != nil {
		return nil, fmt.Errorf("issuer: write key: %w", err)
	}
	return key, nil
}

// URL is the issuer identifier (the iss claim).
func (i *Issuer) URL() string { return i.url }

// KeyID is the kid of the signing key.
func (i *Issuer) KeyID() string { return i.kid }

// PublicKey is the key that verifies the issuer's tokens.
func (i *Issuer) PublicKey() *rsa.PublicKey { return &i.key.PublicKey }

// TokenRequest describes the person and token to mint. Zero values take the
// defaults of the /token endpoint.
type TokenRequest struct {
	// Email is required.
	Email string
	// Name defaults to one derived from the email's local part.
	Name string
	// HD is the hosted domain; nil means the email's domain (none for
	// gmail.com), a pointer to "" means no hd claim.
	HD *string
	// ExpiresIn defaults to one hour; a negative value mints an expired token.
	ExpiresIn time.Duration
	// Audience defaults to the local client id.
	Audience string
	// EmailVerified defaults to true.
	EmailVerified *bool
	// Nonce, when set, is echoed in the nonce claim.
	Nonce string
}

// Token mints a signed ID token for req.
func (i *Issuer) Token(req TokenRequest) (string, error) {
	email := strings.TrimSpace(req.Email)
	if err := checkEmail(email); err != nil {
		return "", err
	}
	now := i.now()
	exp := req.ExpiresIn
	if exp == 0 {
		exp = time.Hour
	}
	aud := req.Audience
	if aud == "" {
		aud = i.clientID
	}
	verified := true
	if req.EmailVerified != nil {
		verified = *req.EmailVerified
	}
	// A blank name (say name=%20 on /token) would leave no given name.
	name := strings.TrimSpace(req.Name)
	if name == "" {
		name = NameFor(email)
	}
	sub := Subject(email)
	claims := map[string]any{
		"iss":            i.url,
		"azp":            aud,
		"aud":            aud,
		"sub":            sub,
		"email":          email,
		"email_verified": verified,
		"name":           name,
		"given_name":     strings.Fields(name)[0],
		"picture":        i.url + "/avatar/" + sub + ".svg?initial=" + initial(name),
		"iat":            now.Unix(),
		"exp":            now.Add(exp).Unix(),
	}
	hd := DefaultHD(email)
	if req.HD != nil {
		hd = *req.HD
	}
	if hd != "" {
		claims["hd"] = hd
	}
	if req.Nonce != "" {
		claims["nonce"] = req.Nonce
	}
	return i.sign(claims)
}

func (i *Issuer) sign(claims map[string]any) (string, error) {
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": i.kid})
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("issuer: encode claims: %w", err)
	}
	signing := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, i.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("issuer: sign: %w", err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// JWKS returns the JSON Web Key Set document of the signing key.
func (i *Issuer) JWKS() []byte {
	pub := i.key.PublicKey
	e := big.NewInt(int64(pub.E)).Bytes()
	b, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "alg": "RS256", "use": "sig", "kid": i.kid,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(e),
	}}})
	return b
}

// Subject returns the stable sub claim for an email: a 21-digit number
// derived from its ASCII-lowercased form (access.Canonical: no Unicode case
// folding, so a KELVIN SIGN look-alike is another account), shaped like
// Google's.
func Subject(email string) string {
	sum := sha256.Sum256([]byte(access.Canonical(email)))
	n := binary.BigEndian.Uint64(sum[:8]) % 1e18
	return "10" + fmt.Sprintf("%019d", n)
}

// DefaultHD returns the hd claim Google would send for email: its domain,
// or none for consumer (gmail.com) accounts.
func DefaultHD(email string) string {
	domain := strings.ToLower(email[strings.LastIndex(email, "@")+1:])
	if domain == "gmail.com" || domain == "googlemail.com" {
		return ""
	}
	return domain
}

// NameFor derives a display name from the email's local part:
// jane.doe@example.com -> Jane Doe.
func NameFor(email string) string {
	local := email[:strings.LastIndex(email, "@")]
	words := strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' || r == '+' })
	for n, w := range words {
		// The first letter, not the first byte: élodie -> Élodie.
		r, size := utf8.DecodeRuneInString(w)
		words[n] = string(unicode.ToUpper(r)) + w[size:]
	}
	if len(words) == 0 {
		return email
	}
	return strings.Join(words, " ")
}

func checkEmail(email string) error {
	at := strings.LastIndex(email, "@")
	if at <= 0 || at == len(email)-1 || !utf8.ValidString(email) || strings.ContainsAny(email, " \t\r\n<>\"") || len(email) > 254 || !strings.Contains(email[at:], ".") {
		return fmt.Errorf("invalid email %q", email)
	}
	return nil
}

// parseExpiresIn reads the expires_in form field: whole seconds, at most a
// day either way.
func parseExpiresIn(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n == 0 || n > 86400 || n < -86400 {
		return 0, fmt.Errorf("expires_in must be a whole number of seconds, non-zero, within a day: %q", s)
	}
	return time.Duration(n) * time.Second, nil
}

func initial(name string) string {
	if name != "" && name[0] >= 'a' && name[0] <= 'z' {
		return string(name[0] - 'a' + 'A')
	}
	if name != "" && name[0] >= 'A' && name[0] <= 'Z' {
		return name[:1]
	}
	return "X"
}
