package videosapi_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	videosapi "github.com/camvault/camvault/videos-api"
	"github.com/camvault/camvault/videos-api/routes"
)

func load(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(videosapi.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not valid OpenAPI 3 (examples included): %v", err)
	}
	return doc
}

// TestRoutesMatchOpenAPI fails when the route table and openapi.yaml
// disagree on any method, path or operation id, either way. OPTIONS is
// implied on every resource and listed in neither.
func TestRoutesMatchOpenAPI(t *testing.T) {
	doc := load(t)
	inDoc := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if method == "OPTIONS" {
				t.Errorf("openapi.yaml lists OPTIONS %s; preflight is implied", path)
			}
			inDoc[method+" "+path] = op.OperationID
		}
	}
	inTable := map[string]string{}
	for _, r := range routes.All() {
		inTable[r.Method+" "+r.Path] = r.OperationID
	}
	for k, id := range inTable {
		if got, ok := inDoc[k]; !ok {
			t.Errorf("route %s is missing from openapi.yaml", k)
		} else if got != id {
			t.Errorf("route %s: operationId %q in openapi.yaml, %q in routes", k, got, id)
		}
	}
	for k := range inDoc {
		if _, ok := inTable[k]; !ok {
			t.Errorf("openapi.yaml lists %s, which routes.All() does not", k)
		}
	}
}

func TestEveryOperationDocumentsItsErrors(t *testing.T) {
	doc := load(t)
	for _, r := range routes.All() {
		op := doc.Paths.Find(r.Path).GetOperation(r.Method)
		want := []string{"401", "403", "500"}
		if r.Public {
			// No authorizer, so no 401 or 403; a token it cannot read, one
			// it does not know, and the route's own throttle.
			want = []string{"400", "404", "410", "429", "500"}
		}
		if r.Path != "/me" {
			want = append(want, "503")
		}
		if strings.Contains(r.Path, "{") || r.Path == "/videos" {
			want = append(want, "400", "404")
		}
		sort.Strings(want)
		for _, code := range want {
			if op.Responses.Value(code) == nil {
				t.Errorf("%s %s documents no %s response", r.Method, r.Path, code)
			}
		}
	}
}

func TestServersHaveAStageVariable(t *testing.T) {
	doc := load(t)
	for _, s := range doc.Servers {
		if !strings.HasSuffix(s.URL, "/{stage}") || s.Variables["stage"] == nil {
			t.Errorf("server %s: want a URL ending in /{stage} with a stage variable", s.URL)
		}
	}
}
