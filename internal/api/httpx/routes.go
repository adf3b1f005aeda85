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

// Open serves h at pattern to anyone.
func (rt Routes) Open(pattern string, h HandlerFunc) { rt.Mux.Handle(pattern, Adapt(h, rt.Errors)) }

// Authed serves h at pattern to callers with a valid token.
func (rt Routes) Authed(pattern string, h HandlerFunc) {
	rt.Mux.Handle(pattern, Authenticate(Adapt(h, rt.Errors), rt.Validator, rt.IdentityURL, rt.Errors))
}
