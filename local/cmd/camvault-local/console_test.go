package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseExpire(t *testing.T) {
	for _, c := range []struct {
		line    string
		want    time.Duration
		wantErr string // substring; "" means no error
		unknown bool
	}{
		{line: "expire 40d", want: 40 * 24 * time.Hour},
		{line: "  expire   +960h ", want: 960 * time.Hour},
		{line: "expire 90m", want: 90 * time.Minute},
		{line: "expire 0d", want: 0},
		{line: "expire +1d12h", wantErr: `"+1d12h" is not a duration`},
		{line: "expire", wantErr: "expire takes one duration"},
		{line: "expire 1d 2d", wantErr: "expire takes one duration"},
		{line: "expire -3d", wantErr: `"-3d" is not a whole number of days`},
		{line: "expire -5h", wantErr: "goes back in time"},
		{line: "expire +-5h", wantErr: "goes back in time"},
		{line: "expire soon", wantErr: `"soon" is not a duration`},
		{line: "expire 99999999999999d", wantErr: "is not a whole number of days"},
		{line: "expire 9999999999999999h", wantErr: "is not a duration"},
		{line: "", unknown: true},
		{line: "help", unknown: true},
		{line: "EXPIRE 40d", unknown: true},
		{line: "expired 40d", unknown: true},
	} {
		d, err := parseExpire(c.line)
		switch {
		case c.unknown:
			if !errors.Is(err, errUnknown) {
				t.Errorf("%q: got %v, %v; want unknown", c.line, d, err)
			}
		case c.wantErr != "":
			if err == nil || errors.Is(err, errUnknown) || !strings.Contains(err.Error(), c.wantErr) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%q: error %v, want one line with %q", c.line, err, c.wantErr)
			}
		default:
			if err != nil || d != c.want {
				t.Errorf("%q: got %v, %v; want %v", c.line, d, err, c.want)
			}
		}
	}
}

// TestServeConsole: each line gets one answer line; expire runs the sweep
// as of now plus the duration; the end of input just ends the console.
func TestServeConsole(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var asOf []time.Time
	expire := func(_ context.Context, at time.Time) (int, error) {
		asOf = append(asOf, at)
		if len(asOf) == 2 {
			return 0, errors.New("table gone")
		}
		return 7, nil
	}
	in := strings.NewReader("expire 40d\n\nfrobnicate\nexpire soon\nexpire +1h\n")
	var out strings.Builder
	serveConsole(context.Background(), in, &out, func() time.Time { return now }, expire)
	want := []string{
		"expired 7 items as of 2027-01-10T12:00:00Z",
		consoleHelp,
		`camvault-local: expire: "soon" is not a duration (e.g. 40d, 960h, 90m)`,
		"camvault-local: expire as of 2026-12-01T13:00:00Z: table gone",
	}
	if got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("console said:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(asOf) != 2 || !asOf[0].Equal(now.Add(40*24*time.Hour)) || !asOf[1].Equal(now.Add(time.Hour)) {
		t.Fatalf("swept as of %v", asOf)
	}
}
