package main

import (
	"strings"
	"testing"

	"github.com/camvault/camvault/videos-api/routes"
)

// isJobRunnerArn says whether r is the job runner's ARN as the stack
// formats it from the runner's fixed name (not its Arn attribute).
func isJobRunnerArn(r any, stage string) bool {
	j := asJSON(r)
	return strings.HasPrefix(j, `{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":lambda:",{"Ref":"AWS::Region"},":",{"Ref":"AWS::AccountId"},`) &&
		strings.HasSuffix(j, `":function:`+JobRunnerFunctionName(stage)+`"]]}`)
}

// TestJobRunner: the runner is a Lambda like the others, with a fixed
// name and a few minutes; only it may invoke itself (by its formatted
// ARN, so no circular dependency), only jobs may start it, both know its
// name, its asynchronous invocations retry twice within an hour, and its
// ERROR lines, its stops and the jobs function's failed hand-offs are
// alarmed.
func TestJobRunner(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		fns := ourFunctions(t, s)
		runner := fns[routes.FunctionJobRunner]
		p := props(s.resource(t, runner))
		name := "camvault-" + s.stage.Name + "-job-runner"
		if p["FunctionName"] != name || p["Timeout"] != 300.0 || p["MemorySize"] != 256.0 || p["Runtime"] != "provided.al2023" {
			t.Errorf("runner %v: name %v timeout %v memory %v, want %s, 300 s, 256 MB", p["Runtime"], p["FunctionName"], p["Timeout"], p["MemorySize"], name)
		}
		for fn, id := range fns {
			env, _ := get(props(s.resource(t, id)), "Environment", "Variables").(map[string]any)
			v, ok := env["JOB_RUNNER_FUNCTION_NAME"]
			if want := fn == routes.FunctionJobs || fn == routes.FunctionJobRunner; ok != want || (ok && v != name) {
				t.Errorf("%s: JOB_RUNNER_FUNCTION_NAME = %v (set %v), want set %v to %s", fn, v, ok, want, name)
			}
		}
		// Who may invoke what, over every policy of the stack.
		invokers := map[string][]string{}
		for role := range s.resources("AWS::IAM::Role") {
			for _, st := range statementsOf(s, role) {
				for _, a := range st.actions {
					if !strings.HasPrefix(a, "lambda:") {
						continue
					}
					for _, r := range st.resources {
						switch {
						case isJobRunnerArn(r, s.stage.Name):
							invokers["self"] = append(invokers["self"], role)
						case refersTo(r, runner):
							invokers["runner"] = append(invokers["runner"], role)
						}
					}
				}
			}
		}
		runnerRole := get(p, "Role", "Fn::GetAtt", 0).(string)
		jobsRole := get(props(s.resource(t, fns[routes.FunctionJobs])), "Role", "Fn::GetAtt", 0).(string)
		if got := strings.Join(invokers["self"], ","); got != runnerRole {
			t.Errorf("the runner's own ARN is invokable by %q, want only its role %s", got, runnerRole)
		}
		if got := strings.Join(invokers["runner"], ","); got != jobsRole {
			t.Errorf("the runner (by its Arn) is invokable by %q, want only the jobs role %s", got, jobsRole)
		}
		cfg := props(s.resource(t, s.idWithPrefix(t, "AWS::Lambda::EventInvokeConfig", "JobRunnerAsyncInvokeConfig")))
		if !refersTo(cfg["FunctionName"], runner) || cfg["MaximumRetryAttempts"] != 2.0 || cfg["MaximumEventAgeInSeconds"] != JobRunnerMaxEventAge.Seconds() || cfg["Qualifier"] != "$LATEST" {
			t.Errorf("runner async config %s", asJSON(cfg))
		}
		alarms := map[string]map[string]any{}
		for _, a := range s.resources("AWS::CloudWatch::Alarm") {
			alarms[props(a)["AlarmName"].(string)] = props(a)
		}
		prefix := "camvault-" + s.stage.Name + "-"
		for alarm, metric := range map[string]string{"job-runner-error-lines": "JobRunnerErrorLines", "job-runner-not-started": "JobRunnerNotStarted", "job-runner-stopped": "JobRunnerStopped"} {
			a := alarms[prefix+alarm]
			if a == nil || a["MetricName"] != metric || a["Namespace"] != "camvault/"+s.stage.Name || a["Threshold"] != 1.0 {
				t.Errorf("%s alarm %s", alarm, asJSON(a))
			}
		}
		for filter, want := range map[string]struct{ fn, msg string }{
			"JobRunnerErrorLinesFilter": {routes.FunctionJobRunner, `"ERROR"`},
			"JobRunnerNotStartedFilter": {routes.FunctionJobs, `"job runner not started"`},
			"JobRunnerStoppedFilter":    {routes.FunctionJobRunner, `"job runner stopped"`},
		} {
			f := props(s.resource(t, s.idWithPrefix(t, "AWS::Logs::MetricFilter", filter)))
			lg := get(props(s.resource(t, fns[want.fn])), "LoggingConfig", "LogGroup", "Ref").(string)
			if !refersTo(f["LogGroupName"], lg) || f["FilterPattern"] != want.msg {
				t.Errorf("%s: %s", filter, asJSON(f))
			}
		}
	})
}
