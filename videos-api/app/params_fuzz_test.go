package app

import (
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// FuzzListParams: any query string is answered (maybe with a 400), never a
// panic, and accepted values are within bounds.
func FuzzListParams(f *testing.F) {
	f.Add("50", "2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z", "abc.def", "front-door")
	f.Add("0", "yesterday", "", "", "")
	f.Add("+1", "2026-11-25T00:00:00.123456789+14:00", "9999-12-31T23:59:59Z", "..", "-x")
	f.Fuzz(func(t *testing.T, limit, from, to, cursor, camera string) {
		q := map[string]string{"limit": limit, "from": from, "to": to, "cursor": cursor}
		p, err := parseListParams(q)
		if err == nil {
			if p.limit < 1 || p.limit > MaxLimit {
				t.Fatalf("accepted limit %d", p.limit)
			}
			if !p.from.IsZero() && !p.to.IsZero() && p.from.After(p.to) {
				t.Fatalf("accepted from %v after to %v", p.from, p.to)
			}
		} else if err.parameter == "" {
			t.Fatalf("400 without a parameter: %v", err)
		}
		_, _, _ = pathIDs(events.APIGatewayProxyRequest{PathParameters: map[string]string{"cameraId": camera, "videoId": cursor}}, true)
		_, _ = parseAccess(camera)
	})
}
