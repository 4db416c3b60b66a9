// Package scriptstest tests camvault's shell scripts (export-api.sh,
// openapi.sh, postman.sh, newman.sh) as a person runs them: from another
// directory, with a fake AWS CLI (testdata/aws) on PATH and no AWS account.
package scriptstest
