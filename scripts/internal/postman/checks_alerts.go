package postman

// alertChecks assert the alert routes' contract: a viewer's subscription
// round trip, and the 400s that name the field at fault.
var alertChecks = []check{
	{
		name: "400 for a push endpoint that is not https", method: "POST", path: "/alerts/subscriptions",
		body:  `{"endpoint":"http://push.example.net/a","keys":{"p256dh":"BE6yx5YujvLEPm4IE9_RvqPz6Ia7Z5WW9c61fERI1ktXjjoI0aLAd9qEHqnCTIVXkxeouSkzJmWZQZ5ZlaLnA8o","auth":"7XU5B3gMgmgu_5KKT75nYA"}}`,
		tests: append(status(400, "invalid_parameter", true), mentions("endpoint")...),
	},
	{
		name: "400 for a p256dh key of the wrong length", method: "POST", path: "/alerts/subscriptions",
		body:  `{"endpoint":"https://push.example.net/a","keys":{"p256dh":"BAAA","auth":"7XU5B3gMgmgu_5KKT75nYA"}}`,
		tests: append(status(400, "invalid_parameter", true), mentions("keys.p256dh")...),
	},
	{
		name: "400 for quiet hours that are not a time", method: "PUT", path: "/alerts/settings",
		body:  `{"foldMinutes":5,"quietHours":{"start":"25:00","end":"07:00"},"timeZone":"UTC"}`,
		tests: append(status(400, "invalid_parameter", true), mentions("quietHours.start")...),
	},
	{
		name: "a browser subscribes and its owner sees it", method: "POST", path: "/alerts/subscriptions",
		body: `{"endpoint":"https://push.example.net/newman","keys":{"p256dh":"BE6yx5YujvLEPm4IE9_RvqPz6Ia7Z5WW9c61fERI1ktXjjoI0aLAd9qEHqnCTIVXkxeouSkzJmWZQZ5ZlaLnA8o","auth":"7XU5B3gMgmgu_5KKT75nYA"},"cameras":["*"]}`,
		tests: append(status(201, "", false),
			"var sub = pm.response.json();",
			"pm.collectionVariables.set('alertSubscriptionId', sub.id);",
			"pm.test('the subscription is for every camera', function () { pm.expect(sub.cameras).to.eql(['*']); });",
		),
	},
	{
		name: "404 when someone else removes it", method: "DELETE", path: "/alerts/subscriptions/{{alertSubscriptionId}}", auth: "{{adminToken}}",
		tests: status(404, "not_found", true),
	},
	{
		name: "its owner removes it", method: "DELETE", path: "/alerts/subscriptions/{{alertSubscriptionId}}",
		tests: status(204, "", false),
	},
}
