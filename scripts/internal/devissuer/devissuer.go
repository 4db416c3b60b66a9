// Package devissuer asks the local stack's dev OIDC issuer for ID tokens
// (POST {issuer}/token, docs/contracts.md). It never works against Google.
package devissuer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Request is what to ask the dev issuer for. Only Email is required; the
// issuer's defaults apply to every empty field.
type Request struct {
	// Email is the signed-in person's address.
	Email string
	// Name is the display name claim, if any.
	Name string
}

// Token asks the dev issuer at issuerURL for an ID token and returns it.
// Errors never contain the token.
func Token(ctx context.Context, client *http.Client, issuerURL string, r Request) (string, error) {
	if r.Email == "" {
		return "", errors.New("dev issuer token: email is required")
	}
	if issuerURL == "" {
		return "", errors.New("dev issuer token: issuer URL is empty")
	}
	form := url.Values{"email": {r.Email}}
	if r.Name != "" {
		form.Set("name", r.Name)
	}
	endpoint := strings.TrimRight(issuerURL, "/") + "/token"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("dev issuer token: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("dev issuer token: is the local stack running? %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("dev issuer token: read answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		// The issuer explains a refusal as {"error", "error_description"}.
		var refusal struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(body, &refusal) == nil && refusal.Description != "" {
			return "", fmt.Errorf("the dev issuer refused: %s", oneLine(refusal.Description))
		}
		return "", fmt.Errorf("dev issuer token: %s answered %s: %s", endpoint, resp.Status, oneLine(snippet(body)))
	}
	var out struct {
		IDToken string `json:"id_token"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return "", fmt.Errorf("dev issuer token: answer is not JSON: %w", err)
	}
	if out.IDToken == "" {
		return "", errors.New("dev issuer token: answer has no id_token")
	}
	return out.IDToken, nil
}

// snippet shortens an error body for a message.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// oneLine folds s onto one line, for an error message.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
