package issuer

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Handler serves the issuer's endpoints: discovery, /jwks, POST /token,
// the /authorize sign-in page and /avatar/{sub}.svg pictures.
func (i *Issuer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", i.discovery)
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(i.JWKS())
	})
	mux.HandleFunc("POST /token", i.token)
	mux.HandleFunc("OPTIONS /token", func(w http.ResponseWriter, r *http.Request) {
		if !i.tokenOriginOK(w, r) {
			return
		}
		w.Header().Set("Access-Control-Allow-Methods", "POST")
		w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /authorize", i.authorizePage)
	mux.HandleFunc("POST /authorize", i.authorizeSubmit)
	mux.HandleFunc("GET /avatar/{file}", i.avatar)
	mux.HandleFunc("GET /signin.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		_, _ = w.Write([]byte(signinCSS))
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "camvault dev OIDC issuer (local only)\n\ndiscovery: %[1]s/.well-known/openid-configuration\njwks:      %[1]s/jwks\ntoken:     curl -s -d email=viewer@example.com %[1]s/token | jq -r .id_token\n", i.url)
	})
	return mux
}

func (i *Issuer) discovery(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer":                                i.url,
		"authorization_endpoint":                i.url + "/authorize",
		"token_endpoint":                        i.url + "/token",
		"jwks_uri":                              i.url + "/jwks",
		"response_types_supported":              []string{"id_token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "profile"},
		"claims_supported":                      []string{"iss", "aud", "azp", "sub", "email", "email_verified", "hd", "name", "given_name", "picture", "iat", "exp", "nonce"},
	})
}

func writeJSONError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

// token answers POST /token (form fields email, name, hd, expires_in, aud,
// email_verified) with {"id_token": ..., "expires_in": N}.
func (i *Issuer) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if !i.tokenOriginOK(w, r) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeJSONError(w, http.StatusBadRequest, "invalid_request", "the body must be a form (application/x-www-form-urlencoded)")
		return
	}
	req, err := tokenRequestFromForm(r.PostForm)
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	tok, err := i.Token(req)
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	exp := req.ExpiresIn
	if exp == 0 {
		exp = 3600e9
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"id_token": tok, "expires_in": int(exp.Seconds()), "token_type": "Bearer"})
}

// tokenOriginOK lets POST /token be called by scripts (no Origin header) and
// by the web client's origin only: a token mints any identity, admins
// included, so no other page a developer visits may obtain or even request
// one. For any other Origin it answers 403 and reports false; for the web
// client it sets the CORS headers.
func (i *Issuer) tokenOriginOK(w http.ResponseWriter, r *http.Request) bool {
	w.Header().Add("Vary", "Origin")
	origin, sent := r.Header["Origin"]
	if !sent {
		return true
	}
	if i.webOrigin == "" || len(origin) != 1 || origin[0] != i.webOrigin {
		writeJSONError(w, http.StatusForbidden, "origin_not_allowed", "POST /token answers only the web client's origin (and scripts, which send no Origin)")
		return false
	}
	w.Header().Set("Access-Control-Allow-Origin", i.webOrigin)
	return true
}

func tokenRequestFromForm(f url.Values) (TokenRequest, error) {
	// Claims are JSON strings: a field that is not UTF-8 would be signed
	// as something other than what was asked for.
	for _, k := range []string{"email", "name", "hd", "aud"} {
		if !utf8.ValidString(f.Get(k)) {
			return TokenRequest{}, fmt.Errorf("the form field %s is not valid UTF-8", k)
		}
	}
	req := TokenRequest{Email: f.Get("email"), Name: f.Get("name"), Audience: f.Get("aud")}
	if req.Email == "" {
		return req, fmt.Errorf("the form field email is required")
	}
	if err := checkEmail(req.Email); err != nil {
		return req, err
	}
	if _, ok := f["hd"]; ok {
		hd := f.Get("hd")
		req.HD = &hd
	}
	exp, err := parseExpiresIn(f.Get("expires_in"))
	if err != nil {
		return req, err
	}
	req.ExpiresIn = exp
	if v := f.Get("email_verified"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return req, fmt.Errorf("email_verified must be true or false: %q", v)
		}
		req.EmailVerified = &b
	}
	return req, nil
}

// authParams are the implicit-flow query parameters the sign-in page keeps.
type authParams struct {
	ClientID, RedirectURI, ResponseType, State, Nonce string
}

func readAuthParams(v url.Values) (authParams, error) {
	p := authParams{ClientID: v.Get("client_id"), RedirectURI: v.Get("redirect_uri"), ResponseType: v.Get("response_type"), State: v.Get("state"), Nonce: v.Get("nonce")}
	if p.ClientID == "" {
		return p, fmt.Errorf("client_id is required")
	}
	if !utf8.ValidString(p.ClientID) || !utf8.ValidString(p.Nonce) {
		return p, fmt.Errorf("client_id and nonce must be valid UTF-8")
	}
	if p.ResponseType != "id_token" {
		return p, fmt.Errorf("response_type must be id_token, got %q", p.ResponseType)
	}
	if err := checkRedirect(p.RedirectURI); err != nil {
		return p, err
	}
	return p, nil
}

// checkRedirect admits only absolute http(s) URLs on loopback (localhost,
// 127.0.0.0/8, ::1), without credentials or a fragment: the token goes in
// the fragment, so nothing else may receive it. Browsers read a URL more
// loosely than net/url (they drop tabs and newlines, take \ for /), so
// anything on which the two could disagree is refused outright.
func checkRedirect(raw string) error {
	if raw == "" {
		return fmt.Errorf("redirect_uri is missing")
	}
	if i := strings.IndexFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '\\' || r == '#' }); i >= 0 {
		return fmt.Errorf("redirect_uri must not contain %q", raw[i:i+1])
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("redirect_uri is not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("redirect_uri must be http or https")
	}
	if u.Opaque != "" || u.Host == "" {
		return fmt.Errorf("redirect_uri must be an absolute URL, like http://127.0.0.1:4001/")
	}
	if u.User != nil {
		return fmt.Errorf("redirect_uri must not carry credentials")
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("redirect_uri must be on loopback (127.0.0.1, ::1 or localhost), got host %q", host)
}

// Person is someone the sign-in page offers as a one-click sign-in.
type Person struct {
	// Email is the address the token will carry.
	Email string
	// Note says what the API makes of the person, e.g. "an admin".
	Note string
}

// DefaultPeople are the sign-ins offered when Config.People is nil: the
// local stack's sample people, described for its default access rules.
var DefaultPeople = []Person{
	{"viewer@example.com", "a viewer (allowed domain example.com)"},
	{"admin@example.com", "an admin (may delete clips)"},
	{"stranger@example.org", "refused (403)"},
}

var pageTmpl = template.Must(template.Must(template.New("signin").Parse(`{{define "hidden"}}<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="response_type" value="{{.ResponseType}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="nonce" value="{{.Nonce}}">{{end}}`)).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in - camvault dev issuer</title>
<link rel="stylesheet" href="/signin.css">
</head>
<body>
<main>
<h1>Sign in to camvault</h1>
<p class="note">Local dev issuer: no password. Pick someone, or type any email; the note says what the API will let them do.</p>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
{{if .Params.RedirectURI}}
<form method="post" action="/authorize">
{{template "hidden" .Params}}
<ul class="people">
{{range .Suggested}}<li><button type="submit" name="email" value="{{.Email}}">{{.Email}}</button> <span>{{.Note}}</span></li>
{{end}}</ul>
</form>
<form method="post" action="/authorize">
{{template "hidden" .Params}}
<label for="email">Or another email</label>
<div class="row"><input id="email" name="email" type="email" required placeholder="someone@example.com" autocomplete="off"> <button type="submit">Sign in</button></div>
</form>
{{end}}
</main>
</body>
</html>
`))

const signinCSS = `body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}
main{max-width:28rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}.note{color:#555}.error{color:#b00020}
ul.people{list-style:none;padding:0}ul.people li{margin:.5rem 0}ul.people span{color:#666;font-size:.9rem}
button{padding:.4rem .8rem;cursor:pointer}label{display:block;margin-top:1rem}
.row{display:flex;gap:.5rem}input[type=email]{flex:1;padding:.4rem}
`

type pageData struct {
	Params    authParams
	Error     string
	Suggested any
}

func (i *Issuer) renderPage(w http.ResponseWriter, status int, p authParams, errText string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	formAction := "'self'"
	if u, err := url.Parse(p.RedirectURI); err == nil && checkRedirect(p.RedirectURI) == nil {
		// Browsers apply form-action to the redirect that follows the post.
		formAction += " " + u.Scheme + "://" + u.Host
	}
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action "+formAction+"; frame-ancestors 'none'; base-uri 'none'")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, pageData{Params: p, Error: errText, Suggested: i.people})
}

func (i *Issuer) authorizePage(w http.ResponseWriter, r *http.Request) {
	p, err := readAuthParams(r.URL.Query())
	if err != nil {
		i.renderPage(w, http.StatusBadRequest, authParams{}, "Bad sign-in request: "+err.Error())
		return
	}
	i.renderPage(w, http.StatusOK, p, "")
}

func (i *Issuer) authorizeSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		i.renderPage(w, http.StatusBadRequest, authParams{}, "Bad sign-in form.")
		return
	}
	p, err := readAuthParams(r.PostForm)
	if err != nil {
		i.renderPage(w, http.StatusBadRequest, authParams{}, "Bad sign-in request: "+err.Error())
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if err := checkEmail(email); err != nil {
		i.renderPage(w, http.StatusBadRequest, p, "Type a valid email address.")
		return
	}
	tok, err := i.Token(TokenRequest{Email: email, Audience: p.ClientID, Nonce: p.Nonce})
	if err != nil {
		i.renderPage(w, http.StatusInternalServerError, p, "Could not mint a token.")
		return
	}
	frag := url.Values{"id_token": {tok}, "token_type": {"Bearer"}, "expires_in": {"3600"}}
	if p.State != "" {
		frag.Set("state", p.State)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, p.RedirectURI+"#"+frag.Encode(), http.StatusSeeOther)
}

var avatarColors = []string{"#1a73e8", "#d93025", "#188038", "#f9ab00", "#a142f4", "#12b5cb", "#e8710a", "#5f6368"}

// avatar serves a round SVG with a letter, standing in for Google's profile
// pictures: the letter is the initial query parameter, the colour comes from
// the subject.
func (i *Issuer) avatar(w http.ResponseWriter, r *http.Request) {
	sub, ok := strings.CutSuffix(r.PathValue("file"), ".svg")
	if !ok || sub == "" || strings.Trim(sub, "0123456789") != "" || len(sub) > 32 {
		http.NotFound(w, r)
		return
	}
	n, _ := strconv.ParseUint(sub[len(sub)-min(6, len(sub)):], 10, 64)
	color := avatarColors[n%uint64(len(avatarColors))]
	letter := "?"
	if l := r.URL.Query().Get("initial"); len(l) == 1 && l[0] >= 'A' && l[0] <= 'Z' {
		letter = l
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><circle cx="48" cy="48" r="48" fill="%s"/><text x="48" y="62" font-family="sans-serif" font-size="44" fill="#fff" text-anchor="middle">%s</text></svg>`, color, letter)
}
