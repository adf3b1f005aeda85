package volume

import (
	"net/http"
	"slices"

	"novalite/internal/api/httpx"
	"novalite/internal/volume"
)

// showVolumeSummary is GET /v3/volumes/summary (3.12): the count and total
// size of the volumes the caller lists (all projects' for an admin with
// all_tenants), and from 3.36 each metadata key with its distinct
// values. Before 3.12 "summary" is a volume id, as in Cinder.
func (a *API) showVolumeSummary(w http.ResponseWriter, r *http.Request) error {
	if !requestMV(r).AtLeast(3, 12) {
		r.SetPathValue("id", "summary")
		return a.showVolume(w, r)
	}
	if err := authorize(r, "volume:get_all", ""); err != nil {
		return err
	}
	lq, err := readList(r, volumeAttrs)
	if err != nil {
		return err
	}
	p := volume.ListParams{AllProjects: lq.all, ProjectID: lq.q.Get("project_id"), Limit: maxLimit}
	count, size := 0, int64(0)
	meta := map[string][]string{}
	for {
		vs, err := a.svc.List(r.Context(), httpx.Caller(r.Context()), p)
		if err != nil {
			return err
		}
		for _, v := range vs {
			count++
			size += v.Size
			for k, val := range v.Metadata {
				if !slices.Contains(meta[k], val) {
					meta[k] = append(meta[k], val)
				}
			}
		}
		if len(vs) < p.Limit {
			break
		}
		p.Marker = vs[len(vs)-1].ID
	}
	s := obj{"total_count": count, "total_size": size}
	if requestMV(r).AtLeast(3, 36) {
		s["metadata"] = meta
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"volume-summary": s})
	return nil
}
