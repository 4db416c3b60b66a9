package cursor_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/camvault/camvault/videos-api/cursor"
	"github.com/camvault/camvault/videos-api/store"
)

var pos = store.Position{VideoID: "01M89KGYH860R30C1G60R30C1H", CameraID: "front-door"}

func TestRoundTripAndRefusals(t *testing.T) {
	c, err := cursor.New([]byte("0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := cursor.New([]byte("fedcba9876543210"))
	tok := c.Encode("timeline|||*", pos)
	if got, err := c.Decode("timeline|||*", tok); err != nil || got != pos {
		t.Fatalf("Decode = %+v, %v", got, err)
	}
	body, mac, _ := strings.Cut(tok, ".")
	tests := []struct {
		name, scope, token string
		codec              *cursor.Codec
	}{
		{"other scope", "timeline|||front-door", tok, c},
		{"other key", "timeline|||*", tok, other},
		{"flipped body", "timeline|||*", "A" + body[1:] + "." + mac, c},
		{"flipped mac", "timeline|||*", body + "." + "A" + mac[1:], c},
		{"no mac", "timeline|||*", body, c},
		{"empty", "timeline|||*", "", c},
		{"dots", "timeline|||*", "..", c},
		{"not base64", "timeline|||*", "!!!.???", c},
		{"too long", "timeline|||*", strings.Repeat("a", 300) + "." + mac, c},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.codec.Decode(tt.scope, tt.token); !errors.Is(err, cursor.ErrInvalid) {
				t.Fatalf("Decode = %v, want ErrInvalid", err)
			}
		})
	}
	if _, err := cursor.New([]byte("short")); err == nil {
		t.Fatal("New accepted a short key")
	}
}

func FuzzDecode(f *testing.F) {
	c, _ := cursor.New([]byte("0123456789abcdef"))
	f.Add("timeline|||*", c.Encode("timeline|||*", pos))
	f.Add("", "a.b")
	f.Add("x", "eyJ2IjoiIiwiYyI6IiJ9.AAAA")
	f.Fuzz(func(t *testing.T, scope, token string) {
		p, err := c.Decode(scope, token)
		if err == nil && (p.VideoID == "" || p.CameraID == "") {
			t.Fatalf("accepted an empty position from %q", token)
		}
	})
}

func TestKeyCursors(t *testing.T) {
	c, _ := cursor.New([]byte("0123456789abcdef"))
	tok := c.EncodeKey("grants|*", "a@example.com")
	if got, err := c.DecodeKey("grants|*", tok); err != nil || got != "a@example.com" {
		t.Fatalf("DecodeKey = %q, %v", got, err)
	}
	if _, err := c.DecodeKey("grants|front", tok); !errors.Is(err, cursor.ErrInvalid) {
		t.Errorf("other scope: %v, want ErrInvalid", err)
	}
	// A key cursor is no clip cursor, and the other way round.
	if _, err := c.Decode("grants|*", tok); !errors.Is(err, cursor.ErrInvalid) {
		t.Errorf("key cursor decoded as a clip cursor: %v", err)
	}
	clipTok := c.Encode("timeline|||*", pos)
	if _, err := c.DecodeKey("timeline|||*", clipTok); !errors.Is(err, cursor.ErrInvalid) {
		t.Errorf("clip cursor decoded as a key cursor: %v", err)
	}
	for _, bad := range []string{"", ".", "abc", strings.Repeat("a", 300), tok + "x"} {
		if _, err := c.DecodeKey("grants|*", bad); !errors.Is(err, cursor.ErrInvalid) {
			t.Errorf("DecodeKey(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}
