package compute

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/network"
)

// addSecurityGroup and removeSecurityGroup change the groups of every
// port of a server in the Network service.

var secGroupValue = obj{"type": "object", "properties": obj{"name": obj{"type": "string", "minLength": 1, "maxLength": 255}},
	"required": []any{"name"}, "additionalProperties": false}

// secGroupAction is addSecurityGroup (add) or removeSecurityGroup.
func secGroupAction(add bool) actionFunc {
	return func(a *API, w http.ResponseWriter, r *http.Request, act actionCall) error {
		q, s, err := actionOn[struct {
			Name string `json:"name"`
		}](a, r, act, fixed(secGroupValue))
		if err != nil {
			return err
		}
		if a.svc.Network == nil {
			return novalite.Errorf(novalite.NotImplemented, "Network service is not available.")
		}
		if err := a.svc.Network.ServerSecurityGroup(r.Context(),
			network.SecurityGroupChange{ProjectID: s.ProjectID, ServerID: s.ID, Group: q.Name, Add: add}); err != nil {
			return err
		}
		httpx.WriteEmpty(w, http.StatusAccepted)
		return nil
	}
}
