// Package openapidoc reads and edits camvault's OpenAPI 3 document
// (videos-api/openapi.yaml) without disturbing its layout: it points the
// document's servers at one stage, and lists its operations with their
// documented responses for the Postman post-processing.
package openapidoc

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Doc is a parsed OpenAPI 3 document that keeps its comments and key order.
type Doc struct {
	root *yaml.Node // the document's top-level mapping
	file *yaml.Node // the document node, for encoding
}

// Parse parses an OpenAPI 3.x document (YAML or JSON).
func Parse(b []byte) (*Doc, error) {
	var file yaml.Node
	if err := yaml.Unmarshal(b, &file); err != nil {
		return nil, fmt.Errorf("parse openapi document: %w", err)
	}
	if file.Kind != yaml.DocumentNode || len(file.Content) != 1 || file.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("parse openapi document: not a YAML mapping")
	}
	d := &Doc{root: file.Content[0], file: &file}
	v := d.lookup(d.root, "openapi")
	if v == nil || !strings.HasPrefix(v.Value, "3.") {
		return nil, errors.New("parse openapi document: no `openapi: 3.x` version (only OpenAPI 3 is supported)")
	}
	if d.lookup(d.root, "paths") == nil {
		return nil, errors.New("parse openapi document: no paths")
	}
	return d, nil
}

// SetServer replaces the document's servers with the one serverURL (a
// stage's invoke URL, e.g. http://127.0.0.1:4000/dev), described by
// description. It keeps servers where it was, or puts it after info.
func (d *Doc) SetServer(serverURL, description string) error {
	u, err := url.Parse(serverURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("server URL %q is not an absolute http(s) URL", serverURL)
	}
	server := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		scalar("url"), scalar(strings.TrimRight(serverURL, "/")),
	}}
	if description != "" {
		server.Content = append(server.Content, scalar("description"), scalar(description))
	}
	servers := &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{server}}
	for i := 0; i+1 < len(d.root.Content); i += 2 {
		if d.root.Content[i].Value == "servers" {
			d.root.Content[i+1] = servers
			return nil
		}
	}
	at := len(d.root.Content)
	for i := 0; i+1 < len(d.root.Content); i += 2 {
		if d.root.Content[i].Value == "info" {
			at = i + 2
		}
	}
	d.root.Content = append(d.root.Content[:at], append([]*yaml.Node{scalar("servers"), servers}, d.root.Content[at:]...)...)
	return nil
}

// Server returns the URL of the document's first server, if any.
func (d *Doc) Server() string {
	s := d.lookup(d.root, "servers")
	if s == nil || s.Kind != yaml.SequenceNode || len(s.Content) == 0 {
		return ""
	}
	if u := d.lookup(s.Content[0], "url"); u != nil {
		return u.Value
	}
	return ""
}

// Encode writes the document back as YAML.
func (d *Doc) Encode() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(d.file); err != nil {
		return nil, fmt.Errorf("encode openapi document: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode openapi document: %w", err)
	}
	return buf.Bytes(), nil
}

// Operation is one method on one path of the document.
type Operation struct {
	// Method is upper case (GET, DELETE).
	Method string
	// Path is the path template, e.g. /cameras/{cameraId}/videos.
	Path string
	// ID is the operationId, if any.
	ID string
	// Statuses are the documented response codes, sorted. A range such as
	// 4XX is listed as its hundreds (400) with Ranges set.
	Statuses []int
	// Ranges holds the hundreds of documented ranges (4 for 4XX).
	Ranges []int
}

// Documents reports whether status is a documented response of o.
func (o Operation) Documents(status int) bool {
	for _, s := range o.Statuses {
		if s == status {
			return true
		}
	}
	for _, r := range o.Ranges {
		if status/100 == r {
			return true
		}
	}
	return false
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// Operations lists the document's operations in document order.
func (d *Doc) Operations() []Operation {
	var ops []Operation
	paths := d.lookup(d.root, "paths")
	if paths == nil || paths.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		path, item := paths.Content[i].Value, paths.Content[i+1]
		if item.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j+1 < len(item.Content); j += 2 {
			m := item.Content[j].Value
			if !isMethod(m) {
				continue
			}
			op := Operation{Method: strings.ToUpper(m), Path: path}
			if id := d.lookup(item.Content[j+1], "operationId"); id != nil {
				op.ID = id.Value
			}
			if rs := d.lookup(item.Content[j+1], "responses"); rs != nil && rs.Kind == yaml.MappingNode {
				for k := 0; k < len(rs.Content); k += 2 {
					code := strings.ToUpper(rs.Content[k].Value)
					if n, err := strconv.Atoi(code); err == nil {
						op.Statuses = append(op.Statuses, n)
					} else if len(code) == 3 && code[1:] == "XX" && code[0] >= '1' && code[0] <= '5' {
						op.Ranges = append(op.Ranges, int(code[0]-'0'))
					}
				}
			}
			sort.Ints(op.Statuses)
			ops = append(ops, op)
		}
	}
	return ops
}

func isMethod(s string) bool {
	for _, m := range methods {
		if s == m {
			return true
		}
	}
	return false
}

// lookup returns the value of key in mapping n, following a YAML alias.
func (d *Doc) lookup(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func scalar(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
}
