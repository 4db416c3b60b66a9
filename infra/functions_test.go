package main

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/camvault/camvault/videos-api/routes"
)

// ourFunctions maps each function name to its Lambda's logical id.
func ourFunctions(t *testing.T, s *synthesized) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range append(routes.Functions(), AuthorizerFunction) {
		out[name] = s.idWithPrefix(t, "AWS::Lambda::Function", constructID(name)+"Function")
	}
	return out
}

func TestLambdas(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		for name, id := range ourFunctions(t, s) {
			t.Run(name, func(t *testing.T) {
				p := props(s.resource(t, id))
				if p["Runtime"] != "provided.al2023" || asJSON(p["Architectures"]) != `["arm64"]` || p["Handler"] != "bootstrap" {
					t.Errorf("runtime %v %v handler %v, want provided.al2023 on arm64 with bootstrap", p["Runtime"], p["Architectures"], p["Handler"])
				}
				if get(p, "TracingConfig", "Mode") != "Active" {
					t.Error("X-Ray tracing not active")
				}
				if mem, _ := p["MemorySize"].(float64); mem < 128 {
					t.Errorf("memory %v", p["MemorySize"])
				}
				// Request-sized functions answer within 30 s; only the job
				// runner works for minutes (TestJobRunner).
				if to, _ := p["Timeout"].(float64); to < 1 || to > 30 && name != routes.FunctionJobRunner || to > 900 {
					t.Errorf("timeout %v", p["Timeout"])
				}
				lg, _ := get(p, "LoggingConfig", "LogGroup", "Ref").(string)
				if lg == "" {
					t.Fatal("no explicit log group")
				}
				if lgp := props(s.resource(t, lg)); lgp["RetentionInDays"] == nil {
					t.Error("log group without retention")
				}
				if get(p, "Code", "S3Key") == nil {
					t.Error("code is not an asset")
				}
			})
		}
	})
}

// TestEveryLambdaLogsWithRetention covers every function in the template,
// CDK's deploy-time helpers included: each logs to a log group of the stack
// with the stage's retention, so no /aws/lambda/... group is created on
// first run, kept forever and orphaned when the stack goes.
func TestEveryLambdaLogsWithRetention(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		want := props(s.resource(t, s.idWithPrefix(t, "AWS::Logs::LogGroup", "ApiAccessLogs")))["RetentionInDays"]
		fns := s.resources("AWS::Lambda::Function")
		if len(fns) < len(routes.Functions())+1+2 {
			t.Fatalf("only %d functions", len(fns))
		}
		used := map[string]string{}
		for id, fn := range fns {
			lg, _ := get(props(fn), "LoggingConfig", "LogGroup", "Ref").(string)
			if lg == "" {
				t.Errorf("%s has no log group of the stack: %s", id, asJSON(get(props(fn), "LoggingConfig")))
				continue
			}
			if other, ok := used[lg]; ok {
				t.Errorf("%s and %s share log group %s", id, other, lg)
			}
			used[lg] = id
			r := s.resource(t, lg)
			if r["Type"] != "AWS::Logs::LogGroup" || props(r)["RetentionInDays"] != want {
				t.Errorf("%s logs to %s with retention %v, want %v", id, lg, props(r)["RetentionInDays"], want)
			}
			policy := map[bool]string{true: "Retain", false: "Delete"}[s.stage.Protect]
			if r["DeletionPolicy"] != policy {
				t.Errorf("%s's log group deletion policy %v, want %s", id, r["DeletionPolicy"], policy)
			}
		}
	})
}

func TestLambdaEnvironment(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		fns := ourFunctions(t, s)
		videosTable := s.idWithPrefix(t, "AWS::DynamoDB::Table", "VideosTable")
		allowlist := s.idWithPrefix(t, "AWS::DynamoDB::Table", "AllowlistTable")
		clips := s.idWithPrefix(t, "AWS::S3::Bucket", "ClipsBucket")
		secret := s.idWithPrefix(t, "AWS::SecretsManager::Secret", "CursorSecret")
		dist := s.onlyID(t, "AWS::CloudFront::Distribution")
		for _, name := range routes.Functions() {
			env, _ := get(props(s.resource(t, fns[name])), "Environment", "Variables").(map[string]any)
			checks := []struct {
				key string
				ok  bool
			}{
				{"TABLE_NAME", refersTo(env["TABLE_NAME"], videosTable)},
				{"BUCKET_NAME", refersTo(env["BUCKET_NAME"], clips)},
				{"WEB_ORIGIN", refersTo(env["WEB_ORIGIN"], dist) && strings.Contains(asJSON(env["WEB_ORIGIN"]), `"https://"`)},
				{"RETENTION_DAYS", env["RETENTION_DAYS"] == "30"},
				{"URL_TTL", env["URL_TTL"] == s.stage.URLTTL.String()},
			}
			// The cursor key: a deploy-time dynamic reference to the
			// stage's secret, in the functions that page only.
			ref := asJSON(env["CURSOR_SECRET"])
			if name == routes.FunctionVideos || name == routes.FunctionAdmin {
				checks = append(checks, struct {
					key string
					ok  bool
				}{"CURSOR_SECRET", refersTo(env["CURSOR_SECRET"], secret) && strings.Contains(ref, "{{resolve:secretsmanager:") && strings.Contains(ref, ":SecretString:")})
			} else if _, ok := env["CURSOR_SECRET"]; ok {
				t.Errorf("%s has the cursor key", name)
			}
			if _, ok := env["CURSOR_SECRET_ARN"]; ok {
				t.Errorf("%s has CURSOR_SECRET_ARN: a cold start would read Secrets Manager", name)
			}
			for _, c := range checks {
				if !c.ok {
					t.Errorf("%s: %s = %s", name, c.key, asJSON(env[c.key]))
				}
			}
		}
		env, _ := get(props(s.resource(t, fns[AuthorizerFunction])), "Environment", "Variables").(map[string]any)
		want := map[string]any{
			"GOOGLE_CLIENT_IDS": strings.Join(s.stage.GoogleClientIDs, ","),
			"ALLOWED_DOMAINS":   strings.Join(s.stage.AllowedDomains, ","),
			"ALLOWED_EMAILS":    strings.Join(s.stage.AllowedEmails, ","),
			"ADMIN_EMAILS":      strings.Join(s.stage.AdminEmails, ","),
		}
		for k, v := range want {
			if env[k] != v {
				t.Errorf("authorizer %s = %v, want %v", k, env[k], v)
			}
		}
		if !refersTo(env["ALLOWLIST_TABLE"], allowlist) {
			t.Errorf("authorizer ALLOWLIST_TABLE = %s", asJSON(env["ALLOWLIST_TABLE"]))
		}
		for _, k := range []string{"OIDC_ISSUER", "OIDC_JWKS_URL", "TABLE_NAME", "CURSOR_SECRET_ARN", "CURSOR_SECRET"} {
			if _, ok := env[k]; ok {
				t.Errorf("authorizer has %s", k)
			}
		}
	})
}

// statement is one IAM policy statement, flattened.
type statement struct {
	policy    string
	actions   []string
	resources []any
	effect    string
	condition any
}

// statementsOf returns every statement of every inline policy and
// AWS::IAM::Policy attached to the role.
func statementsOf(s *synthesized, roleID string) []statement {
	var out []statement
	add := func(policy string, doc any) {
		stmts, _ := get(doc, "Statement").([]any)
		for _, st := range stmts {
			res := get(st, "Resource")
			list, ok := res.([]any)
			if !ok {
				list = []any{res}
			}
			out = append(out, statement{policy: policy, actions: strs(get(st, "Action")), resources: list, effect: get(st, "Effect").(string), condition: get(st, "Condition")})
		}
	}
	for id, p := range s.resources("AWS::IAM::Policy") {
		for _, r := range get(props(p), "Roles").([]any) {
			if refersTo(r, roleID) {
				add(id, get(props(p), "PolicyDocument"))
			}
		}
	}
	if r, ok := s.resources("AWS::IAM::Role")[roleID]; ok {
		pols, _ := get(props(r), "Policies").([]any)
		for _, p := range pols {
			add(roleID+" inline", get(p, "PolicyDocument"))
		}
	}
	return out
}

// allStatements returns every statement in the template, from every policy.
func allStatements(s *synthesized) []statement {
	var out []statement
	for id := range s.resources("AWS::IAM::Role") {
		out = append(out, statementsOf(s, id)...)
	}
	return out
}

// starResourceActions are the only actions any policy in the stack may
// allow on Resource "*", each because the service has no resource-level
// permission for it.
var starResourceActions = map[string]string{
	"xray:PutTraceSegments":         "X-Ray: no resource-level permissions",
	"xray:PutTelemetryRecords":      "X-Ray: no resource-level permissions",
	"cloudfront:CreateInvalidation": "CDK BucketDeployment invalidates the web distribution after upload",
	"cloudfront:GetInvalidation":    "CDK BucketDeployment waits for that invalidation",
	"dynamodb:ListStreams":          "DynamoDB: ListStreams has no resource-level permissions (the expire function's stream source)",
}

// TestExpiryFromTheStream: the clips table streams its old images, and
// the expire function receives exactly the removes TTL makes, reporting
// failed records one by one.
func TestExpiryFromTheStream(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		table := s.idWithPrefix(t, "AWS::DynamoDB::Table", "VideosTable")
		if v := get(props(s.resource(t, table)), "StreamSpecification", "StreamViewType"); v != "OLD_IMAGE" {
			t.Errorf("clips table stream = %v, want OLD_IMAGE", v)
		}
		expire := ourFunctions(t, s)[routes.FunctionExpire]
		found := 0
		for _, m := range s.resources("AWS::Lambda::EventSourceMapping") {
			p := props(m)
			if !refersTo(p["FunctionName"], expire) {
				continue
			}
			found++
			if !refersTo(p["EventSourceArn"], table) || !strings.Contains(asJSON(p["EventSourceArn"]), "StreamArn") {
				t.Errorf("expire's source = %s, want the clips table's stream", asJSON(p["EventSourceArn"]))
			}
			if asJSON(p["FunctionResponseTypes"]) != `["ReportBatchItemFailures"]` {
				t.Errorf("FunctionResponseTypes = %s", asJSON(p["FunctionResponseTypes"]))
			}
			filter := asJSON(get(p, "FilterCriteria", "Filters"))
			for _, want := range []string{`\"eventName\":[\"REMOVE\"]`, `\"principalId\":[\"dynamodb.amazonaws.com\"]`, `\"type\":[\"Service\"]`, `\"dynamodb\":{\"Keys\":{\"PK\":{\"S\":[{\"prefix\":\"CAM#\"}]}}}`} {
				if !strings.Contains(filter, want) {
					t.Errorf("filter %s lacks %s", filter, want)
				}
			}
		}
		if found != 1 {
			t.Errorf("%d event source mappings for expire, want 1", found)
		}
	})
}

func TestNoWildcardPermissions(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		for _, st := range allStatements(s) {
			for _, a := range st.actions {
				if a == "*" || strings.HasSuffix(a, ":*") {
					t.Errorf("%s allows %q", st.policy, a)
				}
				for _, r := range st.resources {
					if _, ok := starResourceActions[a]; r == "*" && !ok {
						t.Errorf("%s allows %s on *", st.policy, a)
					}
				}
			}
		}
	})
}

func TestNoFullAccessManagedPolicies(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		fns := ourFunctions(t, s)
		ours := map[string]bool{}
		for _, id := range fns {
			ours[get(props(s.resource(t, id)), "Role", "Fn::GetAtt", 0).(string)] = true
		}
		for id, r := range s.resources("AWS::IAM::Role") {
			managed := asJSON(get(props(r), "ManagedPolicyArns"))
			for _, bad := range []string{"FullAccess", "AdministratorAccess", "PowerUserAccess"} {
				if strings.Contains(managed, bad) {
					t.Errorf("role %s has managed policy %s", id, managed)
				}
			}
			if ours[id] && managed != "null" {
				t.Errorf("function role %s has managed policies %s; it should have only its own grants", id, managed)
			}
		}
	})
}

// TestLeastPrivilege checks what each of our Lambdas may do: exactly the
// grants its job needs, on its own resources.
func TestLeastPrivilege(t *testing.T) {
	read := []string{"dynamodb:GetItem", "dynamodb:Query"}
	write := []string{"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
	type want struct {
		videosRead, videosWrite, allowlistRead, secret bool
		// bindOnly: the only write is PutItem of address bindings
		// (keys BIND#...) in the allowlist table.
		bindOnly bool
		// videosAppend: PutItem on the clips table, no update or delete
		// (the activity trail is written once).
		videosAppend bool
		// allowlistWrite: the console's reads, Scan and writes of grants.
		allowlistWrite bool
		s3             []string
		// invoke: the one function it may invoke (the push sender, the job
		// runner), or none; thumbnails: its S3 reads are limited to
		// clips/*.jpg; writes: its exact writes to the clips table.
		invoke     string
		thumbnails bool
		writes     []string
		// sqs is what the function may do to the ingest dead-letter
		// queue: only ingest's role, through which Lambda delivers its
		// failed events, may send to it.
		sqs []string
		// expiry: the expire function, fed by the table's stream, may
		// only update and query the videos table and read its stream.
		expiry bool
	}
	wants := map[string]want{
		routes.FunctionMe:          {videosRead: true},
		routes.FunctionCameras:     {videosRead: true},
		routes.FunctionVideos:      {videosRead: true, s3: []string{"s3:GetObject"}},
		routes.FunctionVideo:       {videosRead: true, videosAppend: true, s3: []string{"s3:GetObject"}},
		routes.FunctionAdmin:       {videosRead: true, videosWrite: true, allowlistRead: true, allowlistWrite: true, s3: []string{"s3:DeleteObject"}},
		routes.FunctionDeleteVideo: {videosRead: true, videosWrite: true, s3: []string{"s3:DeleteObject", "s3:PutObjectTagging"}},
		routes.FunctionKeep:        {videosRead: true, videosWrite: true, s3: []string{"s3:PutObjectTagging"}},
		routes.FunctionShares:      {videosRead: true, videosWrite: true},
		routes.FunctionJobs:        {videosRead: true, videosWrite: true, s3: []string{"s3:DeleteObject", "s3:PutObjectTagging"}, invoke: routes.FunctionJobRunner},
		// The runner takes the jobs function's steps, and hands a job on
		// to itself.
		routes.FunctionJobRunner: {videosRead: true, videosWrite: true, s3: []string{"s3:DeleteObject", "s3:PutObjectTagging"}, invoke: routes.FunctionJobRunner},
		routes.FunctionShared:    {videosRead: true, videosWrite: true, s3: []string{"s3:GetObject"}},
		routes.FunctionIngest:    {videosRead: true, videosWrite: true, s3: []string{"s3:GetObject", "s3:PutObjectTagging"}, sqs: []string{"sqs:SendMessage"}, invoke: routes.FunctionPushSender},
		routes.FunctionExpire:    {expiry: true},
		AuthorizerFunction:       {allowlistRead: true, bindOnly: true},
		routes.FunctionAlerts:    {videosRead: true, writes: []string{"dynamodb:PutItem", "dynamodb:DeleteItem"}},
		routes.FunctionPushSender: {videosRead: true, allowlistRead: true, thumbnails: true,
			s3: []string{"s3:GetObject"}, writes: []string{"dynamodb:UpdateItem", "dynamodb:DeleteItem"}},
	}
	expiryActions := "dynamodb:DescribeStream,dynamodb:GetRecords,dynamodb:GetShardIterator,dynamodb:ListStreams,dynamodb:Query,dynamodb:UpdateItem"
	allStages(t, func(t *testing.T, s *synthesized) {
		videosTable := s.idWithPrefix(t, "AWS::DynamoDB::Table", "VideosTable")
		allowlist := s.idWithPrefix(t, "AWS::DynamoDB::Table", "AllowlistTable")
		clips := s.idWithPrefix(t, "AWS::S3::Bucket", "ClipsBucket")
		secret := s.idWithPrefix(t, "AWS::SecretsManager::Secret", "CursorSecret")
		sender := ourFunctions(t, s)[routes.FunctionPushSender]
		runner := ourFunctions(t, s)[routes.FunctionJobRunner]
		dlq := s.idWithPrefix(t, "AWS::SQS::Queue", "IngestDeadLetterQueue")
		for name, fnID := range ourFunctions(t, s) {
			t.Run(name, func(t *testing.T) {
				w := wants[name]
				fn := props(s.resource(t, fnID))
				role := get(fn, "Role", "Fn::GetAtt", 0).(string)
				logGroup := get(fn, "LoggingConfig", "LogGroup", "Ref").(string)
				allowed := map[string][]any{} // action -> resources
				onTable := map[string]map[string]bool{"videos": {}, "allowlist": {}}
				for _, st := range statementsOf(s, role) {
					if st.effect != "Allow" {
						continue
					}
					for _, a := range st.actions {
						if strings.Contains(a, "*") {
							t.Errorf("wildcard action %s", a)
						}
						allowed[a] = append(allowed[a], st.resources...)
					}
				}
				for a, res := range allowed {
					service := strings.SplitN(a, ":", 2)[0]
					for _, r := range res {
						switch {
						case r == "*":
							// X-Ray has no resource-level permissions, nor has
							// ListStreams; nothing else may use *.
							if service != "xray" && !(w.expiry && a == "dynamodb:ListStreams") {
								t.Errorf("%s on *", a)
							}
						case service == "logs":
							if !refersTo(r, logGroup) {
								t.Errorf("%s on %s, not the function's own log group", a, asJSON(r))
							}
						case service == "dynamodb":
							if !refersTo(r, videosTable) && !refersTo(r, allowlist) {
								t.Errorf("%s on %s", a, asJSON(r))
							}
							if refersTo(r, videosTable) {
								onTable["videos"][a] = true
							} else {
								onTable["allowlist"][a] = true
							}
							if refersTo(r, videosTable) && !(w.videosRead || w.videosWrite || w.expiry) || refersTo(r, allowlist) && !w.allowlistRead {
								t.Errorf("%s on a table the function has no business with: %s", a, asJSON(r))
							}
						case service == "s3":
							suffix := `"/clips/*"]]}`
							if w.thumbnails {
								suffix = `"/clips/*.jpg"]]}`
							}
							if !refersTo(r, clips) || !strings.HasSuffix(asJSON(r), suffix) {
								t.Errorf("%s on %s, not %s of the clips bucket", a, asJSON(r), suffix)
							}
						case service == "secretsmanager":
							if !refersTo(r, secret) {
								t.Errorf("%s on %s", a, asJSON(r))
							}
						case service == "lambda":
							target := ""
							switch {
							case refersTo(r, sender):
								target = routes.FunctionPushSender
							case refersTo(r, runner), isJobRunnerArn(r, s.stage.Name):
								target = routes.FunctionJobRunner
							}
							if a != "lambda:InvokeFunction" || target == "" || target != w.invoke {
								t.Errorf("%s on %s", a, asJSON(r))
							}
						case service == "sqs":
							if !refersTo(r, dlq) || len(w.sqs) == 0 {
								t.Errorf("%s on %s", a, asJSON(r))
							}
						default:
							t.Errorf("unexpected permission %s on %s", a, asJSON(r))
						}
					}
				}
				has := func(actions ...string) bool {
					for _, a := range actions {
						if _, ok := allowed[a]; !ok {
							return false
						}
					}
					return true
				}
				hasAny := func(actions ...string) bool {
					for _, a := range actions {
						if _, ok := allowed[a]; ok {
							return true
						}
					}
					return false
				}
				if !has("logs:CreateLogStream", "logs:PutLogEvents") {
					t.Error("cannot write its logs")
				}
				if w.expiry {
					var ddb []string
					for a := range allowed {
						if strings.HasPrefix(a, "dynamodb:") {
							ddb = append(ddb, a)
						}
					}
					sort.Strings(ddb)
					if strings.Join(ddb, ",") != expiryActions {
						t.Errorf("DynamoDB actions %v, want %s", ddb, expiryActions)
					}
				} else if w.videosRead || w.allowlistRead {
					if !has(read...) {
						t.Error("cannot read its table")
					}
				} else if hasAny(read...) {
					t.Error("may read a table it does not need")
				}
				if w.bindOnly {
					for _, st := range statementsOf(s, role) {
						if st.effect == "Allow" && slices.Contains(st.actions, "dynamodb:PutItem") &&
							(len(st.actions) != 1 || asJSON(st.condition) != `{"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["BIND#*"]}}`) {
							t.Errorf("PutItem beyond address bindings: %v %s", st.actions, asJSON(st.condition))
						}
					}
					if !has("dynamodb:PutItem") || hasAny("dynamodb:UpdateItem", "dynamodb:DeleteItem") {
						t.Error("want PutItem of bindings and no other table write")
					}
				}
				writesVideos := false
				for _, a := range write {
					writesVideos = writesVideos || onTable["videos"][a]
				}
				switch {
				case w.expiry: // checked above, action by action
				case w.writes != nil:
					for _, a := range write {
						if onTable["videos"][a] != slices.Contains(w.writes, a) {
							t.Errorf("%s on the clips table = %v, want only %v", a, onTable["videos"][a], w.writes)
						}
					}
				case w.videosWrite:
					for _, a := range write {
						if !onTable["videos"][a] {
							t.Errorf("cannot %s the clips table", a)
						}
					}
				case w.videosAppend:
					if !onTable["videos"]["dynamodb:PutItem"] || onTable["videos"]["dynamodb:UpdateItem"] || onTable["videos"]["dynamodb:DeleteItem"] {
						t.Errorf("clips table actions %v, want PutItem and no update or delete", onTable["videos"])
					}
				case writesVideos:
					t.Errorf("may write the clips table: %v", onTable["videos"])
				}
				wantAllowlist := map[string]bool{}
				if w.allowlistRead {
					wantAllowlist["dynamodb:GetItem"] = true
				}
				if w.allowlistWrite {
					for _, a := range []string{"dynamodb:GetItem", "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:DeleteItem"} {
						wantAllowlist[a] = true
					}
				}
				for a := range onTable["allowlist"] {
					// A read-only role (the authorizer's, by CDK's GrantReadData)
					// may carry CDK's other read actions; never a write.
					isWrite := slices.Contains([]string{"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}, a)
					bind := w.bindOnly && a == "dynamodb:PutItem" // checked above: BIND# keys only
					if !wantAllowlist[a] && !(w.allowlistRead && !w.allowlistWrite && (!isWrite || bind)) {
						t.Errorf("%s on the allowlist table", a)
					}
				}
				for a := range wantAllowlist {
					if !onTable["allowlist"][a] {
						t.Errorf("cannot %s the allowlist table", a)
					}
				}
				if got := has("lambda:InvokeFunction"); got != (w.invoke != "") {
					t.Errorf("may invoke %q = %v", w.invoke, got)
				}
				if got := has("secretsmanager:GetSecretValue"); got != w.secret {
					t.Errorf("cursor secret readable = %v, want %v", got, w.secret)
				}
				var s3 []string
				for a := range allowed {
					if strings.HasPrefix(a, "s3:") {
						s3 = append(s3, a)
					}
				}
				sort.Strings(s3)
				if strings.Join(s3, ",") != strings.Join(w.s3, ",") {
					t.Errorf("S3 actions %v, want %v", s3, w.s3)
				}
				var sqs []string
				for a := range allowed {
					if strings.HasPrefix(a, "sqs:") {
						sqs = append(sqs, a)
					}
				}
				if strings.Join(sqs, ",") != strings.Join(w.sqs, ",") {
					t.Errorf("SQS actions %v, want %v", sqs, w.sqs)
				}
			})
		}
	})
}

// TestIngestFailuresAreKept proves that an S3 event ingest cannot record
// (DynamoDB down longer than Lambda's retries) is kept, not dropped: the
// asynchronous invocation is configured explicitly, with an on-failure
// destination that is an encrypted, TLS-only queue keeping events 14 days,
// retained in prod like the table.
func TestIngestFailuresAreKept(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		ingest := ourFunctions(t, s)[routes.FunctionIngest]
		dlq := s.idWithPrefix(t, "AWS::SQS::Queue", "IngestDeadLetterQueue")
		if n := len(s.resources("AWS::SQS::Queue")); n != 1 {
			t.Errorf("%d queues, want only the ingest dead-letter queue", n)
		}

		cfgID := s.idWithPrefix(t, "AWS::Lambda::EventInvokeConfig", "IngestAsyncInvokeConfig")
		cfg := s.resource(t, cfgID)
		p := props(cfg)
		if !refersTo(p["FunctionName"], ingest) || p["Qualifier"] != "$LATEST" {
			t.Errorf("invoke config for %s:%v, want ingest's $LATEST (what S3 invokes)", asJSON(p["FunctionName"]), p["Qualifier"])
		}
		if p["MaximumRetryAttempts"] != 2.0 {
			t.Errorf("retry attempts %v, want 2", p["MaximumRetryAttempts"])
		}
		if age, _ := p["MaximumEventAgeInSeconds"].(float64); age != IngestMaxEventAge.Seconds() || age < 60 || age > 21600 {
			t.Errorf("max event age %v s, want %v within Lambda's 60..21600", p["MaximumEventAgeInSeconds"], IngestMaxEventAge.Seconds())
		}
		if dest := get(p, "DestinationConfig", "OnFailure", "Destination"); asJSON(dest) != `{"Fn::GetAtt":["`+dlq+`","Arn"]}` {
			t.Errorf("on-failure destination %s, want the dead-letter queue's ARN", asJSON(dest))
		}
		if get(p, "DestinationConfig", "OnSuccess") != nil {
			t.Error("an on-success destination would fill the queue with every clip")
		}
		// Lambda refuses the config unless the role may already send to
		// the queue: the config must come after the role's policy.
		ingestRole := get(props(s.resource(t, ingest)), "Role", "Fn::GetAtt", 0).(string)
		deps := strs(cfg["DependsOn"])
		var policyDep bool
		for _, st := range statementsOf(s, ingestRole) {
			if strings.Join(st.actions, ",") == "sqs:SendMessage" {
				for _, d := range deps {
					policyDep = policyDep || d == st.policy
				}
			}
		}
		if !policyDep {
			t.Errorf("invoke config depends on %v, not on the policy that lets ingest send to the queue", deps)
		}

		q := s.resource(t, dlq)
		qp := props(q)
		if qp["SqsManagedSseEnabled"] != true && qp["KmsMasterKeyId"] == nil {
			t.Errorf("queue not encrypted: %s", asJSON(qp))
		}
		if qp["MessageRetentionPeriod"] != float64(14*24*3600) {
			t.Errorf("retention %v s, want 14 days", qp["MessageRetentionPeriod"])
		}
		tlsOnly := false
		for _, qpol := range s.resources("AWS::SQS::QueuePolicy") {
			doc := props(qpol)
			if refersTo(doc["Queues"], dlq) && strings.Contains(asJSON(doc), `"aws:SecureTransport":"false"`) && strings.Contains(asJSON(doc), `"Effect":"Deny"`) {
				tlsOnly = true
			}
		}
		if !tlsOnly {
			t.Error("the dead-letter queue accepts requests without TLS")
		}
		want := map[bool]string{true: "Retain", false: "Delete"}[s.stage.Protect]
		if q["DeletionPolicy"] != want || q["UpdateReplacePolicy"] != want {
			t.Errorf("queue deletion/replace policy %v/%v, want %s", q["DeletionPolicy"], q["UpdateReplacePolicy"], want)
		}
		// Only ingest's role may send to it (checked per function in
		// TestLeastPrivilege); nobody else may touch it.
		for _, st := range allStatements(s) {
			for _, r := range st.resources {
				if refersTo(r, dlq) && !strings.Contains(st.policy, "IngestRole") {
					t.Errorf("%s grants %v on the dead-letter queue", st.policy, st.actions)
				}
			}
		}
	})
}
