package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/camvault/camvault/videos-api/app"
)

func TestConfigFromEnv(t *testing.T) {
	base := map[string]string{
		"TABLE_NAME": "clips", "BUCKET_NAME": "bucket", "WEB_ORIGIN": "https://videos.example.com",
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		if v == "<unset>" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(app.Config) bool
	}{
		{"defaults", base, "", func(c app.Config) bool {
			return c.RetentionDays == 30 && c.URLTTL == 15*time.Minute && len(c.CursorSecret) == 0
		}},
		{"overrides", with("URL_TTL", "5m"), "", func(c app.Config) bool { return c.URLTTL == 5*time.Minute }},
		{"retention", with("RETENTION_DAYS", "7"), "", func(c app.Config) bool { return c.RetentionDays == 7 }},
		{"secret value", with("CURSOR_SECRET", "0123456789abcdef"), "", func(c app.Config) bool { return string(c.CursorSecret) == "0123456789abcdef" }},
		{"no table", with("TABLE_NAME", "<unset>"), "TABLE_NAME", nil},
		{"no bucket", with("BUCKET_NAME", ""), "BUCKET_NAME", nil},
		{"no origin", with("WEB_ORIGIN", "<unset>"), "WEB_ORIGIN", nil},
		{"origin with a path", with("WEB_ORIGIN", "https://videos.example.com/app"), "WEB_ORIGIN", nil},
		{"short cursor key", with("CURSOR_SECRET", "short"), "cursor secret", nil},
		{"bad retention", with("RETENTION_DAYS", "thirty"), "RETENTION_DAYS", nil},
		{"zero retention", with("RETENTION_DAYS", "0"), "RETENTION_DAYS", nil},
		{"bad ttl", with("URL_TTL", "15"), "URL_TTL", nil},
		{"huge ttl", with("URL_TTL", "48h"), "URL_TTL", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := app.ConfigFromEnv(mapEnv(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(cfg) {
				t.Fatalf("cfg = %+v, err = %v", cfg, err)
			}
		})
	}
}
