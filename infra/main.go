// Command infra is camvault's CDK app: one stack per stage (camvault-dev,
// camvault-qa, camvault-prod), each checked by cdk-nag's AWS Solutions rules.
// The CDK CLI runs it (cdk.json: "go run ."); see README.md.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

func main() {
	err := run()
	jsii.Close() // stops the jsii runtime's Node process
	if err != nil {
		fmt.Fprintln(os.Stderr, "camvault infra:", err)
		os.Exit(1)
	}
}

// run defines every stage's stack and synthesizes them into the CLI's
// output directory.
func run() error {
	// No construct stack traces: the CLI would print a line of the jsii
	// runtime's minified JavaScript under every warning.
	app := awscdk.NewApp(&awscdk.AppProps{StackTraces: jsii.Bool(false)})
	lookup := contextLookup(func(key string) any { return app.Node().TryGetContext(jsii.String(key)) })
	// -c buildDir=... and -c webDir=... point at assets built elsewhere.
	buildDir, _ := lookup("buildDir")
	webDir, _ := lookup("webDir")
	// make deploy sets -c deployStage=$(STAGE).
	deployStage, _ := lookup(DeployStageContext)
	for _, st := range Stages(lookup, os.Getenv) {
		props := &CamvaultStackProps{Stage: st, BuildDir: buildDir, WebDir: webDir, Deploying: deployStage == st.Name}
		if _, err := NewCamvaultStack(app, StackName(st.Name), props); err != nil {
			return err
		}
	}
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	app.Synth(nil)
	return nil
}
