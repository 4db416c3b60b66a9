package postman

// consoleChecks walk the owner's console after the checks above: an admin
// grants a person the remembered camera, the rules refuse what they must
// (naming the field or the rule), the trail shows the change, the camera
// is renamed, and the grant is removed again. A viewer gets 403 throughout.
var consoleChecks = []check{
	{
		name: "403 when a viewer lists grants", method: "GET", path: "/grants",
		tests: status(403, "forbidden", true),
	},
	{
		name: "an admin grants a person one camera", method: "PUT", path: "/grants/newman-person@example.com", auth: "{{adminToken}}",
		body: `{"role": "viewer", "cameras": ["{{cameraId}}"]}`,
		tests: append(status(200, "", false),
			"pm.test('the grant is as written', function () {",
			"  var g = pm.response.json();",
			"  pm.expect(g.subject).to.equal('newman-person@example.com');",
			"  pm.expect(g.role).to.equal('viewer');",
			"  pm.expect(g.cameras).to.eql([pm.collectionVariables.get('cameraId')]);",
			"});"),
	},
	{
		name: "400 naming the role for a bad role", method: "PUT", path: "/grants/newman-person@example.com", auth: "{{adminToken}}",
		body:  `{"role": "root", "cameras": ["*"]}`,
		tests: append(status(400, "invalid_parameter", false), mentions("role")...),
	},
	{
		name: "400 naming the cameras for an unknown camera", method: "PUT", path: "/grants/newman-person@example.com", auth: "{{adminToken}}",
		body:  `{"role": "viewer", "cameras": ["no-such-camera"]}`,
		tests: append(status(400, "invalid_parameter", false), mentions("cameras")...),
	},
	{
		name: "400 naming the subject for an uppercase address", method: "GET", path: "/grants/Newman@Example.com", auth: "{{adminToken}}",
		tests: append(status(400, "invalid_parameter", false), mentions("subject")...),
	},
	{
		name: "409 for an owner", method: "PUT", path: "/grants/admin@example.com", auth: "{{adminToken}}",
		body:  `{"role": "viewer", "cameras": ["*"]}`,
		tests: append(status(409, "conflict", false), mentions("owner")...),
	},
	{
		name: "an admin lists grants", method: "GET", path: "/grants", auth: "{{adminToken}}",
		tests: append(status(200, "", false),
			"pm.test('the new grant is listed', function () {",
			"  pm.expect(pm.response.json().items.map(function (g) { return g.subject; })).to.include('newman-person@example.com');",
			"});"),
	},
	{
		name: "the activity trail shows the grant", method: "GET", path: "/audit", auth: "{{adminToken}}",
		query: [][2]string{{"person", "admin@example.com"}, {"limit", "5"}},
		tests: append(status(200, "", false),
			"pm.test('newest first: the grant, with its value after', function () {",
			"  var e = pm.response.json().items.filter(function (x) { return x.action === 'grant.put'; })[0];",
			"  pm.expect(e.subject).to.equal('newman-person@example.com');",
			"  pm.expect(e.after.role).to.equal('viewer');",
			"});"),
	},
	{
		name: "an admin renames the camera", method: "PATCH", path: "/cameras/{{cameraId}}", auth: "{{adminToken}}",
		body: `{"name": "Newman camera"}`,
		tests: append(status(200, "", false),
			"pm.test('the camera carries its new name', function () { pm.expect(pm.response.json().name).to.equal('Newman camera'); });"),
	},
	{
		name: "an admin removes the grant", method: "DELETE", path: "/grants/newman-person@example.com", auth: "{{adminToken}}",
		tests: status(204, "", false),
	},
	{
		name: "404 for the removed grant", method: "GET", path: "/grants/newman-person@example.com", auth: "{{adminToken}}",
		tests: status(404, "not_found", false),
	},
}
