package stack

import (
	"testing"

	"github.com/camvault/camvault/local/issuer"
)

// TestPeople checks that the sample people are described as the configured
// rules decide them, not as the defaults would.
func TestPeople(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want []string // notes for viewer@example.com, admin@example.com, stranger@example.org
	}{
		{name: "defaults", opts: Options{AllowedDomains: []string{"example.com"}, AdminEmails: []string{"admin@example.com"}},
			want: []string{"a viewer (allowed domain example.com)", "an admin (may delete clips)", "refused (403: not an allowed address or domain)"}},
		{name: "no allowed domain", opts: Options{AdminEmails: []string{"admin@example.com"}},
			want: []string{"refused (403: not an allowed address or domain)", "an admin (may delete clips)", "refused (403: not an allowed address or domain)"}},
		{name: "nothing allowed", opts: Options{},
			want: []string{"refused (403: not an allowed address or domain)", "refused (403: not an allowed address or domain)", "refused (403: not an allowed address or domain)"}},
		{name: "addresses only", opts: Options{AllowedEmails: []string{"Stranger@example.org"}, AdminEmails: []string{"viewer@example.com"}},
			want: []string{"an admin (may delete clips)", "refused (403: not an allowed address or domain)", "a viewer (allowed address)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := People(tt.opts)
			if len(got) != len(issuer.DefaultPeople) {
				t.Fatalf("People = %v", got)
			}
			for i, p := range got {
				if p.Email != issuer.DefaultPeople[i].Email || p.Note != tt.want[i] {
					t.Errorf("person %d = %+v, want %s: %s", i, p, issuer.DefaultPeople[i].Email, tt.want[i])
				}
			}
		})
	}
}
