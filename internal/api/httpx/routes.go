package httpx

import "net/http"

// Routes registers the handlers of one API on Mux: Open ones as they
// are, Authed ones behind token validation; both write their errors
// with Errors.
type Routes struct {
	Mux         *http.ServeMux
	Errors      ErrorWriter
	Validator   Validator
	IdentityURL func(*http.Request) string // for the 401's WWW-Authenticate
}

// NewRoutes returns Routes on a new mux.
func NewRoutes(errors ErrorWriter, v Validator, identityURL func(*http.Request) string) Routes {
	return Routes{Mux: http.NewServeMux(), Errors: errors, Validator: v, IdentityURL: identityURL}
}

// Handler serves the routes, with JSON faults where none matches (Routed).
func (rt Routes) Handler() http.Handler { return Routed(rt.Mux, rt.Errors) }

// Open serves h at pattern to anyone.
func (rt Routes) Open(pattern string, h HandlerFunc) { rt.Mux.Handle(pattern, Adapt(h, rt.Errors)) }

// Authed serves h at pattern to callers with a valid token.
func (rt Routes) Authed(pattern string, h HandlerFunc) {
	rt.Mux.Handle(pattern, Authenticate(Adapt(h, rt.Errors), rt.Validator, rt.IdentityURL, rt.Errors))
}

// ServeRoot serves r on h, an API's mount point itself (GET /image, the
// prefix stripped to "") as its root "/", which ServeMux would redirect.
func ServeRoot(h http.Handler, w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "" {
		r.URL.Path = "/"
	}
	h.ServeHTTP(w, r)
}
