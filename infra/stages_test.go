package main

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestStagesAreValid(t *testing.T) {
	stages := testStages()
	var names []string
	for _, s := range stages {
		names = append(names, s.Name)
		if err := s.Validate(); err != nil {
			t.Errorf("stage %s: %v", s.Name, err)
		}
		if !s.HasPlaceholderClientID() {
			t.Errorf("stage %s: the committed client id should be the marked placeholder", s.Name)
		}
		if s.CacheTTL < MinCacheTTL {
			t.Errorf("stage %s: cache TTL %s below %s", s.Name, s.CacheTTL, MinCacheTTL)
		}
	}
	if want := []string{"dev", "qa", "prod"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("stages %v, want %v", names, want)
	}
}

func TestStageValidateRefuses(t *testing.T) {
	dev, err := StageNamed(testStages(), "dev")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func(s *Stage)
		want   string
	}{
		{"cache TTL below 300s", func(s *Stage) { s.CacheTTL = 299 * time.Second }, "cache TTL"},
		{"cache TTL zero", func(s *Stage) { s.CacheTTL = 0 }, "cache TTL"},
		{"cache TTL above an hour", func(s *Stage) { s.CacheTTL = 3601 * time.Second }, "cache TTL"},
		{"cache TTL not whole seconds", func(s *Stage) { s.CacheTTL = 300*time.Second + time.Millisecond }, "whole seconds"},
		{"data trace outside dev", func(s *Stage) { s.Name = "qa" }, "data trace"},
		{"no client id", func(s *Stage) { s.GoogleClientIDs = nil }, "client id"},
		{"client id of another kind", func(s *Stage) { s.GoogleClientIDs = []string{"my-app"} }, "googleusercontent"},
		{"domain with upper case", func(s *Stage) { s.AllowedDomains = []string{"Example.com"} }, "domain"},
		{"domain without dot", func(s *Stage) { s.AllowedDomains = []string{"localhost"} }, "domain"},
		{"not an email", func(s *Stage) { s.AdminEmails = []string{"admin"} }, "email"},
		{"two emails in one", func(s *Stage) { s.AllowedEmails = []string{"a@example.com,b@example.com"} }, "email"},
		{"bad alarm email", func(s *Stage) { s.AlarmEmails = []string{"ops at example.com"} }, "email"},
		{"upper-case admin", func(s *Stage) { s.AdminEmails = []string{"Admin@example.com"} }, "email"},
		{"look-alike admin (KELVIN SIGN)", func(s *Stage) { s.AdminEmails = []string{"\u212Aate@example.com"} }, "email"},
		{"nobody allowed", func(s *Stage) { s.AllowedDomains, s.AllowedEmails, s.AdminEmails = nil, nil, nil }, "nobody"},
		{"retention zero", func(s *Stage) { s.RetentionDays = 0 }, "retention"},
		{"signed URLs too short", func(s *Stage) { s.URLTTL = time.Second }, "URL TTL"},
		{"no throttling", func(s *Stage) { s.ThrottleRate = 0 }, "throttling"},
		{"no log retention", func(s *Stage) { s.LogRetention = "" }, "log retention"},
		{"bad name", func(s *Stage) { s.Name = "Dev_1" }, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dev
			s.GoogleClientIDs = append([]string(nil), dev.GoogleClientIDs...)
			tt.change(&s)
			err := s.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want an error about %q", err, tt.want)
			}
		})
	}
}

func TestStagesOverrides(t *testing.T) {
	ctx := map[string]string{
		"dev.googleClientIds": " one.apps.googleusercontent.com, two.apps.googleusercontent.com ,",
		"prod.allowedDomains": "corp.example",
		"prod.allowedEmails":  "guard@corp.example",
		"prod.adminEmails":    "",
	}
	env := map[string]string{
		"CDK_DEFAULT_ACCOUNT":             "123456789012",
		"CDK_DEFAULT_REGION":              "eu-west-1",
		"CAMVAULT_DEV_GOOGLE_CLIENT_IDS":  "loses-to-context.apps.googleusercontent.com",
		"CAMVAULT_QA_ALLOWED_EMAILS":      "tester@example.com,qa@example.com",
		"CAMVAULT_QA_ADMIN_EMAILS":        "",
		"CAMVAULT_PROD_GOOGLE_CLIENT_IDS": "prod-1.apps.googleusercontent.com",
		"CAMVAULT_PROD_ALARM_EMAILS":      "ops@corp.example",
	}
	stages := Stages(func(k string) (string, bool) { v, ok := ctx[k]; return v, ok }, func(k string) string { return env[k] })
	dev, _ := StageNamed(stages, "dev")
	qa, _ := StageNamed(stages, "qa")
	prod, _ := StageNamed(stages, "prod")

	if want := []string{"one.apps.googleusercontent.com", "two.apps.googleusercontent.com"}; !reflect.DeepEqual(dev.GoogleClientIDs, want) {
		t.Errorf("dev client ids %v, want %v", dev.GoogleClientIDs, want)
	}
	if dev.HasPlaceholderClientID() {
		t.Error("dev still reports a placeholder client id")
	}
	if !qa.HasPlaceholderClientID() {
		t.Error("qa's client id changed though only dev's and prod's were overridden")
	}
	if !reflect.DeepEqual(qa.AllowedEmails, []string{"tester@example.com", "qa@example.com"}) {
		t.Errorf("qa allowed emails %v, want the environment's", qa.AllowedEmails)
	}
	if !reflect.DeepEqual(qa.AdminEmails, []string{"admin@example.com"}) {
		t.Errorf("qa admin emails %v: an empty variable must not clear the list", qa.AdminEmails)
	}
	if !reflect.DeepEqual(prod.AlarmEmails, []string{"ops@corp.example"}) || len(dev.AlarmEmails) != 0 {
		t.Errorf("alarm emails prod %v dev %v", prod.AlarmEmails, dev.AlarmEmails)
	}
	if !reflect.DeepEqual(prod.GoogleClientIDs, []string{"prod-1.apps.googleusercontent.com"}) {
		t.Errorf("prod client ids %v, want the environment's", prod.GoogleClientIDs)
	}
	if !reflect.DeepEqual(prod.AllowedDomains, []string{"corp.example"}) || !reflect.DeepEqual(prod.AllowedEmails, []string{"guard@corp.example"}) || len(prod.AdminEmails) != 0 {
		t.Errorf("prod allow lists %v %v %v", prod.AllowedDomains, prod.AllowedEmails, prod.AdminEmails)
	}
	for _, s := range stages {
		if s.Account != "123456789012" || s.Region != "eu-west-1" {
			t.Errorf("stage %s environment %s/%s, want the CDK_DEFAULT_ ones", s.Name, s.Account, s.Region)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("stage %s: %v", s.Name, err)
		}
	}
	if _, err := StageNamed(stages, "staging"); err == nil {
		t.Error("StageNamed found a stage that does not exist")
	}
}

func TestContextLookup(t *testing.T) {
	ctx := map[string]any{
		"dev.googleClientIds": "a.apps.googleusercontent.com",
		"qa.googleClientIds":  []any{"b.apps.googleusercontent.com", "c.apps.googleusercontent.com"},
		"prod.adminEmails":    42.0,
	}
	lookup := contextLookup(func(k string) any { return ctx[k] })
	tests := []struct {
		key    string
		want   string
		wantOK bool
	}{
		{"dev.googleClientIds", "a.apps.googleusercontent.com", true},
		{"qa.googleClientIds", "b.apps.googleusercontent.com,c.apps.googleusercontent.com", true},
		{"prod.adminEmails", "", false},
		{"absent", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, ok := lookup(tt.key)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("lookup(%q) = %q, %v; want %q, %v", tt.key, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
