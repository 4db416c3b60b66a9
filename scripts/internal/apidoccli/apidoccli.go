// Package apidoccli is the apidoc command behind scripts/openapi.sh and
// scripts/postman.sh: it writes the OpenAPI document for one stage and
// finishes the Postman collection and environment made from it.
package apidoccli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/camvault/camvault/scripts/internal/localstack"
	"github.com/camvault/camvault/scripts/internal/openapidoc"
	"github.com/camvault/camvault/scripts/internal/postman"
	"github.com/camvault/camvault/scripts/internal/postmanenv"
)

// Env is what the command takes from its surroundings.
type Env struct {
	Stdout, Stderr io.Writer
	// Lookup reads environment variables (os.LookupEnv).
	Lookup func(string) (string, bool)
}

const usage = `usage:
  apidoc openapi --in videos-api/openapi.yaml --out FILE (--server-url URL | --local-json PATH) [--stage S]
  apidoc postman --openapi FILE --generated FILE --out FILE --environment FILE [--stage S] [--checks]

openapi writes the document with its servers set to the one stage URL (for
the local stack, apiUrl of local.json).
postman finishes a collection made by openapi2postmanv2 from that document:
Bearer {{token}} auth, {{baseUrl}}, {{cameraId}} and {{videoId}} filled in by
the list requests, tests that every status is documented and none is 5xx
(--checks adds the contract checks newman runs), and writes or updates the
stage's environment file (baseUrl, an empty token; an existing token is kept).
`

// Run runs the command and returns its exit status.
func Run(args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "openapi":
		err = runOpenAPI(args[1:], env)
	case "postman":
		err = runPostman(args[1:], env)
	case "-h", "--help", "help":
		fmt.Fprint(env.Stdout, usage)
		return 0
	default:
		err = usageError(fmt.Sprintf("unknown subcommand %q", args[0]))
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "apidoc: %v\n\n%s", err, usage)
		return 2
	default:
		fmt.Fprintf(env.Stderr, "apidoc: %v\n", err)
		return 1
	}
}

// parseError makes a flag parsing error a usage error (flag.ErrHelp stays).
func parseError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usageError(err.Error())
}

// usageError is a mistake in the command line.
type usageError string

func (e usageError) Error() string { return string(e) }

func runOpenAPI(args []string, env Env) error {
	fs := flag.NewFlagSet("apidoc openapi", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	in := fs.String("in", "", "the OpenAPI document (videos-api/openapi.yaml)")
	out := fs.String("out", "", "where to write the stage's document")
	serverURL := fs.String("server-url", "", "the stage's invoke URL")
	localJSON := fs.String("local-json", "", "take the URL from this local.json's apiUrl")
	stage := fs.String("stage", "", "stage name, for the server's description")
	if err := fs.Parse(args); err != nil {
		return parseError(err)
	}
	switch {
	case *in == "" || *out == "":
		return usageError("openapi: --in and --out are required")
	case (*serverURL == "") == (*localJSON == ""):
		return usageError("openapi: give exactly one of --server-url or --local-json")
	}
	url := *serverURL
	desc := "camvault " + *stage
	if *localJSON != "" {
		st, err := localstack.Load(*localJSON)
		if err != nil {
			return err
		}
		if st.APIURL == "" {
			return fmt.Errorf("%s has no apiUrl", *localJSON)
		}
		url = st.APIURL
		desc = "camvault local stack (stage " + st.Stage + ")"
	}
	b, err := os.ReadFile(*in)
	if err != nil {
		return fmt.Errorf("read the OpenAPI document: %w", err)
	}
	doc, err := openapidoc.Parse(b)
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	if err := doc.SetServer(url, strings.TrimSpace(desc)); err != nil {
		return err
	}
	b, err = doc.Encode()
	if err != nil {
		return err
	}
	if err := writeFile(*out, b); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s (server %s)\n", *out, url)
	return nil
}

func runPostman(args []string, env Env) error {
	fs := flag.NewFlagSet("apidoc postman", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	openapiPath := fs.String("openapi", "", "the stage's OpenAPI document (from apidoc openapi)")
	generated := fs.String("generated", "", "the collection openapi2postmanv2 made from it")
	out := fs.String("out", "", "where to write the finished collection")
	envPath := fs.String("environment", "", "the stage's Postman environment file to write or update")
	stage := fs.String("stage", "dev", "stage name, for the environment's name")
	checks := fs.Bool("checks", false, "add the contract-checks folder (uses adminToken and strangerToken)")
	if err := fs.Parse(args); err != nil {
		return parseError(err)
	}
	if *openapiPath == "" || *generated == "" || *out == "" || *envPath == "" {
		return usageError("postman: --openapi, --generated, --out and --environment are required")
	}
	b, err := os.ReadFile(*openapiPath)
	if err != nil {
		return fmt.Errorf("read the OpenAPI document: %w", err)
	}
	doc, err := openapidoc.Parse(b)
	if err != nil {
		return fmt.Errorf("%s: %w", *openapiPath, err)
	}
	baseURL := doc.Server()
	if baseURL == "" {
		return fmt.Errorf("%s has no server URL (write it with apidoc openapi)", *openapiPath)
	}
	raw, err := os.ReadFile(*generated)
	if err != nil {
		return fmt.Errorf("read the generated collection: %w", err)
	}
	coll, err := postman.Process(raw, postman.Options{BaseURL: baseURL, Operations: doc.Operations(), Checks: *checks})
	if err != nil {
		return err
	}
	if err := writeFile(*out, coll); err != nil {
		return err
	}
	e, err := postmanenv.Load(*envPath)
	switch {
	case errors.Is(err, os.ErrNotExist):
		e = postmanenv.New("camvault-"+*stage, baseURL)
	case err != nil:
		return err
	default:
		e.Set("baseUrl", baseURL, false)
	}
	if err := e.Save(*envPath); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s and %s (baseUrl %s)\n", *out, *envPath, baseURL)
	return nil
}

// writeFile writes b to path, creating its directory.
func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
