// Package grantscli is the grants command: it writes and lists the
// authorizer's grants and address bindings in a stage's allowlist table, or
// in the local stack's, through authorizer/grants.Admin, so every subject it
// writes is canonical and every item that does not work as meant is flagged.
package grantscli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/camvault/camvault/authorizer/grants"
	"github.com/camvault/camvault/scripts/internal/localstack"
)

// Env is what the command takes from its surroundings, injectable for tests.
type Env struct {
	Stdout, Stderr io.Writer
	// Lookup reads environment variables (os.LookupEnv).
	Lookup func(string) (string, bool)
}

const usage = `usage:
  grants [--table NAME [--region R] | --local-json PATH] COMMAND ARGS

commands:
  list                                 every grant and binding; problems are flagged (exit 3)
  put SUBJECT ROLE [CAMERA,CAMERA...]  grant an address or domain viewer, admin or blocked
  delete SUBJECT                       remove a grant (as listed, even if non-canonical)
  unbind ADDRESS                       forget which Google account the address is bound to;
                                       the next account that signs in with it is bound
  bind ADDRESS SUB                     bind the address to a known Google account (sub)

--table is a deployed stage's AllowlistTableName (stack output), with the
default AWS credentials; without it, the local stack's table (local.json:
--local-json, $CAMVAULT_LOCAL_JSON or .camvault/local.json).
Grants and unbinding take effect within a minute (the authorizer's cache),
plus the API's authorizer cache TTL for tokens already used.
`

// Run runs the command with args (without the program name) and returns its
// exit status: 0 on success, 2 for bad usage, 3 when list flags a problem, 1
// for any other failure.
func Run(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("grants", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(env.Stderr, usage, "\nflags:\n"); fs.PrintDefaults() }
	table := fs.String("table", "", "a deployed stage's allowlist table (AllowlistTableName)")
	region := fs.String("region", "", "AWS region of --table (default: your AWS configuration)")
	localJSON := fs.String("local-json", "", "the local stack's local.json (default $CAMVAULT_LOCAL_JSON or .camvault/local.json)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rest := fs.Args()
	want := map[string]int{"list": 0, "put": 2, "delete": 1, "unbind": 1, "bind": 2}
	n, ok := 0, false
	if len(rest) > 0 {
		n, ok = want[rest[0]]
	}
	if !ok || len(rest)-1 != n && !(rest[0] == "put" && len(rest) == 4) {
		fs.Usage()
		return 2
	}
	admin, where, err := open(ctx, *table, *region, localstack.Path(*localJSON, env.Lookup))
	if err != nil {
		fmt.Fprintf(env.Stderr, "grants: %v\n", err)
		return 1
	}
	code, err := run(ctx, admin, rest, env.Stdout, where)
	if err != nil {
		fmt.Fprintf(env.Stderr, "grants: %v\n", err)
		return 1
	}
	return code
}

func run(ctx context.Context, admin *grants.Admin, args []string, out io.Writer, where string) (int, error) {
	switch args[0] {
	case "list":
		entries, err := admin.List(ctx)
		if err != nil {
			return 1, err
		}
		fmt.Fprintf(out, "%s: %d item(s)\n", where, len(entries))
		problems := 0
		for _, e := range entries {
			switch {
			case e.Binding:
				fmt.Fprintf(out, "bind   %-40q sub=%s since %s\n", strings.TrimPrefix(e.Subject, grants.BindPrefix), e.Sub, e.BoundAt)
			case e.Cameras == nil:
				fmt.Fprintf(out, "grant  %-40q %s, every camera\n", e.Subject, e.Role)
			default:
				fmt.Fprintf(out, "grant  %-40q %s, cameras %s\n", e.Subject, e.Role, strings.Join(e.Cameras, ","))
			}
			if e.Problem != "" {
				problems++
				fmt.Fprintf(out, "  PROBLEM: %s\n", e.Problem)
			}
		}
		if problems > 0 {
			fmt.Fprintf(out, "%d item(s) do not work as written\n", problems)
			return 3, nil
		}
		return 0, nil
	case "put":
		var cameras []string
		if len(args) == 4 {
			cameras = strings.Split(args[3], ",")
		}
		subject, err := admin.Put(ctx, args[1], args[2], cameras)
		if err != nil {
			return 1, err
		}
		fmt.Fprintf(out, "granted %q %s in %s\n", subject, args[2], where)
	case "delete":
		if err := admin.Delete(ctx, args[1]); err != nil {
			return 1, err
		}
		fmt.Fprintf(out, "deleted the grant %q in %s\n", args[1], where)
	case "unbind":
		old, err := admin.Unbind(ctx, args[1])
		if err != nil {
			return 1, err
		}
		if old == "" {
			fmt.Fprintf(out, "%q was not bound in %s\n", args[1], where)
		} else {
			fmt.Fprintf(out, "unbound %q from sub %s in %s: the next account to sign in with it is bound\n", args[1], old, where)
		}
	case "bind":
		if err := admin.Bind(ctx, args[1], args[2]); err != nil {
			return 1, err
		}
		fmt.Fprintf(out, "bound %q to sub %s in %s\n", args[1], args[2], where)
	}
	return 0, nil
}

// open builds the Admin: for a deployed table from the default AWS
// configuration, else for the local stack described at localJSON.
func open(ctx context.Context, table, region, localJSON string) (*grants.Admin, string, error) {
	if table != "" {
		var opts []func(*config.LoadOptions) error
		if region != "" {
			opts = append(opts, config.WithRegion(region))
		}
		cfg, err := config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return nil, "", fmt.Errorf("load AWS configuration: %w", err)
		}
		if cfg.Region == "" {
			return nil, "", errors.New("no AWS region: pass --region or set AWS_REGION")
		}
		admin, err := grants.NewAdmin(dynamodb.NewFromConfig(cfg), table)
		return admin, fmt.Sprintf("table %s (%s)", table, cfg.Region), err
	}
	st, err := localstack.Load(localJSON)
	if err != nil {
		return nil, "", err
	}
	if st.DynamoDBURL == "" || st.AllowlistTable == "" {
		return nil, "", fmt.Errorf("%s has no dynamodbUrl or allowlistTable", localJSON)
	}
	client := dynamodb.New(dynamodb.Options{
		BaseEndpoint: aws.String(st.DynamoDBURL),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
	admin, err := grants.NewAdmin(client, st.AllowlistTable)
	return admin, fmt.Sprintf("the local stack's %s at %s", st.AllowlistTable, st.DynamoDBURL), err
}
