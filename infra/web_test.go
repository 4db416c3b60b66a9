package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestWebDistribution(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		dist := props(s.resource(t, s.onlyID(t, "AWS::CloudFront::Distribution")))
		cfg := get(dist, "DistributionConfig")
		if get(cfg, "DefaultRootObject") != "index.html" {
			t.Errorf("default root object %v", get(cfg, "DefaultRootObject"))
		}
		if get(cfg, "DefaultCacheBehavior", "ViewerProtocolPolicy") != "redirect-to-https" {
			t.Errorf("viewer protocol %v", get(cfg, "DefaultCacheBehavior", "ViewerProtocolPolicy"))
		}
		oac := s.onlyID(t, "AWS::CloudFront::OriginAccessControl")
		origin := get(cfg, "Origins", 0)
		if !refersTo(get(origin, "OriginAccessControlId"), oac) || !refersTo(get(origin, "DomainName"), s.idWithPrefix(t, "AWS::S3::Bucket", "WebBucket")) {
			t.Errorf("origin %s is not the web bucket through origin access control", asJSON(origin))
		}
		if !refersTo(get(cfg, "Logging", "Bucket"), s.idWithPrefix(t, "AWS::S3::Bucket", "LogsBucket")) {
			t.Error("no CloudFront access logs")
		}
		headers := s.onlyID(t, "AWS::CloudFront::ResponseHeadersPolicy")
		if !refersTo(get(cfg, "DefaultCacheBehavior", "ResponseHeadersPolicyId"), headers) {
			t.Error("the security headers policy is not applied")
		}
		sec := get(props(s.resource(t, headers)), "ResponseHeadersPolicyConfig", "SecurityHeadersConfig")
		if get(sec, "FrameOptions", "FrameOption") != "DENY" || get(sec, "ContentTypeOptions", "Override") != true {
			t.Errorf("frame/nosniff %s", asJSON(sec))
		}
		if age, _ := get(sec, "StrictTransportSecurity", "AccessControlMaxAgeSec").(float64); age < 31536000 {
			t.Errorf("HSTS max-age %v", age)
		}
		csp := get(sec, "ContentSecurityPolicy", "ContentSecurityPolicy")
		text := asJSON(csp)
		for _, want := range []string{"default-src 'self'", "https://accounts.google.com/gsi/client", "frame-src https://accounts.google.com/gsi/", "frame-ancestors 'none'", "object-src 'none'", "connect-src 'self' https://", "media-src 'self' https://camvault-" + s.stage.Name + "-clips-"} {
			if !strings.Contains(text, want) {
				t.Errorf("CSP lacks %q: %s", want, text)
			}
		}
		if !refersTo(csp, s.onlyID(t, "AWS::ApiGateway::RestApi")) {
			t.Error("CSP does not allow the API's origin")
		}
		if strings.Contains(text, "unsafe-eval") || strings.Contains(text, "unsafe-inline") || strings.Contains(text, " * ") {
			t.Errorf("CSP too loose: %s", text)
		}
	})
}

func TestWebDeploymentWithConfig(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		dep := props(s.resource(t, s.onlyID(t, "Custom::CDKBucketDeployment")))
		if !refersTo(dep["DestinationBucketName"], s.idWithPrefix(t, "AWS::S3::Bucket", "WebBucket")) {
			t.Error("deployment does not target the web bucket")
		}
		if !refersTo(dep["DistributionId"], s.onlyID(t, "AWS::CloudFront::Distribution")) || asJSON(dep["DistributionPaths"]) != `["/*"]` {
			t.Error("deployment does not invalidate the distribution")
		}
		keys := strs(dep["SourceObjectKeys"])
		if len(keys) != 2 {
			t.Fatalf("sources %v, want web/dist and config.json", keys)
		}
		// The config.json source is staged as an asset directory; its
		// tokens are markers that the deployment replaces.
		matches, _ := filepath.Glob(filepath.Join(s.outdir, "asset.*", "config.json"))
		if len(matches) != 1 {
			t.Fatalf("staged config.json files: %v", matches)
		}
		raw, err := os.ReadFile(matches[0])
		if err != nil {
			t.Fatal(err)
		}
		var cfg map[string]string
		if err := json.Unmarshal(raw, &cfg); err != nil {
			t.Fatalf("config.json %s: %v", raw, err)
		}
		if cfg["stage"] != s.stage.Name || cfg["auth"] != "google" || cfg["clientId"] != s.stage.GoogleClientIDs[0] {
			t.Errorf("config.json %v", cfg)
		}
		if len(cfg) != 4 {
			t.Errorf("config.json keys %v, want stage, apiUrl, auth, clientId", cfg)
		}
		markers, _ := get(dep, "SourceMarkers", 1).(map[string]any)
		url := cfg["apiUrl"]
		for marker, value := range markers {
			if ref, ok := get(value, "Ref").(string); ok {
				url = strings.ReplaceAll(url, marker, "{"+ref+"}")
			}
		}
		api := s.onlyID(t, "AWS::ApiGateway::RestApi")
		if want := "https://{" + api + "}.execute-api.{AWS::Region}.{AWS::URLSuffix}/" + s.stage.Name; url != want {
			t.Errorf("apiUrl %q resolves to %q, want %q", cfg["apiUrl"], url, want)
		}
	})
}

// parseCSP splits a policy into its directives' source lists.
func parseCSP(policy string) map[string][]string {
	out := map[string][]string{}
	for _, d := range strings.Split(policy, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out[f[0]] = f[1:]
		}
	}
	return out
}

// flatten renders a template string value (a plain string or an Fn::Join of
// strings and references) with every reference as TOKEN.
func flatten(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	parts, _ := get(v, "Fn::Join", 1).([]any)
	sep, _ := get(v, "Fn::Join", 0).(string)
	var b []string
	for _, p := range parts {
		if s, ok := p.(string); ok {
			b = append(b, s)
		} else {
			b = append(b, "TOKEN")
		}
	}
	return strings.Join(b, sep)
}

var metaCSP = regexp.MustCompile(`(?s)http-equiv="Content-Security-Policy"\s+content="([^"]+)"`)

// TestCSPMatchesWebClient compares the CloudFront header with the policy in
// web/index.html's meta tag. A browser enforces both, so the stricter wins
// per directive: a header source the page does not allow would only mislead
// a reader (that is how style-src 'unsafe-inline' crept in), and a header
// missing a fixed source the page needs (Google's gsi/style) would break
// sign-in in AWS only. So the header must be within the page's policy
// everywhere, equal to it where the page names exact sources, and may only
// narrow the page's https: (any host, for local and any stage) to this
// stage's API and clips bucket.
func TestCSPMatchesWebClient(t *testing.T) {
	html, err := os.ReadFile(filepath.Join("..", "web", "index.html"))
	if err != nil {
		t.Fatalf("the web client's CSP: %v", err)
	}
	m := metaCSP.FindSubmatch(html)
	if m == nil {
		t.Fatal("web/index.html has no Content-Security-Policy meta tag")
	}
	page := parseCSP(string(m[1]))
	// Directives a meta tag cannot carry, or that only make sense in a
	// header.
	headerOnly := map[string]bool{"frame-ancestors": true, "upgrade-insecure-requests": true}
	allStages(t, func(t *testing.T, s *synthesized) {
		sec := get(props(s.resource(t, s.onlyID(t, "AWS::CloudFront::ResponseHeadersPolicy"))), "ResponseHeadersPolicyConfig", "SecurityHeadersConfig")
		header := parseCSP(flatten(get(sec, "ContentSecurityPolicy", "ContentSecurityPolicy")))
		for d := range page {
			if _, ok := header[d]; !ok {
				t.Errorf("header lacks %s (page: %v)", d, page[d])
			}
		}
		for d, srcs := range header {
			want, ok := page[d]
			if !ok {
				if !headerOnly[d] {
					t.Errorf("header has %s, the page does not", d)
				}
				continue
			}
			anyHTTPS := slices.Contains(want, "https:")
			for _, src := range srcs {
				if slices.Contains(want, src) {
					continue
				}
				// https: narrowed to this stage's API or clips bucket (a
				// reference in the template), Google Identity Services or
				// Google's profile pictures.
				stageHost := strings.Contains(src, "TOKEN") || strings.HasPrefix(src, "https://camvault-"+s.stage.Name+"-clips-") ||
					src == googleSignIn || src == "https://*.googleusercontent.com"
				if !anyHTTPS || !strings.HasPrefix(src, "https://") || !stageHost {
					t.Errorf("%s: header allows %s, the page does not: %v", d, src, want)
				}
			}
			for _, src := range want {
				local := strings.HasPrefix(src, "http://127.0.0.1") || strings.HasPrefix(src, "http://localhost")
				narrowed := anyHTTPS && (src == "https:" || src == "blob:" || local)
				if !narrowed && !slices.Contains(srcs, src) {
					t.Errorf("%s: header lacks %s, which the page needs: header %v", d, src, srcs)
				}
			}
		}
		if got := strings.Join(header["style-src"], " "); got != "'self' "+googleSignIn+"style" {
			t.Errorf("style-src %q, want Google's documented GIS policy", got)
		}
	})
}
