// Package tokencli is the token command: it gets an ID token for calling the
// API, from the local stack's dev issuer or from Google's loopback sign-in,
// and prints it or writes it into a Postman environment file. It never writes
// a token anywhere else.
package tokencli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/camvault/camvault/scripts/internal/devissuer"
	"github.com/camvault/camvault/scripts/internal/localstack"
	"github.com/camvault/camvault/scripts/internal/loopback"
	"github.com/camvault/camvault/scripts/internal/postmanenv"
)

// Env is what the command takes from its surroundings, injectable for tests.
type Env struct {
	Stdout, Stderr io.Writer
	// Lookup reads environment variables (os.LookupEnv).
	Lookup func(string) (string, bool)
	// HTTPClient talks to the issuer or token endpoint.
	HTTPClient *http.Client
	// OpenBrowser shows Google's sign-in page; nil means the system browser.
	OpenBrowser func(ctx context.Context, url string) error
	// AuthURL and TokenURL override Google's endpoints (tests only).
	AuthURL, TokenURL string
}

const usage = `usage:
  token --email ADDRESS [--name NAME] [--issuer URL | --local-json PATH] [--postman-env FILE [--var token]]
  token --google --client-id ID [--client-secret S] [--postman-env FILE [--var token]]

Prints an ID token for the camvault API on stdout, or with --postman-env
writes it into that Postman environment file's variable (default "token").

--email asks the local stack's dev issuer (its URL from --issuer, else from
local.json: --local-json, $CAMVAULT_LOCAL_JSON or .camvault/local.json).
--google runs Google's OAuth loopback sign-in with PKCE for a "Desktop app"
client id ($GOOGLE_CLIENT_ID, $GOOGLE_CLIENT_SECRET) and opens your browser.
`

// Run runs the command with args (without the program name) and returns its
// exit status: 0 on success, 2 for bad usage, 1 for any other failure.
func Run(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(env.Stderr, usage, "\nflags:\n"); fs.PrintDefaults() }
	email := fs.String("email", "", "ask the local dev issuer for a token for this address")
	name := fs.String("name", "", "display name claim (dev issuer)")
	issuer := fs.String("issuer", "", "dev issuer URL (default: issuerUrl of local.json)")
	localJSON := fs.String("local-json", "", "the local stack's local.json (default $CAMVAULT_LOCAL_JSON or .camvault/local.json)")
	google := fs.Bool("google", false, "sign in with Google (OAuth loopback flow with PKCE)")
	clientID := fs.String("client-id", "", "Google desktop OAuth client id (default $GOOGLE_CLIENT_ID)")
	clientSecret := fs.String("client-secret", "", "Google desktop OAuth client secret (default $GOOGLE_CLIENT_SECRET)")
	timeout := fs.Duration("timeout", 5*time.Minute, "how long to wait for the Google sign-in")
	postmanEnv := fs.String("postman-env", "", "write the token into this Postman environment file instead of printing it")
	varName := fs.String("var", "token", "the Postman environment variable to set (with --postman-env)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "token: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if *clientID == "" {
		*clientID = lookup(env, "GOOGLE_CLIENT_ID")
	}
	if *clientSecret == "" {
		*clientSecret = lookup(env, "GOOGLE_CLIENT_SECRET")
	}
	if (*email == "") == !*google {
		fmt.Fprintln(env.Stderr, "token: give exactly one of --email ADDRESS or --google")
		fs.Usage()
		return 2
	}
	if *email != "" && !plausibleEmail(*email) {
		fmt.Fprintf(env.Stderr, "token: --email %q is not an email address (like viewer@example.com)\n", *email)
		return 2
	}
	client := env.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}

	var tok string
	var err error
	if *google {
		if *clientID == "" {
			fmt.Fprintln(env.Stderr, "token: --google needs --client-id (or $GOOGLE_CLIENT_ID): a Google OAuth client of type Desktop app")
			return 2
		}
		gctx, cancel := context.WithTimeout(ctx, *timeout)
		defer cancel()
		tok, err = loopback.IDToken(gctx, loopback.Config{
			ClientID: *clientID, ClientSecret: *clientSecret,
			AuthURL: env.AuthURL, TokenURL: env.TokenURL,
			OpenBrowser: env.OpenBrowser, HTTPClient: client, Log: env.Stderr,
		})
	} else {
		url := *issuer
		if url == "" {
			var st localstack.Stack
			st, err = localstack.Load(localstack.Path(*localJSON, env.Lookup))
			if err == nil && st.IssuerURL == "" {
				err = errors.New("local.json has no issuerUrl")
			}
			url = st.IssuerURL
		}
		if err == nil {
			tok, err = devissuer.Token(ctx, client, url, devissuer.Request{Email: *email, Name: *name})
		}
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "token: %v\n", err)
		return 1
	}

	if *postmanEnv != "" {
		if err := postmanenv.SetInFile(*postmanEnv, *varName, tok, true); err != nil {
			fmt.Fprintf(env.Stderr, "token: %v\n", err)
			return 1
		}
		fmt.Fprintf(env.Stderr, "token: set %q in %s\n", *varName, *postmanEnv)
		return 0
	}
	fmt.Fprintln(env.Stdout, tok)
	return 0
}

func lookup(env Env, key string) string {
	if env.Lookup == nil {
		return ""
	}
	v, _ := env.Lookup(key)
	return v
}

// plausibleEmail is a first check of an address, so a typo gets a clear line
// without asking the issuer (which checks properly).
func plausibleEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(s, " \t\r\n") && !strings.HasSuffix(domain, ".")
}
