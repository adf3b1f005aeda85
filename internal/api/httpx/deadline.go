package httpx

import (
	"context"
	"io"
	"net/http"
	"time"
)

// Deadline gives every request through next a deadline d from its
// start: its context ends then, and with it the store's queries, which
// answer Unavailable (503) instead of waiting for a database that does
// not answer.
func Deadline(next http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Streamed lets next move a body of any size (image data): rather than
// the server's limits on the whole request, each read of the request body
// must make progress within read and each write of the answer within
// write, so a transfer that keeps moving is never cut off and one that
// stalls is.
func Streamed(next http.Handler, read, write time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Now().Add(read))
		_ = rc.SetWriteDeadline(time.Now().Add(write))
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &progressReader{ReadCloser: r.Body, extend: func() { _ = rc.SetReadDeadline(time.Now().Add(read)) }}
		}
		next.ServeHTTP(&progressWriter{ResponseWriter: w, extend: func() { _ = rc.SetWriteDeadline(time.Now().Add(write)) }}, r)
	})
}

type progressReader struct {
	io.ReadCloser
	extend func()
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.ReadCloser.Read(b)
	if n > 0 {
		p.extend()
	}
	return n, err
}

type progressWriter struct {
	http.ResponseWriter
	extend func()
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.ResponseWriter.Write(b)
	if n > 0 {
		p.extend()
	}
	return n, err
}

func (p *progressWriter) Unwrap() http.ResponseWriter { return p.ResponseWriter }
