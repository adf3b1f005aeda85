// Package novalite holds the shared vocabulary of the project: the error
// kinds every layer speaks, and plain types shared by store, services and
// views. It imports nothing of ours.
package novalite

import (
	"errors"
	"fmt"
)

// Kind classifies an error; the API layer maps each kind to a status code
// and a fault key of the dialect it speaks (Nova, Keystone, Glance, Neutron).
type Kind int

// Error kinds, after upspin's errors package.
const (
	Internal       Kind = iota // unexpected; 500
	Invalid                    // bad input; 400
	Unauthorized               // missing or bad credentials; 401
	Forbidden                  // policy denial, quota; 403
	NotFound                   // 404
	NotAllowed                 // method not allowed; 405
	NotAcceptable              // unsupported microversion; 406
	Conflict                   // duplicate, invalid state, locked; 409
	TooLarge                   // request body too large; 413
	BadMediaType               // unsupported Content-Type; 415
	OverLimit                  // rate/quota over limit; 429 (or 413 in legacy)
	NotImplemented             // driver lacks the feature; 501
	Unavailable                // dependency (database) unavailable; 503
)

var kindNames = [...]string{"internal", "invalid", "unauthorized", "forbidden", "not found",
	"not allowed", "not acceptable", "conflict", "too large", "bad media type", "over limit",
	"not implemented", "unavailable"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is the error type of the domain. Message is the exact text the
// client sees (in the wording of the service being imitated); Err is the
// cause, logged but never sent.
type Error struct {
	Kind    Kind
	Message string
	Err     error
	// Reason is an optional machine-readable error type for dialects
	// that send one (Neutron's "IpAddressGenerationFailure", ...).
	Reason string
}

func (e *Error) Error() string {
	switch {
	case e.Err != nil && e.Message != "":
		return e.Message + ": " + e.Err.Error()
	case e.Err != nil:
		return e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of kind k with a formatted client message.
func Errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error of kind k whose cause is err.
func Wrap(k Kind, err error, msg string) *Error {
	return &Error{Kind: k, Message: msg, Err: err}
}

// KindOf reports the kind of err: the kind of the first *Error in its
// chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// MessageOf reports the client-facing message of err, or "" if it has none.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		if e.Message != "" {
			return e.Message
		}
		return MessageOf(e.Err)
	}
	return ""
}

// IsKind reports whether err is of kind k.
func IsKind(err error, k Kind) bool { return err != nil && KindOf(err) == k }
