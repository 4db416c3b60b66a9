package main

import (
	"testing"

	"github.com/camvault/camvault/videos-api/routes"
)

// TestConsoleMetrics: every function behind the authorizer counts the
// requests a revocation refused, and ingest counts uploads of disabled
// cameras, from their own log groups, in the stage's namespace.
func TestConsoleMetrics(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		byLogGroup := map[string]map[string]any{}
		for _, f := range s.resources("AWS::Logs::MetricFilter") {
			p := props(f)
			name, _ := get(p, "MetricTransformations", 0, "MetricName").(string)
			if name != "RevokedRequests" && name != "DisabledCameraUploads" {
				continue
			}
			if get(p, "MetricTransformations", 0, "MetricNamespace") != "camvault/"+s.stage.Name {
				t.Errorf("%s in namespace %v", name, get(p, "MetricTransformations", 0, "MetricNamespace"))
			}
			byLogGroup[asJSON(p["LogGroupName"])+name] = p
		}
		fnLogs := func(name string) string {
			return s.idWithPrefix(t, "AWS::Logs::LogGroup", constructID(name)+"Logs")
		}
		find := func(metric, logGroup string) map[string]any {
			for k, p := range byLogGroup {
				if refersTo(p["LogGroupName"], logGroup) && len(k) > len(metric) && k[len(k)-len(metric):] == metric {
					return p
				}
			}
			return nil
		}
		for _, name := range []string{routes.FunctionMe, routes.FunctionVideo, routes.FunctionVideos, routes.FunctionAdmin} {
			if f := find("RevokedRequests", fnLogs(name)); f == nil || f["FilterPattern"] != RevokedRequestsFilter {
				t.Errorf("%s: revoked requests filter %s", name, asJSON(f))
			}
		}
		if f := find("DisabledCameraUploads", fnLogs(routes.FunctionIngest)); f == nil || f["FilterPattern"] != DisabledCameraUploadsFilter {
			t.Errorf("ingest: disabled camera uploads filter %s", asJSON(f))
		}
	})
}
