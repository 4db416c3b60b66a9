// Package scriptstest tests camvault's shell scripts (export-api.sh,
// openapi.sh, postman.sh, newman.sh, fuzz.sh) and the Makefile's front door
// as a person runs them: from another directory, with stand-ins for the AWS
// CLI (testdata/aws) and, for fuzz.sh, go (testdata/go) on PATH, and no AWS
// account.
package scriptstest
