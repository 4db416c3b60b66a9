// Package postmanenv reads and writes Postman environment files (the JSON
// Postman's "Import" and newman's --environment take): a name and a list of
// variables such as baseUrl and token.
package postmanenv

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Environment is a Postman environment file.
type Environment struct {
	ID     string     `json:"id,omitempty"`
	Name   string     `json:"name"`
	Values []Variable `json:"values"`
	Scope  string     `json:"_postman_variable_scope,omitempty"`
}

// Variable is one key/value of an environment. Type is "default" or "secret"
// (Postman masks secret values in its UI).
type Variable struct {
	Key     string `json:"key"`
	Value   string `json:"value"`
	Type    string `json:"type,omitempty"`
	Enabled bool   `json:"enabled"`
}

// New returns an environment named name with baseUrl set to baseURL and an
// empty, secret token.
func New(name, baseURL string) Environment {
	return Environment{
		ID:   newID(),
		Name: name,
		Values: []Variable{
			{Key: "baseUrl", Value: baseURL, Type: "default", Enabled: true},
			{Key: "token", Value: "", Type: "secret", Enabled: true},
		},
		Scope: "environment",
	}
}

// Get returns the value of key and whether the environment has it.
func (e Environment) Get(key string) (string, bool) {
	for _, v := range e.Values {
		if v.Key == key {
			return v.Value, true
		}
	}
	return "", false
}

// Set gives key the value, adding the variable if it is missing. secret marks
// a new variable as secret; an existing one keeps its type.
func (e *Environment) Set(key, value string, secret bool) {
	for i := range e.Values {
		if e.Values[i].Key == key {
			e.Values[i].Value = value
			e.Values[i].Enabled = true
			return
		}
	}
	typ := "default"
	if secret {
		typ = "secret"
	}
	e.Values = append(e.Values, Variable{Key: key, Value: value, Type: typ, Enabled: true})
}

// Load reads the environment file at path.
func Load(path string) (Environment, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Environment{}, fmt.Errorf("read postman environment: %w", err)
	}
	var e Environment
	if err := json.Unmarshal(b, &e); err != nil {
		return Environment{}, fmt.Errorf("parse postman environment %s: %w", path, err)
	}
	if e.Name == "" && e.Values == nil {
		return Environment{}, fmt.Errorf("parse postman environment %s: not an environment (no name, no values)", path)
	}
	return e, nil
}

// Save writes e to path, readable by its owner only (it may hold a token), by
// writing a temporary file beside it and renaming it into place.
func (e Environment) Save(path string) error {
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return fmt.Errorf("encode postman environment: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".postman-env-*")
	if err != nil {
		return fmt.Errorf("write postman environment: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write postman environment: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write postman environment: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write postman environment: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write postman environment: %w", err)
	}
	return nil
}

// SetInFile sets key to value in the environment file at path, which must
// exist (write one with New and Save first, e.g. via `make postman`).
func SetInFile(path, key, value string, secret bool) error {
	if key == "" {
		return errors.New("set postman variable: empty key")
	}
	e, err := Load(path)
	if err != nil {
		return err
	}
	e.Set(key, value, secret)
	return e.Save(path)
}

// newID returns a random UUID (version 4), as Postman gives environments.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
