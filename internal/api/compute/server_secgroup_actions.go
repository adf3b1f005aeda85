package compute

import (
	"encoding/json"
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
)

// addSecurityGroup and removeSecurityGroup change the groups of every
// port of a server in the Network service.

func init() {
	serverActions["addSecurityGroup"] = serverAction{min: microversion.Min, handle: secGroupAction("addSecurityGroup", true)}
	serverActions["removeSecurityGroup"] = serverAction{min: microversion.Min, handle: secGroupAction("removeSecurityGroup", false)}
}

var secGroupValue = obj{"type": "object", "properties": obj{"name": obj{"type": "string", "minLength": 1, "maxLength": 255}},
	"required": []any{"name"}, "additionalProperties": false}

func secGroupAction(action string, add bool) actionFunc {
	rule := map[bool]string{true: "os_compute_api:os-security-groups:add", false: "os_compute_api:os-security-groups:remove"}[add]
	return func(a *API, w http.ResponseWriter, r *http.Request, raw json.RawMessage) error {
		v, err := actionValue(action, MV(r), raw, fixed(secGroupValue))
		if err != nil {
			return err
		}
		name, _ := asMap(v)["name"].(string)
		s, err := a.findServer(r, rule)
		if err != nil {
			return err
		}
		if a.svc.Network == nil {
			return novalite.Errorf(novalite.NotImplemented, "Network service is not available.")
		}
		if err := a.svc.Network.ServerSecurityGroup(r.Context(), s.ProjectID, s.ID, name, add); err != nil {
			return err
		}
		httpx.WriteEmpty(w, http.StatusAccepted)
		return nil
	}
}
