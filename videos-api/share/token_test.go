package share

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"
)

func TestRoundTripAndMatch(t *testing.T) {
	tok, err := New(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s := tok.String()
	if len(s) != TokenLength {
		t.Fatalf("len %d, want %d", len(s), TokenLength)
	}
	got, err := Parse(s)
	if err != nil || got != tok {
		t.Fatalf("Parse(%q) = %v, %v", s, got, err)
	}
	if !got.Matches(tok.Hash()) {
		t.Fatal("token does not match its own hash")
	}
	other, _ := New(rand.Reader)
	if other.Matches(tok.Hash()) || (Token{ID: tok.ID, Secret: other.Secret}).Matches(tok.Hash()) {
		t.Fatal("another secret matches")
	}
	if strings.Contains(tok.Hash(), s[33:]) {
		t.Fatal("hash holds the secret")
	}
}

func TestParseRefuses(t *testing.T) {
	tok, _ := New(bytes.NewReader(bytes.Repeat([]byte{0xab}, 64)))
	s := tok.String()
	for _, bad := range []string{
		"", s[:len(s)-1], s + "A", strings.ToUpper(s[:32]) + s[32:], strings.Replace(s, ".", "_", 1),
		"g" + s[1:], s[:33] + "+" + s[34:], s[:len(s)-1] + "=", s[:32] + "." + strings.Repeat("A", 42) + "B",
	} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

// FuzzParse: whatever Parse accepts prints back to the same text (one
// spelling per token), and a token's id is always a valid id.
func FuzzParse(f *testing.F) {
	tok, _ := New(bytes.NewReader(bytes.Repeat([]byte{1}, 64)))
	f.Add(tok.String())
	f.Add("")
	f.Add(strings.Repeat("a", 32) + "." + strings.Repeat("_", 43))
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := Parse(s)
		if err != nil {
			return
		}
		if tok.String() != s || !ValidID(tok.ID) || !tok.Matches(tok.Hash()) {
			t.Fatalf("Parse(%q) = %+v", s, tok)
		}
	})
}
