package main

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseOptions(t *testing.T) {
	web := t.TempDir()
	if err := os.WriteFile(filepath.Join(web, "index.html"), []byte("<!doctype html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, o optionsView)
		wantErr string
	}{
		{"defaults", nil, nil, func(t *testing.T, o optionsView) {
			want := optionsView{".camvault", "dev", 4000, 4001, 4002, 4003, 4004, 300 * time.Second, []string{"example.com"}, nil, []string{"admin@example.com"}, "web/dist", false, false}
			if !reflect.DeepEqual(o, want) {
				t.Fatalf("got %+v\nwant %+v", o, want)
			}
		}, ""},
		{"flags", []string{"--data-dir", "/tmp/x", "--api-port", "0", "--cache-ttl", "10s", "--allowed-emails", "a@b.c, d@e.f", "--reset", "--no-seed", "--stage", "qa"}, nil, func(t *testing.T, o optionsView) {
			if o.DataDir != "/tmp/x" || o.APIPort != 0 || o.CacheTTL != 10*time.Second || !reflect.DeepEqual(o.AllowedEmails, []string{"a@b.c", "d@e.f"}) || !o.Reset || !o.NoSeed || o.Stage != "qa" {
				t.Fatalf("%+v", o)
			}
		}, ""},
		{"env", nil, map[string]string{"CAMVAULT_API_PORT": "0", "CAMVAULT_CACHE_TTL": "60", "CAMVAULT_ADMIN_EMAILS": "boss@example.com", "CAMVAULT_NO_SEED": "true", "CAMVAULT_DATA_DIR": "/d"}, func(t *testing.T, o optionsView) {
			if o.APIPort != 0 || o.CacheTTL != time.Minute || !reflect.DeepEqual(o.AdminEmails, []string{"boss@example.com"}) || !o.NoSeed || o.DataDir != "/d" {
				t.Fatalf("%+v", o)
			}
		}, ""},
		{"flag beats env", []string{"--web-port", "5001"}, map[string]string{"CAMVAULT_WEB_PORT": "6001"}, func(t *testing.T, o optionsView) {
			if o.WebPort != 5001 {
				t.Fatalf("%+v", o)
			}
		}, ""},
		{"people written canonical", []string{"--admin-emails", " Boss@Example.COM", "--allowed-domains", "Partner.ORG"}, nil, func(t *testing.T, o optionsView) {
			if !reflect.DeepEqual(o.AdminEmails, []string{"boss@example.com"}) || !reflect.DeepEqual(o.AllowedDomains, []string{"partner.org"}) {
				t.Fatalf("%+v", o)
			}
		}, ""},
		{"look-alike admin (KELVIN SIGN)", []string{"--admin-emails", "\u212Aate@example.com"}, nil, nil, "--admin-emails"},
		{"address as a domain", []string{"--allowed-domains", "a@example.com"}, nil, nil, "--allowed-domains"},
		{"domain as an address", nil, map[string]string{"CAMVAULT_ALLOWED_EMAILS": "example.com"}, nil, "--allowed-emails"},
		{"bad env port", nil, map[string]string{"CAMVAULT_S3_PORT": "lots"}, nil, "CAMVAULT_S3_PORT"},
		{"bad port", []string{"--api-port", "70000"}, nil, nil, "--api-port"},
		{"bad ttl", []string{"--cache-ttl", "forever"}, nil, nil, "--cache-ttl"},
		{"ttl over an hour", []string{"--cache-ttl", "2h"}, nil, nil, "--cache-ttl"},
		{"stray argument", []string{"serve"}, nil, nil, "unexpected"},
		{"unknown flag", []string{"--nope"}, nil, nil, "not defined"},
		{"web dir without a built client", []string{"--web-dir", "/nonexistent"}, nil, nil, "--web-dir /nonexistent: no built web client there (no index.html); run make web-build"},
		{"web dir from env without a built client", nil, map[string]string{"CAMVAULT_WEB_DIR": t.TempDir()}, nil, "no index.html"},
		{"empty web dir", []string{"--web-dir", ""}, nil, nil, "--web-dir must not be empty"},
		{"built web dir", []string{"--web-dir", web}, nil, func(t *testing.T, o optionsView) {
			if o.WebDir != web {
				t.Fatalf("%+v", o)
			}
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			o, err := parseOptions(tt.args, lookup, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, optionsView{o.DataDir, o.Stage, o.APIPort, o.WebPort, o.IssuerPort, o.S3Port, o.DynamoDBPort, o.CacheTTL, o.AllowedDomains, o.AllowedEmails, o.AdminEmails, o.WebDir, o.Reset, o.NoSeed})
		})
	}
}

// optionsView is the flag-controlled part of stack.Options.
type optionsView struct {
	DataDir, Stage                                     string
	APIPort, WebPort, IssuerPort, S3Port, DynamoDBPort int
	CacheTTL                                           time.Duration
	AllowedDomains, AllowedEmails, AdminEmails         []string
	WebDir                                             string
	Reset, NoSeed                                      bool
}
