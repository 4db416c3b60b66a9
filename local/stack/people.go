package stack

import (
	"context"
	"fmt"
	"strings"

	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/local/issuer"
)

// People describes the dev issuer's sample people (issuer.DefaultPeople's
// addresses) as opts' access rules decide them, with the authorizer's own
// static rules: what the banner and the sign-in page say is what the API
// does. Grants in the allowlist table can still admit or restrict someone.
func People(opts Options) []issuer.Person {
	rules, err := access.NewRules(opts.AllowedDomains, opts.AllowedEmails, opts.AdminEmails, nil, nil)
	if err != nil {
		rules = &access.Rules{} // no static rule: the zero value refuses everyone
	}
	out := make([]issuer.Person, 0, len(issuer.DefaultPeople))
	for _, p := range issuer.DefaultPeople {
		domain := issuer.DefaultHD(p.Email)
		d, err := rules.Decide(context.Background(), access.Person{Email: strings.ToLower(p.Email), Domain: domain})
		note := ""
		switch {
		case err != nil || !d.Allowed:
			note = "refused (403: not an allowed address or domain)"
		case d.Access.Role == access.Admin:
			note = "an admin (may delete clips)"
		case d.Reason == "allowed domain":
			note = fmt.Sprintf("a viewer (allowed domain %s)", domain)
		default:
			note = "a viewer (allowed address)"
		}
		out = append(out, issuer.Person{Email: p.Email, Note: note})
	}
	return out
}

// AccessSummary is one line naming opts' access rules, for the banner.
func AccessSummary(opts Options) string {
	list := func(s []string) string {
		if len(s) == 0 {
			return "none"
		}
		return strings.Join(s, ", ")
	}
	return fmt.Sprintf("allowed domains: %s; allowed addresses: %s; admins: %s", list(opts.AllowedDomains), list(opts.AllowedEmails), list(opts.AdminEmails))
}
