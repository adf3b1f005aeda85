package compute

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// Nova's deprecated block storage proxies, os-volumes and os-snapshots
// (nova/api/openstack/compute/volumes.py, snapshots.py), served up to
// microversion 2.35. With no block storage service they answer as a Nova
// whose Cinder holds nothing: empty lists, 404 for any id. Creating is
// not offered (there is nothing to create a volume in).

// volumeProxy returns a handler that checks the
// paging parameters of a list and the os-volumes rule, then answers with
// fn.
func volumeProxy(rule string, list bool, fn httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if list {
			for _, k := range []string{"limit", "offset"} {
				if _, err := nonNegativeParam(r, k); err != nil {
					return err
				}
			}
		}
		if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-volumes:"+rule,
			policy.Target{}); err != nil {
			return err
		}
		return fn(w, r)
	}
}

func emptyList(key string) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		httpx.WriteJSON(w, http.StatusOK, map[string]any{key: []any{}})
		return nil
	}
}

func volumeMissing(w http.ResponseWriter, r *http.Request) error {
	return compute.VolumeNotFound(r.PathValue("id"))
}

func snapshotMissing(w http.ResponseWriter, r *http.Request) error {
	return novalite.Errorf(novalite.NotFound, "Snapshot %s could not be found.", r.PathValue("id"))
}
