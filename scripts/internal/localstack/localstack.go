// Package localstack reads the addresses the running local stack publishes in
// its local.json (see docs/contracts.md, "Local stack command").
package localstack

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// DefaultPath is where `make dev` writes local.json, relative to the repo root.
const DefaultPath = ".camvault/local.json"

// EnvPath names the environment variable that, when set, overrides DefaultPath.
const EnvPath = "CAMVAULT_LOCAL_JSON"

// Stack is the content of local.json: the URLs of the local stack's servers
// and the names of its bucket and table.
type Stack struct {
	WebURL      string `json:"webUrl"`
	APIURL      string `json:"apiUrl"`
	IssuerURL   string `json:"issuerUrl"`
	S3URL       string `json:"s3Url"`
	DynamoDBURL string `json:"dynamodbUrl"`
	Bucket      string `json:"bucket"`
	// Table is the clips table (clips, cameras, revocation records and
	// audiences: the grants CLI records its changes there).
	Table string `json:"table"`
	// AllowlistTable is the authorizer's table of grants and address bindings.
	AllowlistTable string `json:"allowlistTable"`
	ClientID       string `json:"clientId"`
	Stage          string `json:"stage"`
	// CamerasFile is the stack's file of per-camera S3 keys.
	CamerasFile string `json:"camerasFile"`
}

// Path picks the local.json to read: flag if not empty, else the
// CAMVAULT_LOCAL_JSON environment variable (through lookup), else DefaultPath.
func Path(flag string, lookup func(string) (string, bool)) string {
	if flag != "" {
		return flag
	}
	if v, ok := lookup(EnvPath); ok && v != "" {
		return v
	}
	return DefaultPath
}

// Load reads and parses the local.json at path.
func Load(path string) (Stack, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Stack{}, fmt.Errorf("no local stack description at %s (start one with `make dev`): %w", filepath.Clean(path), err)
	}
	if err != nil {
		return Stack{}, fmt.Errorf("read local stack description: %w", err)
	}
	var s Stack
	if err := json.Unmarshal(b, &s); err != nil {
		return Stack{}, fmt.Errorf("parse %s: %w", filepath.Clean(path), err)
	}
	return s, nil
}
