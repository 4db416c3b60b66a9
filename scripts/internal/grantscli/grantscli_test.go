package grantscli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/authorizer/grants"
	"github.com/camvault/camvault/authorizer/grantstest"
	"github.com/camvault/camvault/dynalite/dynalitetest"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/grant"
	"github.com/camvault/camvault/videos-api/store"
)

func TestRun(t *testing.T) {
	ctx := context.Background()
	endpoint := dynalitetest.Start(t)
	client := grantstest.Client(endpoint)
	const table = "camvault-allowlist"
	if err := grantstest.CreateTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateTable(ctx, client, "camvault-clips"); err != nil {
		t.Fatal(err)
	}
	localJSON := filepath.Join(t.TempDir(), "local.json")
	if err := os.WriteFile(localJSON, []byte(`{"dynamodbUrl":"`+endpoint+`","allowlistTable":"`+table+`","table":"camvault-clips"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Run(ctx, append([]string{"--local-json", localJSON}, args...), Env{Stdout: &out, Stderr: &errOut, Lookup: func(string) (string, bool) { return "", false }})
		return code, out.String(), errOut.String()
	}
	if code, out, stderr := run("put", " Restricted@Example.com", "viewer", "driveway"); code != 0 || !strings.Contains(out, `granted "restricted@example.com" viewer`) {
		t.Fatalf("put: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := run("put", "blocked@example.com", "blocked"); code != 0 {
		t.Fatalf("put blocked: %d %q", code, stderr)
	}
	if code, _, stderr := run("put", "x@example.com", "owner"); code != 1 || !strings.Contains(stderr, "role") {
		t.Errorf("bad role: %d %q", code, stderr)
	}
	for _, bad := range [][]string{{}, {"nope"}, {"put", "x@example.com"}, {"unbind"}, {"list", "extra"}} {
		if code, _, _ := run(bad...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
	store, _ := grants.NewStore(client, table)
	if _, err := store.Bind(ctx, "boss@example.com", "111"); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run("list")
	if code != 0 || !strings.Contains(out, `"restricted@example.com"`) || !strings.Contains(out, "cameras driveway") ||
		!strings.Contains(out, `bind   "boss@example.com"`) || !strings.Contains(out, "sub=111") {
		t.Errorf("list: %d\n%s", code, out)
	}
	// A grant written by hand with another case is flagged.
	if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]ddbtypes.AttributeValue{
		"subject": &ddbtypes.AttributeValueMemberS{Value: "Ann@Example.com"}, "role": &ddbtypes.AttributeValueMemberS{Value: "viewer"}}}); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run("list"); code != 3 || !strings.Contains(out, "PROBLEM: non-canonical subject") || !strings.Contains(out, `"ann@example.com"`) {
		t.Errorf("list with a non-canonical grant: %d\n%s", code, out)
	}
	if code, _, _ := run("delete", "Ann@Example.com"); code != 0 {
		t.Error("delete failed")
	}
	if code, out, _ := run("unbind", "boss@example.com"); code != 0 || !strings.Contains(out, "from sub 111") {
		t.Errorf("unbind: %d %q", code, out)
	}
	if code, out, _ := run("bind", "boss@example.com", "222"); code != 0 || !strings.Contains(out, "sub 222") {
		t.Errorf("bind: %d %q", code, out)
	}
	if code, out, _ := run("list"); code != 0 || !strings.Contains(out, "sub=222") {
		t.Errorf("list after re-bind: %d\n%s", code, out)
	}
}

// env is a fixture: dynalite with an allowlist table and a clips table.
type env struct {
	ctx    context.Context
	client *dynamodb.Client
	allow  string
	clips  *store.Store
	// local is a local.json describing both tables.
	local string
}

func newEnv(t *testing.T) env {
	t.Helper()
	ctx := context.Background()
	endpoint := dynalitetest.Start(t)
	client := grantstest.Client(endpoint)
	e := env{ctx: ctx, client: client, allow: "camvault-allowlist", clips: store.New(client, "camvault-clips")}
	if err := grantstest.CreateTable(ctx, client, e.allow); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateTable(ctx, client, "camvault-clips"); err != nil {
		t.Fatal(err)
	}
	e.local = filepath.Join(t.TempDir(), "local.json")
	if err := os.WriteFile(e.local, []byte(`{"dynamodbUrl":"`+endpoint+`","allowlistTable":"`+e.allow+`","table":"camvault-clips"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	// For --table: the default AWS configuration, pointed at dynalite
	// (never at AWS) and reading no file of this machine.
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_DYNAMODB": endpoint, "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
	} {
		t.Setenv(k, v)
	}
	return e
}

func (e env) run(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := Run(e.ctx, args, Env{Stdout: &out, Stderr: &errOut, Lookup: func(string) (string, bool) { return "", false }})
	return code, out.String(), errOut.String()
}

func (e env) revocations(t *testing.T) map[string]grant.Revocation {
	t.Helper()
	revs, err := e.clips.Revocations(e.ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]grant.Revocation{}
	for _, r := range revs {
		out[r.Subject] = r
	}
	return out
}

func (e env) audiences(t *testing.T) []store.Audience {
	t.Helper()
	auds, err := e.clips.Audiences(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return auds
}

// TestChangesAreRecorded: put and delete on the local stack write what
// the console writes in the clips table, and what the API's handlers read
// there holds already-authorized requests to the change.
func TestChangesAreRecorded(t *testing.T) {
	e := newEnv(t)
	decided := time.Now().Add(-time.Minute) // a token API Gateway authorized before the changes
	ana := func(src grant.Source) grant.Authorized {
		return grant.Authorized{Email: "ana@example.com", Domain: "example.com", Source: src, At: decided,
			Role: grant.Viewer, Access: clip.Access{All: true}}
	}

	code, out, stderr := e.run("--local-json", e.local, "put", "Ana@Example.com", "viewer", "side,front,porch")
	if code != 0 || !strings.Contains(out, "registered the audience index of cameras front,porch,side") || stderr != "" {
		t.Fatalf("put: %d %q %q", code, out, stderr)
	}
	auds := e.audiences(t)
	if len(auds) != 1 || strings.Join(auds[0].Cameras, ",") != "front,porch,side" || auds[0].ID != store.AudienceID([]string{"front", "porch", "side"}) {
		t.Fatalf("audiences after a 3-camera put: %+v", auds)
	}
	if auds[0].Since.Before(decided.Add(store.AudienceSinceMargin)) {
		t.Errorf("since %v: want the put's time + AudienceSinceMargin", auds[0].Since)
	}
	r := e.revocations(t)["ana@example.com"]
	if r.Removed || r.Role != grant.Viewer || r.All || strings.Join(r.Cameras, ",") != "front,porch,side" {
		t.Errorf("revocation after put: %+v", r)
	}
	if _, acc, ok := grant.Apply(ana(grant.SourceStatic), []grant.Revocation{r}); !ok || acc.All || len(acc.Cameras) != 3 {
		t.Errorf("a token authorized before the put keeps %v %v, want the 3 cameras", acc, ok)
	}

	// The same set again, in another order: still one audience, its since kept.
	code, out, _ = e.run("--local-json", e.local, "put", "ana@example.com", "viewer", "porch,front,side,front")
	if code != 0 || strings.Contains(out, "registered") {
		t.Fatalf("second put: %d %q", code, out)
	}
	if again := e.audiences(t); len(again) != 1 || !again[0].Since.Equal(auds[0].Since) {
		t.Errorf("audiences after the same put again: %+v, want %+v", again, auds)
	}
	// Two cameras: the merge serves them, no audience.
	if code, out, _ := e.run("--local-json", e.local, "put", "bo@example.com", "viewer", "front,porch"); code != 0 || strings.Contains(out, "registered") {
		t.Errorf("2-camera put: %d %q", code, out)
	}
	if n := len(e.audiences(t)); n != 1 {
		t.Errorf("%d audiences after a 2-camera put, want 1", n)
	}

	code, out, stderr = e.run("--local-json", e.local, "delete", "ana@example.com")
	if code != 0 || !strings.Contains(out, "recorded the revocation") || !strings.Contains(out, "retired the audience index of cameras front,porch,side") {
		t.Fatalf("delete: %d %q %q", code, out, stderr)
	}
	if n := len(e.audiences(t)); n != 0 {
		t.Errorf("%d audiences after deleting the only grant of the set, want 0", n)
	}
	r = e.revocations(t)["ana@example.com"]
	if !r.Removed || r.At.Before(decided) {
		t.Fatalf("revocation after delete: %+v", r)
	}
	if _, _, ok := grant.Apply(ana(grant.SourceEmailGrant), []grant.Revocation{r}); ok {
		t.Error("a token authorized by the deleted grant still works")
	}
	if code, out, _ := e.run("--local-json", e.local, "list"); code != 0 || strings.Contains(out, `"ana@example.com"`) {
		t.Errorf("the grant is still listed after delete: %d\n%s", code, out)
	}

	// Blocking someone a static rule admits bites at once too.
	if code, out, stderr := e.run("--local-json", e.local, "put", "cy@example.com", "blocked", "a,b,c"); code != 0 || strings.Contains(out, "registered") {
		t.Fatalf("put blocked: %d %q %q", code, out, stderr)
	}
	r = e.revocations(t)["cy@example.com"]
	cy := ana(grant.SourceStatic)
	cy.Email = "cy@example.com"
	if _, _, ok := grant.Apply(cy, []grant.Revocation{r}); ok {
		t.Errorf("a token authorized before the block still works: %+v", r)
	}
	if n := len(e.audiences(t)); n != 0 {
		t.Errorf("%d audiences after a blocked put, want 0", n)
	}

	// Deleting a non-canonical item (never looked up) revokes nothing, not
	// even the canonical subject's grant.
	if code, _, _ := e.run("--local-json", e.local, "put", "dee@example.com", "viewer"); code != 0 {
		t.Fatal("put dee")
	}
	before := e.revocations(t)["dee@example.com"]
	if _, err := e.client.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String(e.allow), Item: map[string]ddbtypes.AttributeValue{
		"subject": &ddbtypes.AttributeValueMemberS{Value: "Dee@Example.com"}, "role": &ddbtypes.AttributeValueMemberS{Value: "viewer"}}}); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := e.run("--local-json", e.local, "delete", "Dee@Example.com"); code != 0 || strings.Contains(out, "recorded") {
		t.Errorf("delete non-canonical: %d %q", code, out)
	}
	revs := e.revocations(t)
	if _, ok := revs["Dee@Example.com"]; ok || !revs["dee@example.com"].At.Equal(before.At) || revs["dee@example.com"].Removed {
		t.Errorf("revocations after deleting a non-canonical item: %+v", revs)
	}
	// bind and unbind write no record.
	n := len(revs)
	for _, args := range [][]string{{"bind", "eve@example.com", "123"}, {"unbind", "eve@example.com"}} {
		if code, _, stderr := e.run(append([]string{"--local-json", e.local}, args...)...); code != 0 || stderr != "" {
			t.Errorf("%v: %d %q", args, code, stderr)
		}
	}
	if got := len(e.revocations(t)); got != n {
		t.Errorf("%d revocation records after bind and unbind, want %d", got, n)
	}
}

// TestRetirement: delete and put retire the audience of the grant they
// replaced when no grant has its set any more, as the console does; a set
// another grant still has is kept; ingest indexes only registered sets.
func TestRetirement(t *testing.T) {
	e := newEnv(t)
	ids := func() []string {
		t.Helper()
		out := []string{}
		for _, a := range e.audiences(t) {
			out = append(out, strings.Join(a.Cameras, ","))
		}
		return out
	}
	step := func(want string, args ...string) {
		t.Helper()
		code, out, stderr := e.run(append([]string{"--local-json", e.local}, args...)...)
		if code != 0 || stderr != "" || want != "" && !strings.Contains(out, want) || want == "" && strings.Contains(out, "retired") {
			t.Fatalf("%v: %d %q %q (want %q)", args, code, out, stderr, want)
		}
	}
	step("", "put", "ana@example.com", "viewer", "a,b,c")
	step("", "put", "example.com", "viewer", "c,b,a")
	step("", "delete", "ana@example.com") // example.com still has a,b,c
	if got := ids(); len(got) != 1 || got[0] != "a,b,c" {
		t.Fatalf("audiences with the set still granted: %v", got)
	}
	step("retired the audience index of cameras a,b,c", "put", "example.com", "viewer", "a,b,c,d")
	if got := ids(); len(got) != 1 || got[0] != "a,b,c,d" {
		t.Fatalf("audiences after the camera change: %v", got)
	}
	v := clip.Video{ID: "01M6A6FT000000000000000001", CameraID: "a", ObjectKey: "a/x.mp4"}
	if err := e.clips.IndexVideo(e.ctx, v); err != nil {
		t.Fatal(err)
	}
	for set, want := range map[string]int{"a,b,c": 0, "a,b,c,d": 1} {
		res, err := e.client.Query(e.ctx, &dynamodb.QueryInput{
			TableName: aws.String("camvault-clips"), KeyConditionExpression: aws.String("PK = :pk"),
			ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": &ddbtypes.AttributeValueMemberS{Value: "AUD#" + store.AudienceID(strings.Split(set, ","))}},
			ConsistentRead:            aws.Bool(true),
		})
		if err != nil || len(res.Items) != want {
			t.Errorf("index entries of %s after an ingest: %v, %v, want %d", set, res.Items, err, want)
		}
	}
	step("", "put", "example.com", "admin", "d,c,b,a") // the same set
	step("retired the audience index of cameras a,b,c,d", "delete", "example.com")
	if got := ids(); len(got) != 0 {
		t.Fatalf("audiences after deleting the last grant: %v", got)
	}
	// Registered again by a later put.
	step("registered the audience index", "put", "ana@example.com", "viewer", "a,b,c")
	if got := ids(); len(got) != 1 || got[0] != "a,b,c" {
		t.Fatalf("audiences after registering again: %v", got)
	}
}

// TestRecordFirst: when the clips table cannot be written, the grant is
// not written either (the record comes first, as in the console).
func TestRecordFirst(t *testing.T) {
	e := newEnv(t)
	local := filepath.Join(t.TempDir(), "local.json")
	b, _ := os.ReadFile(e.local)
	if err := os.WriteFile(local, []byte(strings.Replace(string(b), `"table":"camvault-clips"`, `"table":"no-such-table"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := e.run("--local-json", local, "put", "ana@example.com", "viewer", "a,b,c"); code != 1 || !strings.Contains(stderr, "audience") {
		t.Errorf("put with no clips table: %d %q", code, stderr)
	}
	if code, _, stderr := e.run("--local-json", local, "put", "ana@example.com", "viewer"); code != 1 || !strings.Contains(stderr, "revocation") {
		t.Errorf("put with no clips table: %d %q", code, stderr)
	}
	if code, out, _ := e.run("--local-json", local, "list"); code != 0 || strings.Contains(out, "ana@example.com") {
		t.Errorf("a grant was written though its record failed: %d\n%s", code, out)
	}
	// A local.json without the clips table refuses to change grants.
	if err := os.WriteFile(local, []byte(strings.Replace(string(b), `,"table":"camvault-clips"`, ``, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := e.run("--local-json", local, "delete", "ana@example.com"); code != 1 || !strings.Contains(stderr, "no table") {
		t.Errorf("delete with a local.json without table: %d %q", code, stderr)
	}
	if code, _, _ := e.run("--local-json", local, "list"); code != 0 {
		t.Errorf("list with a local.json without table: %d", code)
	}
}

// TestDeployedStage: --table with --clips-table records like the local
// stack; without it the grant is still written, with one warning line.
func TestDeployedStage(t *testing.T) {
	e := newEnv(t)
	code, out, stderr := e.run("--table", e.allow, "--clips-table", "camvault-clips", "put", "ana@example.com", "viewer", "a,b,c")
	if code != 0 || stderr != "" || !strings.Contains(out, "registered the audience") {
		t.Fatalf("put with --clips-table: %d %q %q", code, out, stderr)
	}
	if _, ok := e.revocations(t)["ana@example.com"]; !ok {
		t.Error("no revocation record after put with --clips-table")
	}
	code, out, stderr = e.run("--table", e.allow, "put", "bo@example.com", "viewer", "d,e,f")
	if code != 0 || !strings.Contains(out, `granted "bo@example.com" viewer`) {
		t.Fatalf("put without --clips-table: %d %q %q", code, out, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.Contains(stderr, "warning") || !strings.Contains(stderr, "--clips-table") ||
		!strings.Contains(stderr, "authorizer cache expires") || !strings.Contains(stderr, "audience index") || !strings.Contains(stderr, "VideosTableName") {
		t.Errorf("want one warning line, got %q", stderr)
	}
	if _, ok := e.revocations(t)["bo@example.com"]; ok || len(e.audiences(t)) != 1 {
		t.Error("a record was written without --clips-table")
	}
	if code, _, stderr := e.run("--table", e.allow, "delete", "bo@example.com"); code != 0 || !strings.Contains(stderr, "warning") {
		t.Errorf("delete without --clips-table: %d %q", code, stderr)
	}
	if code, out, stderr := e.run("--table", e.allow, "list"); code != 0 || stderr != "" || strings.Contains(out, "bo@example.com") {
		t.Errorf("list without --clips-table: %d %q %q", code, out, stderr)
	}
}

func TestFlags(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--clips-table", "camvault-clips", "list"}, "--clips-table needs --table"},
		{[]string{"--local-json", e.local, "--clips-table", "camvault-clips", "put", "a@example.com", "viewer"}, "--clips-table needs --table"},
		{[]string{"--table", e.allow, "--clips-table", e.allow, "list"}, "not its allowlist table"},
		{[]string{"--table", e.allow, "--local-json", e.local, "list"}, "exclude each other"},
		{[]string{"--region", "eu-west-1", "list"}, "--region needs --table"},
		{[]string{"--clips-table"}, "flag needs an argument"},
	} {
		if code, _, stderr := e.run(tt.args...); code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: %d %q, want exit 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
	if n := len(e.revocations(t)); n != 0 {
		t.Errorf("%d revocation records after refused commands", n)
	}
}
