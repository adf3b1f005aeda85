package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// apiVersion is the compute microversion of every request: the newest, as
// recent clients send.
const apiVersion = "compute 2.100"

// client makes JSON requests over one keep-alive transport shared by all
// workers (a transport per worker would cost the client ~10 %), each to
// the next of its bases in turn (the API replicas).
type client struct {
	hc    *http.Client
	bases []string
	next  atomic.Uint64
}

func newClient(conns int, bases ...string) *client {
	tr := &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, IdleConnTimeout: time.Minute}
	return &client{hc: &http.Client{Transport: tr, Timeout: 2 * time.Minute}, bases: bases}
}

// base is the URL of the next request's server, round-robin.
func (c *client) base() string {
	if len(c.bases) == 1 {
		return c.bases[0]
	}
	return c.bases[(c.next.Add(1)-1)%uint64(len(c.bases))]
}

// send sends body (JSON unless nil); the caller reads and closes the
// answer's body.
func (c *client) send(ctx context.Context, method, path, token string, body any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base()+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	req.Header.Set("OpenStack-API-Version", apiVersion)
	return c.hc.Do(req)
}

// do is send that returns the status, the headers and the body read in
// full.
func (c *client) do(ctx context.Context, method, path, token string, body any) (int, http.Header, []byte, error) {
	resp, err := c.send(ctx, method, path, token, body)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

// expect is send that fails unless the status is want; out (if not nil)
// receives the decoded body. A body nothing decodes is drained, not kept:
// the load rows' list pages (100–200 KB each) read into new slices were a
// quarter of the load generator's CPU, and its collector's scans of them
// another third, on the two cores it shares with serve.
func (c *client) expect(ctx context.Context, want int, method, path, token string, body, out any) (http.Header, error) {
	resp, err := c.send(ctx, method, path, token, body)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return resp.Header, fmt.Errorf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return resp.Header, err
		}
		return resp.Header, json.Unmarshal(b, out)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.Header, err
}

// identity is a token and what it is scoped to.
type identity struct {
	token, projectID, userID string
}

func passwordAuth(user, password string) map[string]any {
	dom := map[string]any{"id": "default"}
	return map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"},
			"password": map[string]any{"user": map[string]any{"name": user, "domain": dom, "password": password}}},
		"scope": map[string]any{"project": map[string]any{"name": user, "domain": dom}}}}
}

// login issues a token for user scoped to the project of the same name
// (admin, demo).
func (c *client) login(ctx context.Context, user, password string) (identity, error) {
	var out struct {
		Token struct {
			Project struct{ ID string } `json:"project"`
			User    struct{ ID string } `json:"user"`
		} `json:"token"`
	}
	h, err := c.expect(ctx, http.StatusCreated, "POST", "/identity/v3/auth/tokens", "", passwordAuth(user, password), &out)
	if err != nil {
		return identity{}, err
	}
	return identity{token: h.Get("X-Subject-Token"), projectID: out.Token.Project.ID, userID: out.Token.User.ID}, nil
}
