package authorizer_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/camvault/camvault/authorizer"
	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/authorizer/authorizertest"
)

// FuzzClaims feeds any payload to the claims decoding and checks, behind
// a key set that verifies nothing (so every input reaches them): no
// panic, every refusal a *TokenError of a known kind, the same answer
// twice, and an identity only for a JSON object whose claims, read by an
// independent decoder where that is unambiguous (only lower-case ASCII
// names, each once), pass every check.
func FuzzClaims(f *testing.F) {
	cfg := baseConfig()
	cfg.KeySet = &acceptAll{}
	cfg.Now = newClock().Now
	cfg.Logger = slogJSON(&syncBuffer{})
	a, err := authorizer.New(context.Background(), cfg)
	if err != nil {
		f.Fatal(err)
	}
	h64 := authorizertest.Encode(f, map[string]any{"alg": "RS256", "typ": "JWT", "kid": "key-a"})
	for _, s := range []string{
		claimsJSON(f, nil),
		claimsJSON(f, func(c map[string]any) { c["aud"] = []string{"x", clientID} }),
		claimsJSON(f, func(c map[string]any) { c["exp"] = raw("1e300") }),
		claimsJSON(f, func(c map[string]any) { c["iat"] = raw("1.5e9") }),
		claimsJSON(f, func(c map[string]any) { c["nbf"] = "1" }),
		claimsJSON(f, func(c map[string]any) { c["email_verified"] = "true" }),
		claimsJSON(f, func(c map[string]any) { c["aud"] = 1 }),
		`{"iss":"accounts.google.com","aud":"` + clientID + `","sub":"1","email":"a@example.com","email_verified":true,"exp":1796461200,"exp":null}`,
		`{"ISS":"https://accounts.google.com"}`,
		`[]`, `null`, `"x"`, `{`, `{}`, ``,
	} {
		f.Add(s)
	}
	issuers := []string{authorizer.GoogleIssuer, "accounts.google.com"}
	f.Fuzz(func(t *testing.T, payload string) {
		tok := h64 + "." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
		if len(tok) > 8<<10 {
			return
		}
		id, err := a.Verify(context.Background(), tok)
		id2, err2 := a.Verify(context.Background(), tok)
		if id != id2 || kindOf(err) != kindOf(err2) {
			t.Fatalf("two answers: %+v %v, then %+v %v", id, err, id2, err2)
		}
		if err != nil {
			if k := kindOf(err); strings.HasPrefix(k, "not a") || strings.HasPrefix(k, "unknown") {
				t.Fatalf("refusal %s", k)
			}
			return
		}
		b := []byte(payload)
		if !json.Valid(b) || !bytes.HasPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte("{")) {
			t.Fatalf("accepted a payload that is not a JSON object: %q", payload)
		}
		if id.Subject == "" || id.Email == "" {
			t.Fatalf("accepted without sub or email: %+v", id)
		}
		// The independent read: names decoded by the tokenizer, values
		// with numbers as written.
		claims, ok := plainClaims(b)
		if !ok {
			return
		}
		str := func(k string) string { s, _ := claims[k].(string); return s }
		if !slices.Contains(issuers, str("iss")) {
			t.Fatalf("accepted iss %v", claims["iss"])
		}
		var auds []string
		switch v := claims["aud"].(type) {
		case string:
			auds = []string{v}
		case []any:
			for _, e := range v {
				s, ok := e.(string)
				if !ok {
					t.Fatalf("accepted aud %v", claims["aud"])
				}
				auds = append(auds, s)
			}
		default:
			t.Fatalf("accepted aud %v", claims["aud"])
		}
		if !slices.ContainsFunc(auds, func(s string) bool { return slices.Contains(cfg.ClientIDs, s) }) {
			t.Fatalf("accepted aud %v", auds)
		}
		now := start
		for _, k := range []string{"exp", "iat", "nbf"} {
			v, present := claims[k]
			if !present || (v == nil && k == "nbf") {
				if k == "exp" {
					t.Fatal("accepted without exp")
				}
				continue
			}
			n, ok := v.(json.Number)
			if !ok {
				t.Fatalf("accepted %s %v", k, v)
			}
			fl, err := n.Float64()
			if err != nil || fl < -62135596800 || fl > 253402300799 {
				t.Fatalf("accepted %s %v", k, n)
			}
			when := time.Unix(int64(fl), 0)
			if k == "exp" && now.After(when.Add(time.Minute)) || k != "exp" && when.After(now.Add(time.Minute)) {
				t.Fatalf("accepted %s %v at %v", k, n, now)
			}
		}
		if ev := claims["email_verified"]; ev != true && ev != "true" {
			t.Fatalf("accepted email_verified %v", ev)
		}
		if id.Subject != str("sub") || id.Email != access.Canonical(str("email")) || id.Domain != access.Canonical(str("hd")) ||
			id.Name != str("name") || id.Picture != str("picture") {
			t.Fatalf("identity %+v from claims %v", id, claims)
		}
	})
}

// plainClaims decodes a JSON object whose names are all lower-case ASCII
// letters, digits and underscores, each given once (numbers as written);
// anything else is not ok, since encoding/json's case-insensitive matching
// would then need to be modelled.
func plainClaims(b []byte) (map[string]any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	out := map[string]any{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		name := tok.(string)
		for _, c := range []byte(name) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
				return nil, false
			}
		}
		if _, dup := out[name]; dup {
			return nil, false
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		out[name] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, false
	}
	return out, true
}
