package push

import (
	"fmt"
	"time"
)

// Defaults and bounds of the alert settings.
const (
	DefaultFoldMinutes = 5
	MaxFoldMinutes     = 24 * 60
)

// Settings are one person's alert settings, shared by all their browsers.
type Settings struct {
	// FoldMinutes is the fold window: at most one alert per camera in it;
	// clips in between are counted into the next alert. 0 sends every clip.
	FoldMinutes int `json:"foldMinutes"`
	// QuietHours, when set, silences alerts between Start and End (clock
	// times in TimeZone; End before Start spans midnight). Clips in quiet
	// hours are counted into the next alert.
	QuietHours *QuietHours `json:"quietHours"`
	// TimeZone is an IANA zone name (e.g. Europe/Paris); UTC when empty.
	TimeZone string `json:"timeZone"`
}

// QuietHours is a daily span of clock times, "HH:MM" each.
type QuietHours struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// DefaultSettings are the settings of someone who never saved any.
func DefaultSettings() Settings { return Settings{FoldMinutes: DefaultFoldMinutes, TimeZone: "UTC"} }

// Check reports the first bad field, as a *FieldError.
func (s Settings) Check() error {
	if s.FoldMinutes < 0 || s.FoldMinutes > MaxFoldMinutes {
		return &FieldError{Field: "foldMinutes", Why: fmt.Sprintf("want whole minutes from 0 to %d", MaxFoldMinutes)}
	}
	if _, err := s.location(); err != nil {
		return &FieldError{Field: "timeZone", Why: "want an IANA time zone such as Europe/Paris"}
	}
	if q := s.QuietHours; q != nil {
		if _, ok := clockMinutes(q.Start); !ok {
			return &FieldError{Field: "quietHours.start", Why: "want a time HH:MM"}
		}
		if _, ok := clockMinutes(q.End); !ok {
			return &FieldError{Field: "quietHours.end", Why: "want a time HH:MM"}
		}
		if q.Start == q.End {
			return &FieldError{Field: "quietHours.end", Why: "must differ from start"}
		}
	}
	return nil
}

// location loads the time zone. The alerts and push-sender Lambdas embed
// the zone database (time/tzdata in their main), as provided.al2023 has
// none.
func (s Settings) location() (*time.Location, error) {
	if s.TimeZone == "" || s.TimeZone == "UTC" {
		return time.UTC, nil
	}
	if len(s.TimeZone) > 64 || s.TimeZone == "Local" {
		return nil, fmt.Errorf("bad zone")
	}
	return time.LoadLocation(s.TimeZone)
}

// Fold is the fold window.
func (s Settings) Fold() time.Duration { return time.Duration(s.FoldMinutes) * time.Minute }

// Quiet reports whether t falls in the quiet hours.
func (s Settings) Quiet(t time.Time) bool {
	q := s.QuietHours
	if q == nil {
		return false
	}
	loc, err := s.location()
	if err != nil {
		return false
	}
	start, ok1 := clockMinutes(q.Start)
	end, ok2 := clockMinutes(q.End)
	if !ok1 || !ok2 {
		return false
	}
	lt := t.In(loc)
	m := lt.Hour()*60 + lt.Minute()
	if start < end {
		return m >= start && m < end
	}
	return m >= start || m < end
}

// clockMinutes parses "HH:MM" into minutes after midnight.
func clockMinutes(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}
