package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/local/stack"
)

// Default ports, fixed so bookmarks keep working; 0 picks a free one.
const (
	defaultAPIPort      = 4000
	defaultWebPort      = 4001
	defaultIssuerPort   = 4002
	defaultS3Port       = 4003
	defaultDynamoDBPort = 4004
	// defaultPushPort: the push service stand-in takes a free port unless
	// told otherwise; tests and scripts read it from local.json (pushUrl).
	defaultPushPort = 0
)

// parseOptions reads the flags of args, each defaulting to its environment
// variable CAMVAULT_<FLAG> (dashes as underscores) and then to the built-in
// default.
func parseOptions(args []string, lookup func(string) (string, bool), stderr io.Writer) (stack.Options, error) {
	fs := flag.NewFlagSet("camvault-local", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "camvault-local runs all of camvault on loopback until Ctrl-C.\n\nUsage: camvault-local [flags]\nEvery flag may also be set as CAMVAULT_<FLAG> (e.g. CAMVAULT_API_PORT=4100).\n\n")
		fs.PrintDefaults()
	}
	var (
		o                       stack.Options
		cacheTTL                string
		domains, emails, admins string
		errs                    []string
	)
	env := func(name, def string) string {
		if v, ok := lookup("CAMVAULT_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))); ok {
			return v
		}
		return def
	}
	envInt := func(name string, def int) int {
		s := env(name, strconv.Itoa(def))
		n, err := strconv.Atoi(s)
		if err != nil {
			errs = append(errs, fmt.Sprintf("CAMVAULT_%s=%q is not a number", strings.ToUpper(strings.ReplaceAll(name, "-", "_")), s))
		}
		return n
	}
	envBool := func(name string) bool {
		s := env(name, "false")
		b, err := strconv.ParseBool(s)
		if err != nil {
			errs = append(errs, fmt.Sprintf("CAMVAULT_%s=%q is not true or false", strings.ToUpper(strings.ReplaceAll(name, "-", "_")), s))
		}
		return b
	}
	fs.StringVar(&o.DataDir, "data-dir", env("data-dir", ".camvault"), "where data persists across restarts")
	fs.StringVar(&o.Stage, "stage", env("stage", "dev"), "the API stage (first path segment)")
	fs.IntVar(&o.APIPort, "api-port", envInt("api-port", defaultAPIPort), "API (gateway) port, 0 = free")
	fs.IntVar(&o.WebPort, "web-port", envInt("web-port", defaultWebPort), "web client port, 0 = free")
	fs.IntVar(&o.IssuerPort, "issuer-port", envInt("issuer-port", defaultIssuerPort), "dev OIDC issuer port, 0 = free")
	fs.IntVar(&o.S3Port, "s3-port", envInt("s3-port", defaultS3Port), "S3 port, 0 = free")
	fs.IntVar(&o.DynamoDBPort, "dynamodb-port", envInt("dynamodb-port", defaultDynamoDBPort), "DynamoDB (dynalite) port, 0 = free")
	fs.IntVar(&o.PushPort, "push-port", envInt("push-port", defaultPushPort), "Web Push service stand-in port (default: a free port, see pushUrl in local.json)")
	fs.StringVar(&cacheTTL, "cache-ttl", env("cache-ttl", "300s"), "authorizer cache TTL (Go duration or seconds; 0 disables)")
	fs.StringVar(&domains, "allowed-domains", env("allowed-domains", "example.com"), "comma-separated Workspace domains allowed as viewers")
	fs.StringVar(&emails, "allowed-emails", env("allowed-emails", ""), "comma-separated addresses allowed as viewers")
	fs.StringVar(&admins, "admin-emails", env("admin-emails", "admin@example.com"), "comma-separated addresses allowed as admins")
	fs.StringVar(&o.WebDir, "web-dir", env("web-dir", "web/dist"), "the built web client")
	fs.BoolVar(&o.Reset, "reset", envBool("reset"), "wipe the data dir's stack files and reseed")
	fs.BoolVar(&o.NoSeed, "no-seed", envBool("no-seed"), "do not upload sample clips on first start")
	if len(errs) > 0 {
		return o, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	ttl, err := parseTTL(cacheTTL)
	if err != nil {
		return o, err
	}
	o.CacheTTL = ttl
	o.AllowedDomains, o.AllowedEmails, o.AdminEmails = list(domains), list(emails), list(admins)
	if err := canonicalPeople(&o); err != nil {
		return o, err
	}
	for name, p := range map[string]int{"api-port": o.APIPort, "web-port": o.WebPort, "issuer-port": o.IssuerPort, "s3-port": o.S3Port, "dynamodb-port": o.DynamoDBPort, "push-port": o.PushPort} {
		if p < 0 || p > 65535 {
			return o, fmt.Errorf("--%s %d: want 0 to 65535", name, p)
		}
	}
	if o.DataDir == "" {
		return o, fmt.Errorf("--data-dir must not be empty")
	}
	// A web dir someone named must hold a built client; the default may be
	// missing (make test-newman and make soak need only the API), and the
	// banner then says so.
	_, webEnv := lookup("CAMVAULT_WEB_DIR")
	if set["web-dir"] || webEnv {
		if err := checkWebDir(o.WebDir); err != nil {
			return o, err
		}
	}
	return o, nil
}

// checkWebDir reports a web dir without a built web client (index.html).
func checkWebDir(dir string) error {
	if dir == "" {
		return fmt.Errorf("--web-dir must not be empty")
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		return fmt.Errorf("--web-dir %s: no built web client there (no index.html); run make web-build and pass its web/dist", dir)
	}
	return nil
}

func parseTTL(s string) (time.Duration, error) {
	if n, err := strconv.Atoi(s); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d > time.Hour {
		return 0, fmt.Errorf("--cache-ttl %q: want a duration from 0 to 1h (API Gateway's limit), e.g. 300s", s)
	}
	return d, nil
}

func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// canonicalPeople writes the address and domain flags in the authorizer's
// canonical form (access.Canonical: ASCII lowercase, no Unicode case
// folding) and refuses what no token could ever match: a non-ASCII
// look-alike (U+212A KELVIN SIGN for k), a domain with an @, an address
// without one.
func canonicalPeople(o *stack.Options) error {
	for _, f := range []struct {
		name    string
		list    []string
		address bool
	}{{"allowed-domains", o.AllowedDomains, false}, {"allowed-emails", o.AllowedEmails, true}, {"admin-emails", o.AdminEmails, true}} {
		for i, v := range f.list {
			c := access.Canonical(v)
			if !access.ValidSubject(c) || strings.Contains(c, "@") != f.address {
				what := "a domain"
				if f.address {
					what = "an address"
				}
				return fmt.Errorf("--%s %q: not %s (printable ASCII, no spaces)", f.name, v, what)
			}
			f.list[i] = c
		}
	}
	return nil
}
