package httpx

import (
	"net/http"

	"novalite"
)

// Fault is the status and body key of an error kind in the fault
// dialect Nova and Cinder share: {"<key>": {"code": <status>, "message": …}}
// (their wsgi.py Fault._fault_names).
type Fault struct {
	Status int
	Key    string
}

// FaultWriter returns the ErrorWriter of that dialect: kinds missing from
// faults answer 500 with the API's unexpected-error text; an error
// without a message gets the status text ("The resource could not be
// found." for 404).
func FaultWriter(faults map[novalite.Kind]Fault, unexpected string) ErrorWriter {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		k := novalite.KindOf(err)
		f, ok := faults[k]
		msg := novalite.MessageOf(err)
		if !ok {
			f, msg = Fault{500, "computeFault"}, unexpected
		}
		if msg == "" {
			msg = http.StatusText(f.Status)
			if k == novalite.NotFound {
				msg = "The resource could not be found."
			}
		}
		WriteJSON(w, f.Status, map[string]any{f.Key: map[string]any{"code": f.Status, "message": msg}})
	}
}
