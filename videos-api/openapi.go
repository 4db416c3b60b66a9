// Package videosapi holds the videos API's contract: the OpenAPI 3
// document (openapi.yaml) that the route table, the handlers, the local
// stack's /docs and the exported Swagger and Postman files agree with.
package videosapi

import (
	_ "embed"
)

//go:embed openapi.yaml
var openAPI []byte

// OpenAPI returns a copy of openapi.yaml, the API's OpenAPI 3.0.3 document.
func OpenAPI() []byte {
	return append([]byte(nil), openAPI...)
}
