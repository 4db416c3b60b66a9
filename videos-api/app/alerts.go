package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/push"
)

// MaxAlertBodyBytes bounds the JSON body of the alert routes.
const MaxAlertBodyBytes = 8 << 10

// alertsJSON is GET /alerts.
type alertsJSON struct {
	// PublicKey is the stage's VAPID public key, the browser's
	// applicationServerKey.
	PublicKey     string             `json:"publicKey"`
	Settings      push.Settings      `json:"settings"`
	Subscriptions []subscriptionJSON `json:"subscriptions"`
}

// subscriptionJSON is a subscription as its owner sees it.
type subscriptionJSON struct {
	ID       string `json:"id"`
	Endpoint string `json:"endpoint"`
	// Cameras is ["*"] for every camera the owner may see.
	Cameras   []string `json:"cameras"`
	CreatedAt string   `json:"createdAt"`
}

func toSubscriptionJSON(s push.Subscription) subscriptionJSON {
	cams := []string{"*"}
	if s.Cameras != nil {
		cams = s.Cameras
	}
	return subscriptionJSON{ID: s.ID, Endpoint: s.Endpoint, Cameras: cams, CreatedAt: formatTime(s.CreatedAt)}
}

// subscribeJSON is POST /alerts/subscriptions: a PushSubscription's
// toJSON() plus the cameras to alert about.
type subscribeJSON struct {
	Endpoint       string          `json:"endpoint"`
	ExpirationTime json.RawMessage `json:"expirationTime"`
	Keys           struct {
		P256DH string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
	// Cameras is ["*"] (or absent) for every camera, else camera ids.
	Cameras []string `json:"cameras"`
}

// alertCaller is the caller of an alert route: they need a stable account
// id (sub) to own subscriptions; without one, fail closed.
func alertCaller(c Caller) error {
	if c.Sub == "" {
		return errForbidden
	}
	return nil
}

func alertFieldError(err error) *apiError {
	var fe *push.FieldError
	if errors.As(err, &fe) {
		return badParam(fe.Field, fe.Why)
	}
	return nil
}

func (a *App) alertsGet(ctx context.Context, _ events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	if err := alertCaller(c); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	if a.vapid.Public == "" {
		return events.APIGatewayProxyResponse{}, errInternal
	}
	set, err := a.push.Settings(ctx, c.Sub)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	subs, err := a.push.Subscriptions(ctx, c.Sub)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	out := alertsJSON{PublicKey: a.vapid.Public, Settings: set, Subscriptions: []subscriptionJSON{}}
	for _, s := range subs {
		out.Subscriptions = append(out.Subscriptions, toSubscriptionJSON(s))
	}
	return a.json(http.StatusOK, out), nil
}

func (a *App) alertsPutSettings(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	if err := alertCaller(c); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	var set push.Settings
	if ae := decodeBody(req, MaxAlertBodyBytes, &set); ae != nil {
		return events.APIGatewayProxyResponse{}, ae
	}
	if set.TimeZone == "" {
		set.TimeZone = "UTC"
	}
	if err := set.Check(); err != nil {
		return events.APIGatewayProxyResponse{}, alertFieldError(err)
	}
	if err := a.push.PutSettings(ctx, c.Sub, set); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return a.json(http.StatusOK, set), nil
}

func (a *App) alertsSubscribe(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	if err := alertCaller(c); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	sub, ae := parseSubscribe(req, c.Access, a.cfg.AllowLoopbackPush)
	if ae != nil {
		return events.APIGatewayProxyResponse{}, ae
	}
	sub.Sub, sub.Email, sub.Domain, sub.CreatedAt = c.Sub, c.Email, c.Domain, a.now().UTC()
	if err := a.push.PutSubscription(ctx, sub); err != nil {
		if errors.Is(err, push.ErrTooMany) {
			return events.APIGatewayProxyResponse{}, badParam("endpoint", "you have the most browsers subscribed already: remove one first")
		}
		return events.APIGatewayProxyResponse{}, err
	}
	return a.json(http.StatusCreated, toSubscriptionJSON(sub)), nil
}

// parseSubscribe reads and checks a POST /alerts/subscriptions body for a
// caller with access: the subscription (without its owner), or a 400
// naming the field at fault.
func parseSubscribe(req events.APIGatewayProxyRequest, access clip.Access, allowLoopback bool) (push.Subscription, *apiError) {
	var in subscribeJSON
	if ae := decodeBody(req, MaxAlertBodyBytes, &in); ae != nil {
		return push.Subscription{}, ae
	}
	if err := push.CheckEndpoint(in.Endpoint, allowLoopback); err != nil {
		return push.Subscription{}, alertFieldError(err)
	}
	if err := push.CheckKeys(in.Keys.P256DH, in.Keys.Auth); err != nil {
		return push.Subscription{}, alertFieldError(err)
	}
	cameras := in.Cameras
	if len(cameras) == 1 && cameras[0] == "*" {
		cameras = nil
	} else if in.Cameras != nil && len(in.Cameras) == 0 {
		return push.Subscription{}, badParam("cameras", `name at least one camera, or send ["*"] for all`)
	}
	if err := push.CheckCameras(cameras, access); err != nil {
		return push.Subscription{}, alertFieldError(err)
	}
	return push.Subscription{
		ID: push.SubscriptionID(in.Endpoint), Endpoint: in.Endpoint, P256DH: in.Keys.P256DH, Auth: in.Keys.Auth, Cameras: dedupe(cameras),
	}, nil
}

func dedupe(ids []string) []string {
	if ids == nil {
		return nil
	}
	seen := map[string]bool{}
	out := []string{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func (a *App) alertsUnsubscribe(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	if err := alertCaller(c); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	id := req.PathParameters["subscriptionId"]
	if len(id) != 22 || strings.Trim(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		return events.APIGatewayProxyResponse{}, badParam("subscriptionId", "not a subscription id")
	}
	found, err := a.push.DeleteSubscription(ctx, c.Sub, id)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	if !found {
		return events.APIGatewayProxyResponse{}, notFound("subscription")
	}
	return a.noContent(), nil
}

// alerts serves every /alerts route (one Lambda).
func (a *App) alerts(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	switch req.HTTPMethod + " " + req.Resource {
	case "GET /alerts":
		return a.alertsGet(ctx, req, c)
	case "PUT /alerts/settings":
		return a.alertsPutSettings(ctx, req, c)
	case "POST /alerts/subscriptions":
		return a.alertsSubscribe(ctx, req, c)
	case "DELETE /alerts/subscriptions/{subscriptionId}":
		return a.alertsUnsubscribe(ctx, req, c)
	}
	return events.APIGatewayProxyResponse{}, notFound("route")
}
