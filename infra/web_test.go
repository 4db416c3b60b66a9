package main

import (
	"encoding/json"
	"os"
	"path/filepath"
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
