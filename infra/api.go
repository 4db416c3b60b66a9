package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/camvault/camvault/videos-api/routes"
)

// TokenValidationRegex is the TOKEN authorizer's identity validation
// expression. API Gateway matches the whole Authorization header against it
// (Java regular expressions) and answers 401 without invoking the Lambda when
// it does not match. It admits "Bearer <jwt>" with the scheme in any case and
// one or more spaces, or a bare JWT, where a JWT is three base64url segments:
// what the authorizer's own header parsing accepts. Only character classes
// are used, so Java, JavaScript and Go's RE2 read it alike.
const TokenValidationRegex = `^([Bb][Ee][Aa][Rr][Ee][Rr] +)?[A-Za-z0-9_-]+[.][A-Za-z0-9_-]+[.][A-Za-z0-9_-]+$`

// CORSAllowHeaders are the request headers the web client may send.
const CORSAllowHeaders = "Authorization,Content-Type"

// accessLogFormat is the API stage's JSON access log line. It never contains
// the Authorization header, only who the authorizer said the caller is.
const accessLogFormat = `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",` +
	`"requestTime":"$context.requestTime","httpMethod":"$context.httpMethod",` +
	`"resourcePath":"$context.resourcePath","path":"$context.path","status":"$context.status",` +
	`"responseLength":"$context.responseLength","responseLatency":"$context.responseLatency",` +
	`"integrationLatency":"$context.integrationLatency","principalId":"$context.authorizer.principalId",` +
	`"authorizerLatency":"$context.authorizer.latency","authorizerStatus":"$context.authorizer.status",` +
	`"authorizerError":"$context.authorizer.error","responseType":"$context.error.responseType",` +
	`"errorMessage":"$context.error.message","userAgent":"$context.identity.userAgent",` +
	`"xrayTraceId":"$context.xrayTraceId"}`

// gatewayErrors are API Gateway's own answers, rewritten to the API's error (docs/api.md)
// shape and given CORS headers so the browser can read them (a 401 without
// them looks like a CORS failure, not "signed out").
var gatewayErrors = []struct {
	id     string
	kind   awsapigateway.ResponseType
	status string // empty: API Gateway's default for the type
	code   string
}{
	{"Unauthorized", awsapigateway.ResponseType_UNAUTHORIZED(), "", "unauthorized"},
	{"AccessDenied", awsapigateway.ResponseType_ACCESS_DENIED(), "", "forbidden"},
	// API Gateway answers an unknown path or method with a 403 "Missing
	// Authentication Token"; it is a 404.
	{"UnknownRoute", awsapigateway.ResponseType_MISSING_AUTHENTICATION_TOKEN(), "404", "not_found"},
	{"Throttled", awsapigateway.ResponseType_THROTTLED(), "", "throttled"},
	{"Default4xx", awsapigateway.ResponseType_DEFAULT_4XX(), "", "bad_request"},
	{"Default5xx", awsapigateway.ResponseType_DEFAULT_5XX(), "", "internal"},
}

// restAPI is the stage's REST API and what others need of it.
type restAPI struct {
	rest awsapigateway.RestApi
	// url is the invoke URL with the stage, no trailing slash, built from the
	// API id so that it can be used where the deployment cannot be.
	url string
	// origin is https://<id>.execute-api.<region>.<suffix>, for the CSP.
	origin     string
	accessLogs awslogs.LogGroup
	authorizer awsapigateway.TokenAuthorizer
	// methods are the route table's methods, keyed "GET /me".
	methods map[string]awsapigateway.Method
}

func newRestAPI(stack awscdk.Stack, st Stage) *restAPI {
	a := &restAPI{methods: map[string]awsapigateway.Method{}}
	a.accessLogs = awslogs.NewLogGroup(stack, jsii.String("ApiAccessLogs"), &awslogs.LogGroupProps{
		Retention:     st.LogRetention,
		RemovalPolicy: removalPolicy(st),
	})
	a.rest = awsapigateway.NewRestApi(stack, jsii.String("Api"), &awsapigateway.RestApiProps{
		RestApiName:    jsii.String(StackName(st.Name)),
		Description:    jsii.String("camvault " + st.Name + ": cameras and clips"),
		EndpointTypes:  &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL},
		CloudWatchRole: jsii.Bool(true),
		Deploy:         jsii.Bool(true),
		DeployOptions: &awsapigateway.StageOptions{
			StageName:            jsii.String(st.Name),
			LoggingLevel:         awsapigateway.MethodLoggingLevel_INFO,
			DataTraceEnabled:     jsii.Bool(st.DataTrace),
			MetricsEnabled:       jsii.Bool(true),
			TracingEnabled:       jsii.Bool(true),
			AccessLogDestination: awsapigateway.NewLogGroupLogDestination(a.accessLogs),
			AccessLogFormat:      awsapigateway.AccessLogFormat_Custom(jsii.String(accessLogFormat)),
			ThrottlingRateLimit:  jsii.Number(st.ThrottleRate),
			ThrottlingBurstLimit: jsii.Number(float64(st.ThrottleBurst)),
			MethodOptions:        publicMethodOptions(st),
		},
	})
	a.url = fmt.Sprintf("https://%s.execute-api.%s.%s/%s", *a.rest.RestApiId(), *stack.Region(), *stack.UrlSuffix(), st.Name)
	a.origin = fmt.Sprintf("https://%s.execute-api.%s.%s", *a.rest.RestApiId(), *stack.Region(), *stack.UrlSuffix())
	return a
}

// addRoutes creates the resources and methods of the route table, each
// behind the TOKEN authorizer, the CORS preflight on every resource, and the
// gateway responses.
func (a *restAPI) addRoutes(stack awscdk.Stack, st Stage, fns *functions, webOrigin string) {
	a.authorizer = awsapigateway.NewTokenAuthorizer(stack, jsii.String("GoogleTokenAuthorizer"), &awsapigateway.TokenAuthorizerProps{
		AuthorizerName:  jsii.String(StackName(st.Name) + "-google"),
		Handler:         fns.authorizer(),
		IdentitySource:  awsapigateway.IdentitySource_Header(jsii.String("Authorization")),
		ValidationRegex: jsii.String(TokenValidationRegex),
		ResultsCacheTtl: awscdk.Duration_Seconds(jsii.Number(st.CacheTTL.Seconds())),
	})
	validator := a.rest.AddRequestValidator(jsii.String("PathParameters"), &awsapigateway.RequestValidatorOptions{
		RequestValidatorName:      jsii.String("path-parameters"),
		ValidateRequestParameters: jsii.Bool(true),
		// No route takes a body or declares a model, so body validation
		// checks nothing today; it is on so that a future model is enforced.
		ValidateRequestBody: jsii.Bool(true),
	})

	resources := map[string]awsapigateway.IResource{"/": a.rest.Root()}
	for _, p := range routes.ResourcesIn(st.Features()) {
		i := strings.LastIndex(p, "/")
		parent := p[:i]
		if parent == "" {
			parent = "/"
		}
		resources[p] = resources[parent].AddResource(jsii.String(p[i+1:]), nil)
	}

	methodsOf := map[string][]string{}
	integrations := map[string]awsapigateway.LambdaIntegration{}
	for _, r := range routes.Enabled(st.Features()) {
		integ, ok := integrations[r.Function]
		if !ok {
			integ = awsapigateway.NewLambdaIntegration(fns.byName[r.Function], &awsapigateway.LambdaIntegrationOptions{
				Proxy:           jsii.Bool(true),
				AllowTestInvoke: jsii.Bool(false),
			})
			integrations[r.Function] = integ
		}
		params := map[string]*bool{}
		for _, seg := range strings.Split(r.Path, "/") {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				params["method.request.path."+seg[1:len(seg)-1]] = jsii.Bool(true)
			}
		}
		opts := &awsapigateway.MethodOptions{
			AuthorizationType: awsapigateway.AuthorizationType_CUSTOM,
			Authorizer:        a.authorizer,
			OperationName:     jsii.String(r.OperationID),
			RequestParameters: &params,
			RequestValidator:  validator,
		}
		if r.Public {
			// Like OPTIONS: no authorizer; the stage throttles it on its
			// own (publicMethodOptions).
			opts.AuthorizationType = awsapigateway.AuthorizationType_NONE
			opts.Authorizer = nil
		}
		a.methods[r.Method+" "+r.Path] = resources[r.Path].AddMethod(jsii.String(r.Method), integ, opts)
		methodsOf[r.Path] = append(methodsOf[r.Path], r.Method)
	}

	for _, p := range routes.ResourcesIn(st.Features()) {
		methods := append([]string{"OPTIONS"}, methodsOf[p]...)
		sort.Strings(methods)
		addPreflight(resources[p], webOrigin, strings.Join(methods, ","))
	}

	for _, ge := range gatewayErrors {
		opts := &awsapigateway.GatewayResponseOptions{
			Type:            ge.kind,
			ResponseHeaders: corsHeaders(webOrigin),
			Templates: &map[string]*string{
				"application/json": jsii.String(`{"error":{"code":"` + ge.code + `","message":$context.error.messageString}}`),
			},
		}
		if ge.status != "" {
			opts.StatusCode = jsii.String(ge.status)
		}
		a.rest.AddGatewayResponse(jsii.String(ge.id), opts)
	}
}

// publicMethodOptions are the stage settings of the routes without an
// authorizer (the share-link route): their own throttle, well below the
// stage's, and no data trace (the body holds a share token).
func publicMethodOptions(st Stage) *map[string]*awsapigateway.MethodDeploymentOptions {
	out := map[string]*awsapigateway.MethodDeploymentOptions{}
	for _, r := range routes.Enabled(st.Features()) {
		if r.Public {
			out[r.Path+"/"+r.Method] = &awsapigateway.MethodDeploymentOptions{
				ThrottlingRateLimit:  jsii.Number(st.ShareThrottleRate),
				ThrottlingBurstLimit: jsii.Number(float64(st.ShareThrottleBurst)),
				DataTraceEnabled:     jsii.Bool(false),
			}
		}
	}
	return &out
}

// addPreflight answers OPTIONS on res without an authorizer (a preflight
// never carries credentials) from a mock integration.
func addPreflight(res awsapigateway.IResource, webOrigin, methods string) {
	headers := map[string]string{
		"Access-Control-Allow-Origin":  webOrigin,
		"Access-Control-Allow-Headers": CORSAllowHeaders,
		"Access-Control-Allow-Methods": methods,
		"Access-Control-Max-Age":       "600",
		"Vary":                         "Origin",
	}
	integ := map[string]*string{}
	declared := map[string]*bool{}
	for k, v := range headers {
		integ["method.response.header."+k] = jsii.String("'" + v + "'")
		declared["method.response.header."+k] = jsii.Bool(true)
	}
	res.AddMethod(jsii.String("OPTIONS"), awsapigateway.NewMockIntegration(&awsapigateway.IntegrationOptions{
		PassthroughBehavior: awsapigateway.PassthroughBehavior_NEVER,
		RequestTemplates:    &map[string]*string{"application/json": jsii.String(`{"statusCode": 204}`)},
		IntegrationResponses: &[]*awsapigateway.IntegrationResponse{{
			StatusCode:         jsii.String("204"),
			ResponseParameters: &integ,
		}},
	}), &awsapigateway.MethodOptions{
		AuthorizationType: awsapigateway.AuthorizationType_NONE,
		MethodResponses: &[]*awsapigateway.MethodResponse{{
			StatusCode:         jsii.String("204"),
			ResponseParameters: &declared,
		}},
	})
}

// corsHeaders are the CORS headers of API Gateway's own error responses, as
// the static values GatewayResponses want.
func corsHeaders(webOrigin string) *map[string]*string {
	return &map[string]*string{
		"Access-Control-Allow-Origin":  jsii.String("'" + webOrigin + "'"),
		"Access-Control-Allow-Headers": jsii.String("'" + CORSAllowHeaders + "'"),
		"Vary":                         jsii.String("'Origin'"),
	}
}
