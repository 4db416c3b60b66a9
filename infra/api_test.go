package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/camvault/camvault/videos-api/routes"
)

// A real-looking Google ID token: three base64url segments.
const sampleJWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjFlOWdkazcifQ.eyJpc3MiOiJodHRwczovL2FjY291bnRzLmdvb2dsZS5jb20iLCJzdWIiOiIxMTAxNjk0ODQ0NzQzODYyNzYzMzQiLCJhdWQiOiJ4LmFwcHMuZ29vZ2xldXNlcmNvbnRlbnQuY29tIn0.dGhlLXNpZ25hdHVyZV9vZi10aGUtdG9rZW4tLV8"

func TestTokenValidationRegex(t *testing.T) {
	re := regexp.MustCompile(TokenValidationRegex)
	tests := []struct {
		header string
		want   bool
	}{
		{sampleJWT, true},
		{"Bearer " + sampleJWT, true},
		{"bearer " + sampleJWT, true},
		{"BEARER " + sampleJWT, true},
		{"bEaReR " + sampleJWT, true},
		{"Bearer   " + sampleJWT, true},
		{"Bearer\t" + sampleJWT, false},
		{"BearerX " + sampleJWT, false},
		{"Basic xyz", false},
		{"Basic dXNlcjpwYXNz", false},
		{"Bearer", false},
		{"Bearer ", false},
		{"", false},
		{"Bearer abc.def", false},
		{"Bearer " + sampleJWT + ".extra", false},
		{"Bearer " + sampleJWT + " trailing", false},
		{"Token " + sampleJWT, false},
		{"Bearer " + sampleJWT + "\n", false},
		{"Bearer a+b.c/d.e=f", false},
		{"Bearer ..", false},
	}
	for _, tt := range tests {
		name := tt.header
		if len(name) > 30 {
			name = name[:30]
		}
		t.Run(name, func(t *testing.T) {
			if got := re.MatchString(tt.header); got != tt.want {
				t.Fatalf("match(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

func TestTokenAuthorizer(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		id := s.onlyID(t, "AWS::ApiGateway::Authorizer")
		p := props(s.resource(t, id))
		want := map[string]any{
			"Type":                         "TOKEN",
			"IdentitySource":               "method.request.header.Authorization",
			"IdentityValidationExpression": TokenValidationRegex,
			"AuthorizerResultTtlInSeconds": s.stage.CacheTTL.Seconds(),
		}
		for k, v := range want {
			if p[k] != v {
				t.Errorf("authorizer %s = %v, want %v", k, p[k], v)
			}
		}
		if ttl, _ := p["AuthorizerResultTtlInSeconds"].(float64); ttl < 300 {
			t.Errorf("authorizer cache TTL %v below 300", ttl)
		}
		if !refersTo(p["AuthorizerUri"], s.idWithPrefix(t, "AWS::Lambda::Function", "AuthorizerFunction")) {
			t.Error("authorizer does not invoke the authorizer Lambda")
		}
	})
}

// resourcePaths maps each AWS::ApiGateway::Resource's logical id to its
// full path, and the REST API's root to "/".
func resourcePaths(t *testing.T, s *synthesized) map[string]string {
	t.Helper()
	res := s.resources("AWS::ApiGateway::Resource")
	paths := map[string]string{}
	var resolve func(id string) string
	resolve = func(id string) string {
		if p, ok := paths[id]; ok {
			return p
		}
		r := props(res[id])
		parent := "/"
		if pid, ok := get(r, "ParentId", "Ref").(string); ok {
			parent = resolve(pid)
		}
		p := strings.TrimSuffix(parent, "/") + "/" + r["PathPart"].(string)
		paths[id] = p
		return p
	}
	for id := range res {
		resolve(id)
	}
	return paths
}

// methodPath returns a method's "VERB /path".
func methodPath(paths map[string]string, m map[string]any) string {
	p := props(m)
	path := "/"
	if rid, ok := get(p, "ResourceId", "Ref").(string); ok {
		path = paths[rid]
	}
	return p["HttpMethod"].(string) + " " + path
}

func TestMethodsFollowRouteTable(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		paths := resourcePaths(t, s)
		authorizer := s.onlyID(t, "AWS::ApiGateway::Authorizer")
		got := map[string]int{}
		options := map[string]int{}
		public := map[string]bool{}
		for _, r := range routes.Enabled(s.stage.Features()) {
			public[r.Method+" "+r.Path] = r.Public
		}
		for _, m := range s.resources("AWS::ApiGateway::Method") {
			p := props(m)
			key := methodPath(paths, m)
			if p["HttpMethod"] == "OPTIONS" {
				options[strings.TrimPrefix(key, "OPTIONS ")]++
				if p["AuthorizationType"] != "NONE" || p["AuthorizerId"] != nil {
					t.Errorf("%s has authorization %v / authorizer %v: preflights must not be authorized", key, p["AuthorizationType"], p["AuthorizerId"])
				}
				continue
			}
			got[key]++
			if public[key] {
				if p["AuthorizationType"] != "NONE" || p["AuthorizerId"] != nil {
					t.Errorf("%s is public but has authorization %v / authorizer %v", key, p["AuthorizationType"], p["AuthorizerId"])
				}
			} else if p["AuthorizationType"] != "CUSTOM" || !refersTo(p["AuthorizerId"], authorizer) {
				t.Errorf("%s is not behind the TOKEN authorizer (%v)", key, p["AuthorizationType"])
			}
			if get(p, "Integration", "Type") != "AWS_PROXY" {
				t.Errorf("%s integration %v, want AWS_PROXY", key, get(p, "Integration", "Type"))
			}
		}
		want := map[string]int{}
		for _, r := range routes.Enabled(s.stage.Features()) {
			want[r.Method+" "+r.Path]++
		}
		if len(got) != len(want) {
			t.Errorf("methods %v, want %v", got, want)
		}
		for k := range want {
			if got[k] != 1 {
				t.Errorf("%s: %d methods, want exactly 1", k, got[k])
			}
		}
		for _, r := range routes.ResourcesIn(s.stage.Features()) {
			if options[r] != 1 {
				t.Errorf("%s: %d OPTIONS methods, want 1", r, options[r])
			}
		}
		if len(options) != len(routes.ResourcesIn(s.stage.Features())) {
			t.Errorf("OPTIONS on %v, want on every resource %v", options, routes.ResourcesIn(s.stage.Features()))
		}
	})
}

func TestMethodsInvokeTheirFunction(t *testing.T) {
	s := synth(t, "dev")
	paths := resourcePaths(t, s)
	byRoute := map[string]string{}
	for _, r := range routes.All() {
		byRoute[r.Method+" "+r.Path] = r.Function
	}
	for _, m := range s.resources("AWS::ApiGateway::Method") {
		key := methodPath(paths, m)
		fn, ok := byRoute[key]
		if !ok {
			continue
		}
		t.Run(key, func(t *testing.T) {
			p := props(m)
			fnID := s.idWithPrefix(t, "AWS::Lambda::Function", constructID(fn)+"Function")
			if !refersTo(get(p, "Integration", "Uri"), fnID) {
				t.Errorf("integration does not invoke %s", fn)
			}
			for name, r := range byRoute {
				if name == key || r == fn {
					continue
				}
				if other := s.idWithPrefix(t, "AWS::Lambda::Function", constructID(r)+"Function"); refersTo(get(p, "Integration", "Uri"), other) {
					t.Errorf("integration also invokes %s", r)
				}
			}
			for _, seg := range strings.Split(strings.SplitN(key, " ", 2)[1], "/") {
				if strings.HasPrefix(seg, "{") {
					param := "method.request.path." + strings.Trim(seg, "{}")
					if get(p, "RequestParameters", param) != true {
						t.Errorf("path parameter %s is not required", param)
					}
				}
			}
		})
	}
}

func TestPreflightAnswersCORS(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		paths := resourcePaths(t, s)
		dist := s.onlyID(t, "AWS::CloudFront::Distribution")
		methodsOf := map[string][]string{}
		for _, r := range routes.All() {
			methodsOf[r.Path] = append(methodsOf[r.Path], r.Method)
		}
		for _, m := range s.resources("AWS::ApiGateway::Method") {
			p := props(m)
			if p["HttpMethod"] != "OPTIONS" {
				continue
			}
			path := strings.TrimPrefix(methodPath(paths, m), "OPTIONS ")
			if get(p, "Integration", "Type") != "MOCK" {
				t.Errorf("%s: preflight integration %v, want MOCK", path, get(p, "Integration", "Type"))
			}
			rp, _ := get(p, "Integration", "IntegrationResponses", 0, "ResponseParameters").(map[string]any)
			origin := rp["method.response.header.Access-Control-Allow-Origin"]
			if !refersTo(origin, dist) || !strings.Contains(asJSON(origin), "'https://") {
				t.Errorf("%s: Allow-Origin %s is not the distribution's https origin", path, asJSON(origin))
			}
			if h := rp["method.response.header.Access-Control-Allow-Headers"]; h != "'Authorization,Content-Type'" {
				t.Errorf("%s: Allow-Headers %v", path, h)
			}
			want := append([]string{"OPTIONS"}, methodsOf[path]...)
			sort.Strings(want)
			if got := rp["method.response.header.Access-Control-Allow-Methods"]; got != "'"+strings.Join(want, ",")+"'" {
				t.Errorf("%s: Allow-Methods %v, want %v", path, got, want)
			}
			declared, _ := get(p, "MethodResponses", 0, "ResponseParameters").(map[string]any)
			for k := range rp {
				if declared[k] != true {
					t.Errorf("%s: %s not declared in the method response", path, k)
				}
			}
		}
	})
}

func TestGatewayResponsesCarryCORSAndErrorShape(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		dist := s.onlyID(t, "AWS::CloudFront::Distribution")
		byType := map[string]map[string]any{}
		for _, r := range s.resources("AWS::ApiGateway::GatewayResponse") {
			p := props(r)
			byType[p["ResponseType"].(string)] = p
		}
		for _, typ := range []string{"UNAUTHORIZED", "ACCESS_DENIED", "DEFAULT_4XX", "DEFAULT_5XX", "THROTTLED", "MISSING_AUTHENTICATION_TOKEN"} {
			p, ok := byType[typ]
			if !ok {
				t.Errorf("no gateway response for %s", typ)
				continue
			}
			origin := get(p, "ResponseParameters", "gatewayresponse.header.Access-Control-Allow-Origin")
			if !refersTo(origin, dist) {
				t.Errorf("%s: Allow-Origin %s is not the distribution", typ, asJSON(origin))
			}
			if h := get(p, "ResponseParameters", "gatewayresponse.header.Access-Control-Allow-Headers"); h != "'Authorization,Content-Type'" {
				t.Errorf("%s: Allow-Headers %v", typ, h)
			}
			tmpl, _ := get(p, "ResponseTemplates", "application/json").(string)
			if !strings.Contains(tmpl, "$context.error.messageString") {
				t.Errorf("%s: template %q does not carry the error message", typ, tmpl)
			}
			var body struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			rendered := strings.ReplaceAll(tmpl, "$context.error.messageString", `"Unauthorized"`)
			if err := json.Unmarshal([]byte(rendered), &body); err != nil || body.Error.Code == "" || body.Error.Message != "Unauthorized" {
				t.Errorf("%s: rendered template %q is not {\"error\":{\"code\",\"message\"}}: %v", typ, rendered, err)
			}
		}
		if code := get(byType["MISSING_AUTHENTICATION_TOKEN"], "StatusCode"); code != "404" {
			t.Errorf("unknown routes answer %v, want 404", code)
		}
	})
}

func TestAPIStageSettings(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		stage := props(s.resource(t, s.onlyID(t, "AWS::ApiGateway::Stage")))
		if stage["StageName"] != s.stage.Name {
			t.Errorf("stage name %v", stage["StageName"])
		}
		if stage["TracingEnabled"] != true {
			t.Error("X-Ray tracing off")
		}
		var ms map[string]any
		for _, m := range get(stage, "MethodSettings").([]any) {
			if get(m, "ResourcePath") == "/*" {
				ms, _ = m.(map[string]any)
			}
		}
		want := map[string]any{
			"LoggingLevel":         "INFO",
			"MetricsEnabled":       true,
			"DataTraceEnabled":     s.stage.Name == "dev",
			"ThrottlingRateLimit":  s.stage.ThrottleRate,
			"ThrottlingBurstLimit": float64(s.stage.ThrottleBurst),
			"HttpMethod":           "*",
			"ResourcePath":         "/*",
		}
		for k, v := range want {
			if ms[k] != v {
				t.Errorf("method settings %s = %v, want %v", k, ms[k], v)
			}
		}
		logGroup := get(stage, "AccessLogSetting", "DestinationArn", "Fn::GetAtt", 0).(string)
		if r := props(s.resource(t, logGroup)); r["RetentionInDays"] == nil {
			t.Error("access log group has no retention")
		}
		format, _ := get(stage, "AccessLogSetting", "Format").(string)
		var fields map[string]string
		if err := json.Unmarshal([]byte(format), &fields); err != nil {
			t.Fatalf("access log format is not JSON: %v", err)
		}
		for k, v := range map[string]string{
			"principalId":       "$context.authorizer.principalId",
			"status":            "$context.status",
			"responseLatency":   "$context.responseLatency",
			"authorizerLatency": "$context.authorizer.latency",
			"authorizerError":   "$context.authorizer.error",
			"requestId":         "$context.requestId",
			"ip":                "$context.identity.sourceIp",
		} {
			if fields[k] != v {
				t.Errorf("access log %s = %q, want %q", k, fields[k], v)
			}
		}
		if strings.Contains(strings.ToLower(format), "authorization") || strings.Contains(format, "$method.request") {
			t.Error("access log format includes request headers")
		}
		s.template.ResourceCountIs(jsii.String("AWS::ApiGateway::Account"), jsii.Number(1))
		s.template.HasResourceProperties(jsii.String("AWS::ApiGateway::RestApi"), map[string]any{
			"Name":                  "camvault-" + s.stage.Name,
			"EndpointConfiguration": map[string]any{"Types": []any{"REGIONAL"}},
		})
		s.template.HasResourceProperties(jsii.String("AWS::ApiGateway::RequestValidator"), map[string]any{
			"ValidateRequestParameters": true,
		})
		s.template.HasResourceProperties(jsii.String("AWS::IAM::Role"), assertions.Match_ObjectLike(&map[string]any{
			"AssumeRolePolicyDocument": assertions.Match_ObjectLike(&map[string]any{
				"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
					"Principal": map[string]any{"Service": "apigateway.amazonaws.com"},
				})}),
			}),
		}))
	})
}

// TestChangedStage synthesizes dev once more with a longer authorizer cache
// TTL and alarm emails. A change to the authorizer must make a new API
// deployment (without one the stage keeps serving the old settings), and
// every alarm email gets a subscription.
func TestChangedStage(t *testing.T) {
	dev := synth(t, "dev")
	changed := dev.stage
	changed.CacheTTL *= 2
	changed.AlarmEmails = []string{"ops@example.com", "oncall@example.com"}
	buildDir, webDir := fakeAssets(t)
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(filepath.Join(filepath.Dir(buildDir), "cdk.out"))})
	stack, err := NewCamvaultStack(app, "camvault-dev", &CamvaultStackProps{Stage: changed, BuildDir: buildDir, WebDir: webDir})
	if err != nil {
		t.Fatal(err)
	}
	other := &synthesized{}
	raw, _ := json.Marshal(assertions.Template_FromStack(stack, nil).ToJSON())
	if err := json.Unmarshal(raw, &other.doc); err != nil {
		t.Fatal(err)
	}
	t.Run("authorizer change redeploys", func(t *testing.T) {
		before, after := dev.onlyID(t, "AWS::ApiGateway::Deployment"), other.onlyID(t, "AWS::ApiGateway::Deployment")
		if before == after {
			t.Fatalf("deployment %s unchanged after the authorizer's TTL changed", before)
		}
	})
	t.Run("alarm emails subscribed", func(t *testing.T) {
		topic := other.onlyID(t, "AWS::SNS::Topic")
		got := map[string]bool{}
		for _, sub := range other.resources("AWS::SNS::Subscription") {
			p := props(sub)
			if p["Protocol"] == "email" && refersTo(p["TopicArn"], topic) {
				got[p["Endpoint"].(string)] = true
			}
		}
		if len(got) != 2 || !got["ops@example.com"] || !got["oncall@example.com"] {
			t.Fatalf("email subscriptions %v", got)
		}
	})
}
