package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"

	"github.com/camvault/camvault/videos-api/routes"
)

// PlaceholderClientIDSuffix marks a Google OAuth client id that still has to
// be replaced with a real one (see README.md, "Google client ids"). Synth
// accepts it, with a warning, so that a clean checkout synthesizes; nobody can
// sign in to a stage deployed with it, because no Google token carries it as
// its audience.
const PlaceholderClientIDSuffix = ".REPLACE-ME.apps.googleusercontent.com"

// MinCacheTTL is the shortest authorizer cache TTL a stage may use: every
// cache miss verifies a token, and the article this design grows from insists
// on five minutes. API Gateway's own ceiling is MaxCacheTTL.
const (
	MinCacheTTL = 300 * time.Second
	MaxCacheTTL = 3600 * time.Second
)

// Stage is everything that differs between two deployments of camvault. The
// values live in code (Stages) so that a review of a change shows what each
// stage gets.
type Stage struct {
	// Name is the stage's name: the stack is camvault-<Name> and the API
	// Gateway stage (the first path segment of the API) is <Name>.
	Name string
	// Account and Region pin the stack to an AWS environment. Empty means the
	// CLI's CDK_DEFAULT_ACCOUNT/CDK_DEFAULT_REGION, and when those are unset
	// too, an environment-agnostic stack (synth then needs no credentials).
	Account, Region string

	// GoogleClientIDs are the OAuth client ids whose ID tokens the authorizer
	// accepts (the token's aud); the first is the web client's.
	GoogleClientIDs []string
	// AllowedDomains are Google Workspace domains (the hd claim) whose people
	// are viewers.
	AllowedDomains []string
	// AllowedEmails are verified addresses allowed as viewers.
	AllowedEmails []string
	// AdminEmails are verified addresses allowed as admins.
	AdminEmails []string
	// AlarmEmails are subscribed to the stage's alarm topic (each confirms
	// by email). Empty: the topic exists, nobody is subscribed.
	AlarmEmails []string

	// CacheTTL is how long API Gateway caches the authorizer's policy per
	// token; at least MinCacheTTL, at most MaxCacheTTL.
	CacheTTL time.Duration
	// RetentionDays is how long clips are kept: the clips bucket's lifecycle
	// rule and the DynamoDB TTL use the same number.
	RetentionDays int
	// AuditRetentionDays is how long the activity trail keeps its entries
	// (0: a year).
	AuditRetentionDays int
	// URLTTL is the lifetime of the signed play/download/thumbnail URLs.
	URLTTL time.Duration
	// ThrottleRate (requests per second) and ThrottleBurst limit the API stage.
	ThrottleRate  float64
	ThrottleBurst int
	// LogRetention is how long every log group of the stage keeps its events.
	LogRetention awslogs.RetentionDays
	// DataTrace turns on API Gateway's full request/response logging. It logs
	// headers, tokens included, so only dev may have it.
	DataTrace bool
	// Protect keeps data when the stack or a resource goes away: tables and
	// buckets are RETAINed and the tables get deletion protection.
	Protect bool
	// Sharing turns share links on. Without it the share routes (the
	// public POST /shared among them) and their Lambdas are not in the
	// template at all. Context "<stage>.sharing=false" turns it off.
	Sharing bool
	// ShareThrottleRate and ShareThrottleBurst limit the public share-link
	// route on its own (method throttling), below the stage's limits.
	ShareThrottleRate  float64
	ShareThrottleBurst int
}

// Features are the stage's optional route groups (routes.Route.Feature).
func (s Stage) Features() map[string]bool {
	return map[string]bool{routes.FeatureSharing: s.Sharing}
}

// Stages returns the three stages camvault deploys, with the people and
// client ids of each overridable without editing code: a CDK context value
// "<stage>.<key>" (-c dev.googleClientIds=... on the command line, or
// cdk.json / cdk.context.json) wins over an environment variable
// CAMVAULT_<STAGE>_<KEY> (e.g. CAMVAULT_DEV_GOOGLE_CLIENT_IDS, handy with
// make deploy), which wins over the values below. Keys: googleClientIds,
// allowedDomains, allowedEmails, adminEmails, alarmEmails; each value is a comma-separated
// list (an empty context value clears the list; an empty variable is
// ignored). ctx looks up context; getenv is os.Getenv in the app.
func Stages(ctx func(key string) (string, bool), getenv func(string) string) []Stage {
	stages := []Stage{
		{
			Name:               "dev",
			GoogleClientIDs:    []string{"camvault-dev" + PlaceholderClientIDSuffix},
			AllowedDomains:     []string{"example.com"},
			AdminEmails:        []string{"admin@example.com"},
			CacheTTL:           300 * time.Second,
			RetentionDays:      30,
			URLTTL:             15 * time.Minute,
			ThrottleRate:       20,
			ThrottleBurst:      40,
			LogRetention:       awslogs.RetentionDays_ONE_WEEK,
			DataTrace:          true,
			Sharing:            true,
			ShareThrottleRate:  5,
			ShareThrottleBurst: 10,
		},
		{
			Name:               "qa",
			GoogleClientIDs:    []string{"camvault-qa" + PlaceholderClientIDSuffix},
			AllowedDomains:     []string{"example.com"},
			AdminEmails:        []string{"admin@example.com"},
			CacheTTL:           300 * time.Second,
			RetentionDays:      30,
			URLTTL:             15 * time.Minute,
			ThrottleRate:       20,
			ThrottleBurst:      40,
			LogRetention:       awslogs.RetentionDays_ONE_MONTH,
			Sharing:            true,
			ShareThrottleRate:  5,
			ShareThrottleBurst: 10,
		},
		{
			Name:               "prod",
			GoogleClientIDs:    []string{"camvault-prod" + PlaceholderClientIDSuffix},
			AllowedDomains:     []string{"example.com"},
			AdminEmails:        []string{"admin@example.com"},
			CacheTTL:           600 * time.Second,
			RetentionDays:      30,
			URLTTL:             15 * time.Minute,
			ThrottleRate:       50,
			ThrottleBurst:      100,
			LogRetention:       awslogs.RetentionDays_THREE_MONTHS,
			Protect:            true,
			Sharing:            true,
			ShareThrottleRate:  5,
			ShareThrottleBurst: 10,
		},
	}
	for i := range stages {
		s := &stages[i]
		if s.Account == "" {
			s.Account = getenv("CDK_DEFAULT_ACCOUNT")
		}
		if s.Region == "" {
			s.Region = getenv("CDK_DEFAULT_REGION")
		}
		override := func(key, envKey string, dst *[]string) {
			if v, ok := ctx(s.Name + "." + key); ok {
				*dst = splitList(v)
			} else if v := getenv("CAMVAULT_" + strings.ToUpper(s.Name) + "_" + envKey); v != "" {
				*dst = splitList(v)
			}
		}
		override("googleClientIds", "GOOGLE_CLIENT_IDS", &s.GoogleClientIDs)
		override("allowedDomains", "ALLOWED_DOMAINS", &s.AllowedDomains)
		override("allowedEmails", "ALLOWED_EMAILS", &s.AllowedEmails)
		override("adminEmails", "ADMIN_EMAILS", &s.AdminEmails)
		override("alarmEmails", "ALARM_EMAILS", &s.AlarmEmails)
		if v, ok := ctx(s.Name + ".sharing"); ok {
			s.Sharing = strings.TrimSpace(v) == "true"
		}
	}
	return stages
}

// StageNamed returns the stage called name from stages.
func StageNamed(stages []Stage, name string) (Stage, error) {
	for _, s := range stages {
		if s.Name == name {
			return s, nil
		}
	}
	return Stage{}, fmt.Errorf("no stage named %q", name)
}

var (
	stageNameRE = regexp.MustCompile(`^[a-z][a-z0-9]{0,15}$`)
	clientIDRE  = regexp.MustCompile(`^[A-Za-z0-9._-]+\.apps\.googleusercontent\.com$`)
	domainRE    = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)
	// emailRE: canonical addresses only (the authorizer compares addresses
	// ASCII-lowercased and refuses to start on a non-ASCII one, a look-alike
	// such as U+212A KELVIN SIGN for k).
	// The local part is printable ASCII but space, ',', '@' and A-Z.
	emailRE = regexp.MustCompile(`^[!-+\--?\[-~]+@[a-z0-9.-]+\.[a-z]+$`)
)

// Validate reports every way the stage is unfit to deploy, joined into one
// error, or nil. Synth refuses a stage that does not validate.
func (s Stage) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("stage %q: "+format, append([]any{s.Name}, args...)...))
	}
	if !stageNameRE.MatchString(s.Name) {
		bad("name must be 1-16 lowercase letters or digits, starting with a letter")
	}
	if len(s.GoogleClientIDs) == 0 {
		bad("at least one Google client id is needed (the authorizer refuses to start without one)")
	}
	for _, id := range s.GoogleClientIDs {
		if !clientIDRE.MatchString(id) {
			bad("Google client id %q does not look like <id>.apps.googleusercontent.com", id)
		}
	}
	for _, d := range s.AllowedDomains {
		if !domainRE.MatchString(d) {
			bad("allowed domain %q is not a lowercase domain name", d)
		}
	}
	for _, list := range [][]string{s.AllowedEmails, s.AdminEmails, s.AlarmEmails} {
		for _, e := range list {
			if !emailRE.MatchString(e) {
				bad("email %q is not a lowercase address", e)
			}
		}
	}
	if len(s.AllowedDomains)+len(s.AllowedEmails)+len(s.AdminEmails) == 0 {
		bad("nobody is allowed in: set allowed domains, allowed emails or admin emails")
	}
	if s.CacheTTL < MinCacheTTL || s.CacheTTL > MaxCacheTTL {
		bad("authorizer cache TTL %s must be between %s and %s", s.CacheTTL, MinCacheTTL, MaxCacheTTL)
	}
	if s.CacheTTL%time.Second != 0 {
		bad("authorizer cache TTL %s must be whole seconds", s.CacheTTL)
	}
	if s.RetentionDays < 1 {
		bad("retention days must be at least 1, got %d", s.RetentionDays)
	}
	if s.URLTTL < time.Minute || s.URLTTL > 12*time.Hour {
		bad("signed URL TTL %s must be between 1m and 12h", s.URLTTL)
	}
	if s.ThrottleRate <= 0 || s.ThrottleBurst <= 0 {
		bad("throttling rate and burst must be positive")
	}
	if s.Sharing && (s.ShareThrottleRate <= 0 || s.ShareThrottleBurst <= 0 || s.ShareThrottleRate > s.ThrottleRate || s.ShareThrottleBurst > s.ThrottleBurst) {
		bad("with sharing on, the share route's throttle must be positive and within the stage's")
	}
	if s.LogRetention == "" {
		bad("log retention must be set")
	}
	if s.DataTrace && s.Name != "dev" {
		bad("data trace logs request headers, tokens included: only dev may turn it on")
	}
	return errors.Join(errs...)
}

// HasPlaceholderClientID reports whether a client id still has to be replaced.
func (s Stage) HasPlaceholderClientID() bool {
	for _, id := range s.GoogleClientIDs {
		if strings.HasSuffix(id, PlaceholderClientIDSuffix) {
			return true
		}
	}
	return false
}

// splitList splits a comma-separated list, trimming spaces and dropping
// empty items, so "a, b," is [a b] and "" is empty.
func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// contextLookup adapts CDK's TryGetContext to Stages; lookups of absent keys
// report false.
func contextLookup(get func(key string) any) func(string) (string, bool) {
	return func(key string) (string, bool) {
		switch v := get(key).(type) {
		case string:
			return v, true
		case []any:
			parts := make([]string, 0, len(v))
			for _, p := range v {
				parts = append(parts, fmt.Sprint(p))
			}
			return strings.Join(parts, ","), true
		default:
			return "", false
		}
	}
}
