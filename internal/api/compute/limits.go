package compute

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/policy"
)

// absoluteLimits maps quota resources to the names of GET /limits
// (nova/api/openstack/compute/views/limits.py).
var absoluteLimits = map[string][]string{
	novalite.QuotaRAM: {"maxTotalRAMSize"}, novalite.QuotaInstances: {"maxTotalInstances"},
	novalite.QuotaCores: {"maxTotalCores"}, novalite.QuotaKeyPairs: {"maxTotalKeypairs"},
	novalite.QuotaFloatingIPs: {"maxTotalFloatingIps"}, novalite.QuotaMetadataItems: {"maxServerMeta", "maxImageMeta"},
	novalite.QuotaInjectedFiles: {"maxPersonality"}, novalite.QuotaInjectedFileBytes: {"maxPersonalitySize"},
	novalite.QuotaSecurityGroups: {"maxSecurityGroups"}, novalite.QuotaSecurityGroupRules: {"maxSecurityGroupRules"},
	novalite.QuotaServerGroups: {"maxServerGroups"}, novalite.QuotaServerGroupMembers: {"maxServerGroupMembers"},
}

var usedLimits = map[string]string{
	"totalRAMUsed": novalite.QuotaRAM, "totalCoresUsed": novalite.QuotaCores,
	"totalInstancesUsed": novalite.QuotaInstances, "totalFloatingIpsUsed": novalite.QuotaFloatingIPs,
	"totalSecurityGroupsUsed": novalite.QuotaSecurityGroups, "totalServerGroupsUsed": novalite.QuotaServerGroups,
}

// limitsBody is the body of GET /limits: the absolute limits and usage
// by their names (which ones depends on the version), no rate limits.
type limitsBody struct {
	Limits limitsView `json:"limits"`
}

type limitsView struct {
	Absolute map[string]int64 `json:"absolute"`
	Rate     []struct{}       `json:"rate"` // always empty
}

// showLimits is GET /limits: the project's absolute limits and usage.
func (a *API) showLimits(w http.ResponseWriter, r *http.Request) error {
	mv, q := requestMV(r), r.URL.Query()
	if mv.AtLeast(2, 75) {
		if err := onlyParams(q, "tenant_id"); err != nil {
			return err
		}
	}
	c := httpx.Caller(r.Context())
	if err := policy.Authorize(c, "os_compute_api:limits", policy.Target{}); err != nil {
		return err
	}
	project := c.ProjectID
	if _, ok := q["tenant_id"]; ok {
		project = q.Get("tenant_id")
		if err := policy.Authorize(c, "os_compute_api:limits:other_project", policy.Target{ProjectID: project}); err != nil {
			return err
		}
	}
	limits, used, err := a.svc.Compute.Limits(r.Context(), project)
	if err != nil {
		return err
	}
	shown := map[string]bool{}
	for _, res := range quotaResources(mv) {
		shown[res] = true
	}
	abs := map[string]int64{}
	for res, names := range absoluteLimits {
		if !shown[res] {
			continue
		}
		for _, n := range names {
			if n == "maxImageMeta" && mv.AtLeast(2, 39) {
				continue
			}
			abs[n] = limits[res]
		}
	}
	for name, res := range usedLimits {
		if shown[res] {
			abs[name] = used[res]
		}
	}
	httpx.WriteJSON(w, http.StatusOK, limitsBody{limitsView{Absolute: abs, Rate: []struct{}{}}})
	return nil
}
