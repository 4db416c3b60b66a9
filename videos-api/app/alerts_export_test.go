package app

import (
	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/push"
)

// ParseSubscribe exposes parseSubscribe to the fuzz test: the field at
// fault ("" when accepted) and why.
func ParseSubscribe(body string, access clip.Access, allowLoopback bool) (push.Subscription, string, string, int) {
	s, ae := parseSubscribe(events.APIGatewayProxyRequest{Body: body}, access, allowLoopback)
	if ae != nil {
		return s, ae.parameter, ae.message, ae.status
	}
	return s, "", "", 0
}
