package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"

	"github.com/camvault/camvault/authorizer/grantstest"
	"github.com/camvault/camvault/local/stack"
)

// Loopback refuses a URL whose host is not a loopback address: the load
// and the faults never leave this machine.
func Loopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("soak: %q: %w", raw, err)
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("soak: %s is not on loopback; refusing to send load there", raw)
	}
	return nil
}

// Grant admits RestrictedEmail as a viewer of cameras only, through the
// stack's allowlist table (the way an operator restricts someone).
func Grant(ctx context.Context, info stack.Info, cameras []string) error {
	ddb := grantstest.Client(info.DynamoDBURL)
	return grantstest.Put(ctx, ddb, info.AllowlistTable, RestrictedEmail, "viewer", cameras)
}

// Discover lists the cameras and up to perCamera clips of each, as admin.
func Discover(ctx context.Context, client *http.Client, apiURL, adminHeader string, perCamera int) (Catalog, error) {
	get := func(path string, v any) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, apiURL+path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", adminHeader)
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("GET %s: %w", path, err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
		}
		return json.NewDecoder(resp.Body).Decode(v)
	}
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := get("/cameras", &list); err != nil {
		return Catalog{}, err
	}
	c := Catalog{Clips: map[string][]string{}}
	for _, cam := range list.Items {
		c.Cameras = append(c.Cameras, cam.ID)
		var clips struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if err := get(fmt.Sprintf("/cameras/%s/videos?limit=%d", url.PathEscape(cam.ID), perCamera), &clips); err != nil {
			return Catalog{}, err
		}
		for _, v := range clips.Items {
			c.Clips[cam.ID] = append(c.Clips[cam.ID], v.ID)
		}
	}
	if len(c.Cameras) < 2 {
		return Catalog{}, fmt.Errorf("the stack has %d cameras; the load needs at least 2 (one granted, one not)", len(c.Cameras))
	}
	return c, nil
}

// Prepare mints everyone's tokens, gives the restricted3 person their
// cameras with clips and an audience index (PrepareAudience), grants the
// restricted person the first camera and discovers the catalog: all a Run
// needs besides its bounds.
func Prepare(ctx context.Context, client *http.Client, info stack.Info) (People, Catalog, error) {
	for _, u := range []string{info.APIURL, info.IssuerURL, info.DynamoDBURL} {
		if err := Loopback(u); err != nil {
			return People{}, Catalog{}, err
		}
	}
	iss := Issuer{URL: info.IssuerURL, Client: client}
	people, err := MintPeople(ctx, iss)
	if err != nil {
		return People{}, Catalog{}, err
	}
	granted3, timeline3, err := PrepareAudience(ctx, client, info, people.Admin)
	if err != nil {
		return People{}, Catalog{}, err
	}
	cat, err := Discover(ctx, client, info.APIURL, people.Admin.Header, 20)
	if err != nil {
		return People{}, Catalog{}, err
	}
	cat.Granted3, cat.Timeline3 = granted3, timeline3
	outside := 0
	for _, cam := range cat.Cameras {
		if !slices.Contains(granted3, cam) && len(cat.Clips[cam]) > 0 {
			outside++
		}
	}
	if outside == 0 || len(cat.Cameras) < 4 {
		return People{}, Catalog{}, fmt.Errorf("the stack has %d cameras, %d with clips outside %v; the load needs one at least", len(cat.Cameras), outside, granted3)
	}
	cat.Granted = cat.Cameras[:1]
	if err := Grant(ctx, info, cat.Granted); err != nil {
		return People{}, Catalog{}, err
	}
	return people, cat, nil
}
