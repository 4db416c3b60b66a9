package devissuer

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fakeIssuer answers POST /token like the dev issuer, with a token that
// spells the requested email so tests can see the form arrived.
func fakeIssuer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path != "/token":
			http.NotFound(w, r)
		case r.Method != http.MethodPost:
			http.Error(w, "method", http.StatusMethodNotAllowed)
		case r.Header.Get("Content-Type") != "application/x-www-form-urlencoded":
			http.Error(w, "content type", http.StatusUnsupportedMediaType)
		case r.PostFormValue("email") == "":
			http.Error(w, `{"error":"email required"}`, http.StatusBadRequest)
		case r.PostFormValue("email") == "notanemail":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"invalid_request","error_description":"invalid email \"notanemail\""}` + "\n"))
		case r.PostFormValue("email") == "empty@example.com":
			w.Write([]byte(`{"expires_in":3600}`))
		case r.PostFormValue("email") == "garbage@example.com":
			w.Write([]byte(`<html>`))
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"id_token":"tok-` + r.PostFormValue("email") + `-` + r.PostFormValue("name") + `","expires_in":3600}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestToken(t *testing.T) {
	srv := fakeIssuer(t)
	tests := []struct {
		name      string
		issuer    string
		req       Request
		want      string
		wantErrIn string
	}{
		{name: "email", issuer: srv.URL, req: Request{Email: "viewer@example.com"}, want: "tok-viewer@example.com-"},
		{name: "trailing slash and name", issuer: srv.URL + "/", req: Request{Email: "a@example.com", Name: "Ann"}, want: "tok-a@example.com-Ann"},
		{name: "no email", issuer: srv.URL, req: Request{}, wantErrIn: "email is required"},
		{name: "no issuer", issuer: "", req: Request{Email: "a@example.com"}, wantErrIn: "issuer URL is empty"},
		{name: "refused", issuer: srv.URL, req: Request{Email: "notanemail"}, wantErrIn: `the dev issuer refused: invalid email "notanemail"`},
		{name: "no id_token", issuer: srv.URL, req: Request{Email: "empty@example.com"}, wantErrIn: "no id_token"},
		{name: "not json", issuer: srv.URL, req: Request{Email: "garbage@example.com"}, wantErrIn: "not JSON"},
		{name: "wrong path", issuer: srv.URL + "/elsewhere", req: Request{Email: "a@example.com"}, wantErrIn: "404"},
		{name: "down", issuer: "http://127.0.0.1:1", req: Request{Email: "a@example.com"}, wantErrIn: "local stack running"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Token(context.Background(), srv.Client(), tt.issuer, tt.req)
			if tt.wantErrIn != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrIn) {
					t.Fatalf("Token() error = %v, want it to contain %q", err, tt.wantErrIn)
				}
				return
			}
			if err != nil {
				t.Fatalf("Token() error = %v", err)
			}
			if got != tt.want {
				t.Errorf("Token() = %q, want %q", got, tt.want)
			}
		})
	}
}
