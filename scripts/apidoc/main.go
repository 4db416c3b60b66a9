// Command apidoc writes camvault's OpenAPI document for one stage and
// finishes the Postman collection and environment generated from it; the
// scripts openapi.sh and postman.sh run it. See `apidoc help`.
package main

import (
	"os"

	"github.com/camvault/camvault/scripts/internal/apidoccli"
)

func main() {
	os.Exit(apidoccli.Run(os.Args[1:], apidoccli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Lookup: os.LookupEnv}))
}
