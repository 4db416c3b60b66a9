package jwks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// ErrUnusualHeader means the protected header, though ParseHeader reads
// it as RS256 without crit, is one that JOSE parsers read differently or
// refuse: a member named twice (at any depth), no member spelled exactly
// "alg" with the value "RS256", a "kid" or "nonce" that is not a string,
// an embedded key or certificate chain ("jwk", "x5c"), or a number beyond
// float64. go-jose, which parsed every token before the key set until
// 2026-12, refused all of these. It wraps ErrMalformed.
var ErrUnusualHeader = fmt.Errorf("%w: unusual protected header", ErrMalformed)

// CheckHeader is ParseHeader followed by the check VerifySignature makes
// of the decoded header: ErrUnusualHeader for a header ParseHeader accepts
// but other JOSE parsers read differently. A caller with a key set of its
// own uses it before handing the token over.
func CheckHeader(token string) (Header, error) {
	h64, _, _, err := split(token)
	if err != nil {
		return Header{}, err
	}
	h, hb, err := parseHeaderBytes(h64)
	if err != nil {
		return h, err
	}
	if !usualHeader(hb) {
		return h, ErrUnusualHeader
	}
	return h, nil
}

// usualHeader reports whether a decoded protected header that parseHeader
// accepted is free of everything ErrUnusualHeader names. A flat object of
// plain strings (every signer's header, Google's included) is checked in
// place; anything else by walking its tokens.
func usualHeader(hb []byte) bool {
	if ok, sure := flatHeader(hb); sure {
		return ok
	}
	return walkHeader(hb)
}

// maxFlatMembers bounds the members flatHeader compares pairwise.
const maxFlatMembers = 16

// flatHeader judges a header that is one JSON object of members whose
// names and values are strings of printable ASCII without escapes
// (whitespace allowed between tokens); for any other header it is not
// sure.
func flatHeader(b []byte) (ok, sure bool) {
	var names [maxFlatMembers][]byte
	n := 0
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return false, true // {}: no alg
	}
	alg := false
	for {
		name, j, good := plainLiteral(b, i)
		if !good || n == maxFlatMembers {
			return false, false
		}
		i = skipSpace(b, j)
		if i >= len(b) || b[i] != ':' {
			return false, false
		}
		value, j, good := plainLiteral(b, skipSpace(b, i+1))
		if !good {
			return false, false
		}
		for _, seen := range names[:n] {
			if bytes.Equal(seen, name) {
				return false, true
			}
		}
		names[n] = name
		n++
		switch string(name) {
		case "alg":
			if string(value) != "RS256" {
				return false, true
			}
			alg = true
		case "jwk", "x5c":
			return false, true
		}
		i = skipSpace(b, j)
		if i >= len(b) {
			return false, false
		}
		if b[i] == '}' {
			if skipSpace(b, i+1) != len(b) {
				return false, false
			}
			return alg, true
		}
		if b[i] != ',' {
			return false, false
		}
		i = skipSpace(b, i+1)
	}
}

// plainLiteral reads a JSON string of printable ASCII without escapes at
// b[i:], returning its contents and the index after it.
func plainLiteral(b []byte, i int) (s []byte, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return b[i+1 : j], j + 1, true
		case c < 0x20 || c >= 0x7f || c == '\\':
			return nil, 0, false
		}
	}
	return nil, 0, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// walkHeader judges any header by its JSON tokens (names unescaped, as
// every parser compares them).
func walkHeader(b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	seen := map[string]bool{}
	alg := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		name, _ := t.(string)
		if seen[name] {
			return false
		}
		seen[name] = true
		switch name {
		case "alg":
			t, err := dec.Token()
			if err != nil || t != "RS256" {
				return false
			}
			alg = true
		case "kid", "nonce":
			t, err := dec.Token()
			if _, isString := t.(string); err != nil || !(isString || t == nil) {
				return false
			}
		case "jwk", "x5c":
			if t, err := dec.Token(); err != nil || t != nil {
				return false
			}
		default:
			if !walkValue(dec) {
				return false
			}
		}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		return false
	}
	return alg
}

// walkValue reads one JSON value from dec: false if an object in it names
// a member twice or a number in it is beyond float64.
func walkValue(dec *json.Decoder) bool {
	t, err := dec.Token()
	if err != nil {
		return false
	}
	switch v := t.(type) {
	case json.Number:
		_, err := strconv.ParseFloat(string(v), 64)
		return err == nil
	case json.Delim:
		switch v {
		case '{':
			seen := map[string]bool{}
			for dec.More() {
				t, err := dec.Token()
				if err != nil {
					return false
				}
				name, _ := t.(string)
				if seen[name] {
					return false
				}
				seen[name] = true
				if !walkValue(dec) {
					return false
				}
			}
		case '[':
			for dec.More() {
				if !walkValue(dec) {
					return false
				}
			}
		default:
			return false
		}
		_, err := dec.Token() // the closing delimiter
		return err == nil
	}
	return true // a string, a boolean or null
}
