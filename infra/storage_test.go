package main

import (
	"strings"
	"testing"
)

func TestTables(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		videosID := s.idWithPrefix(t, "AWS::DynamoDB::Table", "VideosTable")
		allowID := s.idWithPrefix(t, "AWS::DynamoDB::Table", "AllowlistTable")
		wantPolicy := "Delete"
		if s.stage.Name == "prod" {
			wantPolicy = "Retain"
		}
		for _, id := range []string{videosID, allowID} {
			r := s.resource(t, id)
			p := props(r)
			if p["BillingMode"] != "PAY_PER_REQUEST" {
				t.Errorf("%s billing %v", id, p["BillingMode"])
			}
			if get(p, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled") != true {
				t.Errorf("%s has no point-in-time recovery", id)
			}
			if got, _ := p["DeletionProtectionEnabled"].(bool); got != (s.stage.Name == "prod") {
				t.Errorf("%s deletion protection %v", id, p["DeletionProtectionEnabled"])
			}
			if r["DeletionPolicy"] != wantPolicy || r["UpdateReplacePolicy"] != wantPolicy {
				t.Errorf("%s deletion/replace policy %v/%v, want %s", id, r["DeletionPolicy"], r["UpdateReplacePolicy"], wantPolicy)
			}
		}
		v := props(s.resource(t, videosID))
		if got := asJSON(v["KeySchema"]); got != `[{"AttributeName":"PK","KeyType":"HASH"},{"AttributeName":"SK","KeyType":"RANGE"}]` {
			t.Errorf("videos key schema %s", got)
		}
		if get(v, "TimeToLiveSpecification", "AttributeName") != "expiresAt" || get(v, "TimeToLiveSpecification", "Enabled") != true {
			t.Errorf("videos TTL %s", asJSON(v["TimeToLiveSpecification"]))
		}
		gsi := get(v, "GlobalSecondaryIndexes", 0)
		if get(gsi, "IndexName") != "timeline" || asJSON(get(gsi, "KeySchema")) != `[{"AttributeName":"GSI1PK","KeyType":"HASH"},{"AttributeName":"GSI1SK","KeyType":"RANGE"}]` ||
			get(gsi, "Projection", "ProjectionType") != "ALL" {
			t.Errorf("timeline index %s", asJSON(gsi))
		}
		for _, attr := range []string{"PK", "SK", "GSI1PK", "GSI1SK"} {
			if !strings.Contains(asJSON(v["AttributeDefinitions"]), `{"AttributeName":"`+attr+`","AttributeType":"S"}`) {
				t.Errorf("attribute %s is not a string", attr)
			}
		}
		a := props(s.resource(t, allowID))
		if got := asJSON(a["KeySchema"]); got != `[{"AttributeName":"subject","KeyType":"HASH"}]` {
			t.Errorf("allowlist key schema %s", got)
		}
	})
}

func TestBucketsAreLockedDown(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		buckets := s.resources("AWS::S3::Bucket")
		if len(buckets) != 3 {
			t.Fatalf("%d buckets, want clips, web and logs", len(buckets))
		}
		logs := s.idWithPrefix(t, "AWS::S3::Bucket", "LogsBucket")
		for id, b := range buckets {
			p := props(b)
			if asJSON(p["PublicAccessBlockConfiguration"]) != `{"BlockPublicAcls":true,"BlockPublicPolicy":true,"IgnorePublicAcls":true,"RestrictPublicBuckets":true}` {
				t.Errorf("%s public access block %s", id, asJSON(p["PublicAccessBlockConfiguration"]))
			}
			if get(p, "BucketEncryption", "ServerSideEncryptionConfiguration", 0, "ServerSideEncryptionByDefault", "SSEAlgorithm") != "AES256" {
				t.Errorf("%s not encrypted", id)
			}
			if p["AccessControl"] != nil {
				t.Errorf("%s uses the deprecated canned ACL %v", id, p["AccessControl"])
			}
			if id != logs && !refersTo(get(p, "LoggingConfiguration", "DestinationBucketName"), logs) {
				t.Errorf("%s has no server access logs to the logs bucket", id)
			}
			enforced := false
			for _, bp := range s.resources("AWS::S3::BucketPolicy") {
				if !refersTo(get(props(bp), "Bucket"), id) {
					continue
				}
				stmts, _ := get(props(bp), "PolicyDocument", "Statement").([]any)
				for _, st := range stmts {
					if get(st, "Effect") == "Deny" && get(st, "Condition", "Bool", "aws:SecureTransport") == "false" {
						enforced = true
					}
				}
			}
			if !enforced {
				t.Errorf("%s does not deny plain HTTP", id)
			}
		}
		logDelivery := false
		for _, bp := range s.resources("AWS::S3::BucketPolicy") {
			if refersTo(get(props(bp), "Bucket"), logs) && strings.Contains(asJSON(get(props(bp), "PolicyDocument")), `"Service":"logging.s3.amazonaws.com"`) {
				logDelivery = true
			}
		}
		if !logDelivery {
			t.Error("the logs bucket's policy does not let S3 deliver server access logs")
		}
	})
}

func TestClipsBucket(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		id := s.idWithPrefix(t, "AWS::S3::Bucket", "ClipsBucket")
		r := s.resource(t, id)
		p := props(r)
		want := "Delete"
		if s.stage.Name == "prod" {
			want = "Retain"
		}
		if r["DeletionPolicy"] != want {
			t.Errorf("deletion policy %v, want %s", r["DeletionPolicy"], want)
		}
		// Kept clips survive: the only expiring rule takes objects tagged
		// retention=standard, never those tagged kept (or untagged).
		rules, _ := get(p, "LifecycleConfiguration", "Rules").([]any)
		var expiring int
		for _, rule := range rules {
			if get(rule, "Status") != "Enabled" || get(rule, "Prefix") != "clips/" {
				t.Errorf("lifecycle rule %s, want enabled on clips/", asJSON(rule))
			}
			if get(rule, "ExpirationInDays") == nil && get(rule, "ExpirationDate") == nil {
				continue
			}
			expiring++
			if get(rule, "ExpirationInDays") != float64(s.stage.RetentionDays) ||
				asJSON(get(rule, "TagFilters")) != `[{"Key":"retention","Value":"standard"}]` {
				t.Errorf("expiring rule %s, want clips/ tagged retention=standard after %d days", asJSON(rule), s.stage.RetentionDays)
			}
		}
		if expiring != 1 {
			t.Errorf("%d expiring lifecycle rules, want 1: %s", expiring, asJSON(rules))
		}
		cors := get(p, "CorsConfiguration", "CorsRules", 0)
		if asJSON(get(cors, "AllowedMethods")) != `["GET","HEAD"]` || !refersTo(get(cors, "AllowedOrigins"), s.onlyID(t, "AWS::CloudFront::Distribution")) {
			t.Errorf("CORS %s, want GET/HEAD from the web origin only", asJSON(cors))
		}
		if n := len(get(cors, "AllowedOrigins").([]any)); n != 1 {
			t.Errorf("%d CORS origins", n)
		}
		if !strings.Contains(asJSON(p["BucketName"]), `"camvault-`+s.stage.Name+`-clips-"`) {
			t.Errorf("bucket name %s", asJSON(p["BucketName"]))
		}

		ingest := s.idWithPrefix(t, "AWS::Lambda::Function", "IngestFunction")
		var found bool
		for _, n := range s.resources("Custom::S3BucketNotifications") {
			np := props(n)
			if !refersTo(np["BucketName"], id) {
				continue
			}
			cfg := get(np, "NotificationConfiguration", "LambdaFunctionConfigurations", 0)
			found = refersTo(get(cfg, "LambdaFunctionArn"), ingest) &&
				asJSON(get(cfg, "Events")) == `["s3:ObjectCreated:*"]` &&
				asJSON(get(cfg, "Filter", "Key", "FilterRules")) == `[{"Name":"prefix","Value":"clips/"}]`
			if !found {
				t.Errorf("notification %s", asJSON(cfg))
			}
		}
		if !found {
			t.Error("no ObjectCreated notification from clips/ to ingest")
		}
	})
}

// ownPrefix is how the templates spell a camera's own objects.
const ownPrefix = `"/clips/${aws:PrincipalTag/camvault-camera}/*"]]}`

// TestCameraUploadPolicy: a camera's IAM user may only create objects
// under clips/{its camvault-camera tag}/, and only with If-None-Match.
func TestCameraUploadPolicy(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		p := props(s.resource(t, s.onlyID(t, "AWS::IAM::ManagedPolicy")))
		stmts, _ := get(p, "PolicyDocument", "Statement").([]any)
		if len(stmts) != 1 {
			t.Fatalf("statements %s", asJSON(stmts))
		}
		st := stmts[0]
		res := get(st, "Resource")
		if get(st, "Effect") != "Allow" || asJSON(get(st, "Action")) != `"s3:PutObject"` ||
			!refersTo(res, s.idWithPrefix(t, "AWS::S3::Bucket", "ClipsBucket")) || !strings.HasSuffix(asJSON(res), ownPrefix) {
			t.Errorf("camera policy %s, want s3:PutObject on clips/${aws:PrincipalTag/camvault-camera}/* only", asJSON(st))
		}
		if asJSON(get(st, "Condition")) != `{"Null":{"s3:if-none-match":"false"}}` {
			t.Errorf("camera policy condition %s, want If-None-Match required", asJSON(get(st, "Condition")))
		}
		for _, key := range []string{"Roles", "Users", "Groups"} {
			if p[key] != nil {
				t.Errorf("camera policy is attached to %s %s by the stack", key, asJSON(p[key]))
			}
		}
	})
}

// TestClipsBucketPolicyHoldsCameras: whatever IAM policy a principal has,
// the clips bucket refuses a write under clips/ without If-None-Match, and
// refuses a camera principal anything but creating under its own prefix.
func TestClipsBucketPolicyHoldsCameras(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		clips := s.idWithPrefix(t, "AWS::S3::Bucket", "ClipsBucket")
		var stmts []any
		for _, bp := range s.resources("AWS::S3::BucketPolicy") {
			if refersTo(get(props(bp), "Bucket"), clips) {
				stmts, _ = get(props(bp), "PolicyDocument", "Statement").([]any)
			}
		}
		bySid := map[string]any{}
		for _, st := range stmts {
			if sid, ok := get(st, "Sid").(string); ok {
				bySid[sid] = st
			}
		}
		cameraOnly := `{"Null":{"aws:PrincipalTag/camvault-camera":"false"}}`
		tests := []struct {
			sid, field, wantField, cond string
			resource                    func(string) bool
		}{
			{"DenyOverwritingClips", "Action", `"s3:PutObject"`, `{"Bool":{"s3:ObjectCreationOperation":"true"},"Null":{"s3:if-none-match":"true"}}`,
				func(r string) bool { return strings.HasSuffix(r, `"/clips/*"]]}`) }},
			{"DenyCamerasOtherPrefixes", "Action", `"s3:PutObject"`, cameraOnly,
				func(r string) bool { return strings.HasSuffix(r, ownPrefix) }},
			{"DenyCamerasAllButCreate", "NotAction", `"s3:PutObject"`, cameraOnly,
				func(r string) bool {
					return strings.Contains(r, `"Arn"]},"/*"]]}`) && strings.HasPrefix(r, `[{"Fn::GetAtt"`)
				}},
		}
		for _, tt := range tests {
			st, ok := bySid[tt.sid]
			if !ok {
				t.Errorf("clips bucket policy has no %s statement: %s", tt.sid, asJSON(stmts))
				continue
			}
			res := get(st, "Resource")
			if tt.sid == "DenyCamerasOtherPrefixes" {
				res = get(st, "NotResource")
			}
			if get(st, "Effect") != "Deny" || asJSON(get(st, "Principal")) != `{"AWS":"*"}` ||
				asJSON(get(st, tt.field)) != tt.wantField || asJSON(get(st, "Condition")) != tt.cond ||
				!refersTo(res, clips) || !tt.resource(asJSON(res)) {
				t.Errorf("%s = %s", tt.sid, asJSON(st))
			}
		}
	})
}

// TestClipsBucketKeepsVersions: versioning on, and a replaced or deleted
// clip's old version is kept for the retention period, then removed with
// its delete marker.
func TestClipsBucketKeepsVersions(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		p := props(s.resource(t, s.idWithPrefix(t, "AWS::S3::Bucket", "ClipsBucket")))
		if get(p, "VersioningConfiguration", "Status") != "Enabled" {
			t.Errorf("versioning %s, want Enabled", asJSON(p["VersioningConfiguration"]))
		}
		rules, _ := get(p, "LifecycleConfiguration", "Rules").([]any)
		var noncurrent, markers bool
		for _, r := range rules {
			if get(r, "Prefix") != "clips/" || get(r, "Status") != "Enabled" {
				continue
			}
			if get(r, "NoncurrentVersionExpiration", "NoncurrentDays") == float64(s.stage.RetentionDays) {
				noncurrent = true
			}
			if get(r, "ExpiredObjectDeleteMarker") == true {
				markers = true
			}
		}
		if !noncurrent || !markers {
			t.Errorf("lifecycle rules %s, want noncurrent clips/ versions expiring after %d days and expired delete markers removed", asJSON(rules), s.stage.RetentionDays)
		}
	})
}
