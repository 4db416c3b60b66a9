package soak

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Person is someone the load sends requests as: a name for the report and
// the Authorization header value ("" sends none).
type Person struct {
	Name   string
	Header string
	// Kind says what the API must answer this person.
	Kind Kind
}

// Kind is the class of caller, which decides the answers the load expects.
type Kind int

// Kinds of caller.
const (
	// Viewer sees every camera and may not delete.
	Viewer Kind = iota
	// Admin sees every camera and may delete.
	Admin
	// Restricted is a viewer limited by a grant to some cameras.
	Restricted
	// Stranger has a good token but is not allowed: 403 everywhere.
	Stranger
	// Junk has a missing, malformed, forged, expired or foreign token: 401.
	Junk
	// Restricted3 is a viewer limited by a grant to the 3 AudienceCameras:
	// their timeline comes from the audience index.
	Restricted3
)

// restricted reports a kind limited by a grant to some cameras.
func (k Kind) restricted() bool { return k == Restricted || k == Restricted3 }

func (k Kind) String() string {
	return [...]string{"viewer", "admin", "restricted", "stranger", "junk", "restricted3"}[k]
}

// Issuer mints dev-issuer tokens over its HTTP API (POST {issuer}/token).
type Issuer struct {
	URL    string
	Client *http.Client
}

// Token mints an ID token with the given form fields (email is required).
func (i Issuer) Token(ctx context.Context, form url.Values) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, i.URL+"/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	c := i.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("mint a token for %s: %w", form.Get("email"), err)
	}
	defer resp.Body.Close()
	var body struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK || body.IDToken == "" {
		return "", fmt.Errorf("mint a token for %s: status %d, %v", form.Get("email"), resp.StatusCode, err)
	}
	return body.IDToken, nil
}

// People are the callers of a load run.
type People struct {
	Viewer, Admin, Restricted, Stranger Person
	// Restricted3 is granted the 3 AudienceCameras (PrepareAudience).
	Restricted3 Person
	Junk        []Person
}

// All lists every caller, junk last.
func (p People) All() []Person {
	return append([]Person{p.Viewer, p.Admin, p.Restricted, p.Restricted3, p.Stranger}, p.Junk...)
}

// Emails of the callers with real tokens. RestrictedEmail must be admitted
// only by a grant (its domain is not allowed), so the grant is what limits it.
const (
	ViewerEmail     = "viewer@example.com"
	AdminEmail      = "admin@example.com"
	StrangerEmail   = "stranger@example.org"
	RestrictedEmail = "guest@example.net"
)

// MintPeople gets tokens for the viewer, admin, stranger and restricted
// people from the dev issuer and makes the junk tokens.
func MintPeople(ctx context.Context, iss Issuer) (People, error) {
	var p People
	for _, x := range []struct {
		dst   *Person
		email string
		kind  Kind
	}{{&p.Viewer, ViewerEmail, Viewer}, {&p.Admin, AdminEmail, Admin}, {&p.Restricted, RestrictedEmail, Restricted}, {&p.Restricted3, Restricted3Email, Restricted3}, {&p.Stranger, StrangerEmail, Stranger}} {
		tok, err := iss.Token(ctx, url.Values{"email": {x.email}})
		if err != nil {
			return People{}, err
		}
		*x.dst = Person{Name: x.kind.String(), Header: "Bearer " + tok, Kind: x.kind}
	}
	junk, err := JunkPeople(ctx, iss, strings.TrimPrefix(p.Viewer.Header, "Bearer "))
	if err != nil {
		return People{}, err
	}
	p.Junk = junk
	return p, nil
}

// JunkPeople are callers whose tokens must all be refused with a 401: no
// header, garbage, alg none, a foreign key's signature, a tampered payload,
// expired, another app's audience, an unverified address. good is a valid
// viewer token, the base of the forgeries.
func JunkPeople(ctx context.Context, iss Issuer, good string) ([]Person, error) {
	parts := strings.Split(good, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("junk tokens: the good token has %d parts", len(parts))
	}
	var header map[string]any
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || json.Unmarshal(raw, &header) != nil {
		return nil, fmt.Errorf("junk tokens: bad header in the good token")
	}
	b64 := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	none := map[string]any{"alg": "none", "typ": "JWT", "kid": header["kid"]}
	foreign, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	input := parts[0] + "." + parts[1]
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, foreign, crypto.SHA256, digest[:])
	if err != nil {
		return nil, err
	}
	// Admin's claims on the viewer's signature.
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	tampered := strings.Replace(string(payload), ViewerEmail, AdminEmail, 1)

	out := []Person{
		{Name: "no header", Header: ""},
		{Name: "garbage", Header: "Bearer not-a-token"},
		{Name: "three dots", Header: "Bearer a.b.c"},
		{Name: "basic scheme", Header: "Basic dmlld2VyOnBhc3M="},
		{Name: "alg none", Header: "Bearer " + b64(none) + "." + parts[1] + "."},
		{Name: "foreign key", Header: "Bearer " + input + "." + base64.RawURLEncoding.EncodeToString(sig)},
		{Name: "tampered payload", Header: "Bearer " + parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(tampered)) + "." + parts[2]},
		{Name: "signature cut", Header: "Bearer " + input + "." + parts[2][:len(parts[2])/2]},
	}
	for _, m := range []struct {
		name string
		form url.Values
	}{
		{"expired", url.Values{"email": {ViewerEmail}, "expires_in": {"-3600"}}},
		{"wrong aud", url.Values{"email": {ViewerEmail}, "aud": {"someone-else.apps.googleusercontent.com"}}},
		{"unverified email", url.Values{"email": {AdminEmail}, "email_verified": {"false"}}},
	} {
		tok, err := iss.Token(ctx, m.form)
		if err != nil {
			return nil, fmt.Errorf("junk token %s: %w", m.name, err)
		}
		out = append(out, Person{Name: m.name, Header: "Bearer " + tok})
	}
	for i := range out {
		out[i].Kind = Junk
	}
	return out, nil
}
