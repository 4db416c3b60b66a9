// Package grantscli is the grants command: it writes and lists the
// authorizer's grants and address bindings in a stage's allowlist table, or
// in the local stack's, through authorizer/grants.Admin, so every subject it
// writes is canonical and every item that does not work as meant is flagged.
// Like the owner's console, it records each grant change in the clips table
// first (an audience index for a restricted grant, a revocation record), so
// the change bites before API Gateway's cached authorizations expire.
package grantscli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/authorizer/grants"
	"github.com/camvault/camvault/scripts/internal/localstack"
	"github.com/camvault/camvault/videos-api/grant"
	"github.com/camvault/camvault/videos-api/store"
)

// Env is what the command takes from its surroundings, injectable for tests.
type Env struct {
	Stdout, Stderr io.Writer
	// Lookup reads environment variables (os.LookupEnv).
	Lookup func(string) (string, bool)
}

const usage = `usage:
  grants [--table NAME [--clips-table NAME] [--region R] | --local-json PATH] COMMAND ARGS

commands:
  list                                 every grant and binding; problems are flagged (exit 3)
  put SUBJECT ROLE [CAMERA,CAMERA...]  grant an address or domain viewer, admin or blocked
  delete SUBJECT                       remove a grant (as listed, even if non-canonical)
  unbind ADDRESS                       forget which Google account the address is bound to;
                                       the next account that signs in with it is bound
  bind ADDRESS SUB                     bind the address to a known Google account (sub)

--table is a deployed stage's AllowlistTableName (stack output), with the
default AWS credentials; --clips-table is the same stage's VideosTableName
(stack output: the clips table). Without --table, the local stack's tables
(local.json: --local-json, $CAMVAULT_LOCAL_JSON or .camvault/local.json;
its allowlistTable and table).

put and delete do what the owner's console does: in the clips table they
first register the audience index of a restricted grant of more than 2
cameras (put), then write a revocation record, so requests API Gateway
already authorized are held to the new grant within seconds; then they
write the allowlist table; last, when the grant they replaced or removed
had more than 2 cameras and no grant has that camera set any more, they
retire its audience index (ingest stops writing it). Without --clips-table they write only the grant:
the change reaches already-authorized tokens when the gateway's authorizer
cache expires (the stage's CacheTTL, infra/stages.go), and a restricted
grant of more than 2 cameras gets no audience index (its holders' timeline
is the slower merge).
bind and unbind write no revocation record: a record names an address, not
a Google account, so an account a re-bind shuts out keeps tokens the gateway
already authorized until its cache expires.
New sign-ins see a change within a minute (the authorizer's grants cache).
`

// noClipsWarning is printed (one line, to stderr) when put or delete runs
// on a deployed stage without --clips-table.
const noClipsWarning = "grants: warning: no --clips-table, so no revocation record and no audience index: " +
	"tokens API Gateway already authorized keep their old access until its authorizer cache expires " +
	"(the stage's CacheTTL: 300 s for dev and qa, 600 s for prod), and a restricted grant of more than 2 cameras " +
	"gets no audience index (nor is an unused one retired); pass --clips-table with the stage's VideosTableName (stack output)\n"

// Run runs the command with args (without the program name) and returns its
// exit status: 0 on success, 2 for bad usage, 3 when list flags a problem, 1
// for any other failure.
func Run(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("grants", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(env.Stderr, usage, "\nflags:\n"); fs.PrintDefaults() }
	table := fs.String("table", "", "a deployed stage's allowlist table (AllowlistTableName)")
	clipsTable := fs.String("clips-table", "", "the same stage's clips table (VideosTableName), for revocation records and audiences; needs --table")
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
	if err := checkFlags(*table, *clipsTable, *region, *localJSON); err != nil {
		fmt.Fprintf(env.Stderr, "grants: %v\n", err)
		return 2
	}
	t, err := open(ctx, *table, *clipsTable, *region, localstack.Path(*localJSON, env.Lookup), changes(rest[0]))
	if err != nil {
		fmt.Fprintf(env.Stderr, "grants: %v\n", err)
		return 1
	}
	if t.clips == nil && changes(rest[0]) {
		fmt.Fprint(env.Stderr, noClipsWarning)
	}
	code, err := run(ctx, t, rest, env.Stdout)
	if err != nil {
		fmt.Fprintf(env.Stderr, "grants: %v\n", err)
		return 1
	}
	return code
}

// changes reports whether command changes a grant, so that it records the
// change in the clips table as the console does.
func changes(command string) bool { return command == "put" || command == "delete" }

// checkFlags refuses flag combinations that cannot mean what was asked.
func checkFlags(table, clipsTable, region, localJSON string) error {
	switch {
	case table != "" && localJSON != "":
		return errors.New("--table (a deployed stage) and --local-json (the local stack) exclude each other")
	case clipsTable != "" && table == "":
		return errors.New("--clips-table needs --table (the local stack's clips table comes from local.json)")
	case region != "" && table == "":
		return errors.New("--region needs --table")
	case clipsTable != "" && clipsTable == table:
		return errors.New("--clips-table must name the stage's clips table (VideosTableName), not its allowlist table")
	}
	return nil
}

// target is where the command writes.
type target struct {
	admin *grants.Admin
	// clips is the clips table, where put and delete write revocation
	// records and audiences; nil for a deployed stage without --clips-table.
	clips *store.Store
	where string
}

func run(ctx context.Context, t target, args []string, out io.Writer) (int, error) {
	admin, where := t.admin, t.where
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
		subject, cameras, err := grants.CheckGrant(args[1], args[2], cameras)
		if err != nil {
			return 1, err
		}
		g := grant.Grant{Subject: subject, Role: grant.Role(args[2]), All: cameras == nil, Cameras: cameras}
		var before *grant.Grant
		if t.clips != nil {
			if before, err = stored(ctx, admin, subject); err != nil {
				return 1, err
			}
			if err := recordPut(ctx, t.clips, g, out); err != nil {
				return 1, err
			}
		}
		if _, err := admin.Put(ctx, subject, args[2], cameras); err != nil {
			return 1, err
		}
		fmt.Fprintf(out, "granted %q %s in %s\n", subject, args[2], where)
		if t.clips != nil {
			if err := retire(ctx, t.clips, admin, before, &g, out); err != nil {
				return 1, err
			}
		}
	case "delete":
		if strings.HasPrefix(args[1], grants.BindPrefix) {
			return 1, errors.New("that is an address binding: use unbind")
		}
		// A non-canonical subject is never looked up: removing it changes
		// nobody's access, and a record under its canonical form would
		// wrongly revoke the grant stored there.
		var before *grant.Grant
		if t.clips != nil {
			var err error
			if before, err = stored(ctx, admin, args[1]); err != nil {
				return 1, err
			}
		}
		if t.clips != nil && access.ValidSubject(args[1]) {
			if err := t.clips.PutRevocation(ctx, grant.Removal(args[1], time.Now())); err != nil {
				return 1, err
			}
			fmt.Fprintf(out, "recorded the revocation of %q\n", args[1])
		}
		if err := admin.Delete(ctx, args[1]); err != nil {
			return 1, err
		}
		fmt.Fprintf(out, "deleted the grant %q in %s\n", args[1], where)
		if t.clips != nil {
			if err := retire(ctx, t.clips, admin, before, nil, out); err != nil {
				return 1, err
			}
		}
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

// recordPut records in the clips table the put of g, in the console's
// order: the audience of a restricted grant of more than 2 cameras, then
// the revocation record (the grant is written after both).
func recordPut(ctx context.Context, clips *store.Store, g grant.Grant, out io.Writer) error {
	now := time.Now()
	// A blocked grant admits nobody: no timeline to index
	// (store.GrantAudience).
	created, err := clips.RegisterGrantAudience(ctx, g, now)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(out, "registered the audience index of cameras %s\n", strings.Join(g.Cameras, ","))
	}
	if err := clips.PutRevocation(ctx, grant.Changed(g, now)); err != nil {
		return err
	}
	fmt.Fprintf(out, "recorded the change of %q for requests already authorized\n", g.Subject)
	return nil
}

// stored returns the grant stored under subject exactly (nil when none),
// from the listing of the table: what a put or delete is about to replace.
func stored(ctx context.Context, admin *grants.Admin, subject string) (*grant.Grant, error) {
	all, err := listGrants(ctx, admin)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Subject == subject {
			return &all[i], nil
		}
	}
	return nil, nil
}

// listGrants lists every grant of the table (bindings left out) as the
// grant rules see them; an item with a problem still counts, so a set it
// names is never retired under it.
func listGrants(ctx context.Context, admin *grants.Admin) ([]grant.Grant, error) {
	entries, err := admin.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []grant.Grant
	for _, e := range entries {
		if !e.Binding {
			out = append(out, grant.Grant{Subject: e.Subject, Role: grant.Role(e.Role), All: e.Cameras == nil, Cameras: e.Cameras})
		}
	}
	return out, nil
}

// retire retires, after a put or delete was written, the audience of the
// grant it replaced (before) when no grant has that camera set any more
// (store.RetireGrantAudience, as the console does).
func retire(ctx context.Context, clips *store.Store, admin *grants.Admin, before, after *grant.Grant, out io.Writer) error {
	retired, err := clips.RetireGrantAudience(ctx, before, after, func(ctx context.Context) ([]grant.Grant, error) {
		return listGrants(ctx, admin)
	})
	if err != nil {
		return err
	}
	if retired {
		fmt.Fprintf(out, "retired the audience index of cameras %s (no grant has that set any more)\n", strings.Join(store.GrantAudience(before), ","))
	}
	return nil
}

// open builds the target: for deployed tables from the default AWS
// configuration, else for the local stack described at localJSON (whose
// clips table is required when the command records changes).
func open(ctx context.Context, table, clipsTable, region, localJSON string, recording bool) (target, error) {
	if table != "" {
		var opts []func(*config.LoadOptions) error
		if region != "" {
			opts = append(opts, config.WithRegion(region))
		}
		cfg, err := config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return target{}, fmt.Errorf("load AWS configuration: %w", err)
		}
		if cfg.Region == "" {
			return target{}, errors.New("no AWS region: pass --region or set AWS_REGION")
		}
		client := dynamodb.NewFromConfig(cfg)
		admin, err := grants.NewAdmin(client, table)
		t := target{admin: admin, where: fmt.Sprintf("table %s (%s)", table, cfg.Region)}
		if clipsTable != "" {
			t.clips = store.New(client, clipsTable)
		}
		return t, err
	}
	st, err := localstack.Load(localJSON)
	if err != nil {
		return target{}, err
	}
	if st.DynamoDBURL == "" || st.AllowlistTable == "" {
		return target{}, fmt.Errorf("%s has no dynamodbUrl or allowlistTable", localJSON)
	}
	if recording && st.Table == "" {
		return target{}, fmt.Errorf("%s has no table (the clips table, for the revocation record): restart the local stack", localJSON)
	}
	client := dynamodb.New(dynamodb.Options{
		BaseEndpoint: aws.String(st.DynamoDBURL),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
	admin, err := grants.NewAdmin(client, st.AllowlistTable)
	t := target{admin: admin, where: fmt.Sprintf("the local stack's %s at %s", st.AllowlistTable, st.DynamoDBURL)}
	if st.Table != "" {
		t.clips = store.New(client, st.Table)
	}
	return t, err
}
