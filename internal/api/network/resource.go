package network

import (
	"context"
	"net/http"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/network"
)

// resource is one Neutron collection served the same way for every
// kind: list, show, create, update and delete differ only in the
// service calls, the body reader and the view. T is the stored item,
// P the body's parameters.
type resource[T, P any] struct {
	id     func(T) string
	view   func(T, *novalite.Caller) map[string]any
	read   func(r *http.Request, action string) (P, error) // action: "create" or "update"
	list   func(*http.Request, *novalite.Caller, network.ListParams) ([]T, error)
	get    func(context.Context, *novalite.Caller, string) (T, error)
	create func(context.Context, *novalite.Caller, P) (T, error)
	update func(context.Context, *novalite.Caller, string, P) (T, error) // nil: no PUT
	del    func(context.Context, *novalite.Caller, string) error
}

// crud are a collection's handlers, for the route table.
type crud struct{ list, show, create, update, del httpx.HandlerFunc }

// serve returns the handlers of res, whose collection's JSON key is coll
// (security_groups; an item's: security_group).
func serve[T, P any](a *API, coll string, res resource[T, P]) crud {
	key := strings.TrimSuffix(coll, "s")
	// answer writes one item, or returns the service's error.
	answer := func(w http.ResponseWriter, r *http.Request, c *novalite.Caller, x T, err error, status int) error {
		if err != nil {
			return err
		}
		return a.showOne(w, r, key, res.view(x, c), status)
	}
	var h crud
	h.list = func(w http.ResponseWriter, r *http.Request) error {
		p, err := listParams(r)
		if err != nil {
			return err
		}
		c := httpx.Caller(r.Context())
		xs, err := res.list(r, c, p)
		if err != nil {
			return err
		}
		items := make([]map[string]any, len(xs))
		for i, x := range xs {
			items[i] = res.view(x, c)
		}
		return a.render(w, r, coll, items, p, func(i int) string { return res.id(xs[i]) })
	}
	h.show = func(w http.ResponseWriter, r *http.Request) error {
		c := httpx.Caller(r.Context())
		x, err := res.get(r.Context(), c, r.PathValue("id"))
		return answer(w, r, c, x, err, http.StatusOK)
	}
	h.create = func(w http.ResponseWriter, r *http.Request) error {
		p, err := res.read(r, "create")
		if err != nil {
			return err
		}
		c := httpx.Caller(r.Context())
		x, err := res.create(r.Context(), c, p)
		return answer(w, r, c, x, err, http.StatusCreated)
	}
	if res.update != nil {
		h.update = func(w http.ResponseWriter, r *http.Request) error {
			p, err := res.read(r, "update")
			if err != nil {
				return err
			}
			c := httpx.Caller(r.Context())
			x, err := res.update(r.Context(), c, r.PathValue("id"), p)
			return answer(w, r, c, x, err, http.StatusOK)
		}
	}
	h.del = func(w http.ResponseWriter, r *http.Request) error {
		if err := res.del(r.Context(), httpx.Caller(r.Context()), r.PathValue("id")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return h
}

// listed adapts a service's list method, which needs no more of the
// request than its list parameters.
func listed[T any](f func(context.Context, *novalite.Caller, network.ListParams) ([]T, error)) func(*http.Request, *novalite.Caller, network.ListParams) ([]T, error) {
	return func(r *http.Request, c *novalite.Caller, p network.ListParams) ([]T, error) {
		return f(r.Context(), c, p)
	}
}

// anyone is a view that shows every caller the same.
func anyone[T any](view func(T) map[string]any) func(T, *novalite.Caller) map[string]any {
	return func(x T, _ *novalite.Caller) map[string]any { return view(x) }
}

// forAction adapts a body reader that reads creates and updates alike.
func forAction[P any](read func(*http.Request) (P, error)) func(*http.Request, string) (P, error) {
	return func(r *http.Request, _ string) (P, error) { return read(r) }
}
