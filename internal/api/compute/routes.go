package compute

import (
	"net/http"

	"novalite/internal/api/httpx"
	"novalite/internal/compute"
	"novalite/internal/identity"
	"novalite/internal/image"
	"novalite/internal/network"
	"novalite/internal/volume"
)

// Services are the domain services the compute API calls.
type Services struct {
	Identity *identity.Service
	Compute  *compute.Service
	Image    *image.Service
	Network  *network.Service
	Volumes  *volume.Service
}

// API is the compute HTTP API.
type API struct {
	svc    Services
	prefix string
	authed http.Handler // everything below /v2.1 but the version document
}

// New returns the compute API for mounting at prefix (e.g. "/compute").
func New(svc Services, prefix string, identityURL func(*http.Request) string) *API {
	a := &API{svc: svc, prefix: prefix}
	mux := http.NewServeMux()
	a.routes(mux)
	a.authed = httpx.Authenticate(a.project(httpx.Routed(mux, writeError)), svc.Identity, identityURL, writeError)
	return a
}

// routes lists every route of the compute API, relative to
// /v2.1[/{project_id}], with the microversions it exists in when not all
// (since(2, 26): from 2.26 on; until(2, 35): up to 2.35 included).
func (a *API) routes(mux *http.ServeMux) {
	h := func(pattern string, fn httpx.HandlerFunc, in ...versions) {
		for _, v := range in {
			fn = only(v, fn)
		}
		mux.Handle(pattern, httpx.Adapt(fn, writeError))
	}

	h("GET /servers", with(a.list, false))
	h("GET /servers/detail", with(a.list, true))
	h("POST /servers", a.createServer)
	h("GET /servers/{id}", a.showServer)
	h("PUT /servers/{id}", a.updateServer)
	h("DELETE /servers/{id}", a.deleteServer)
	h("POST /servers/{id}/action", a.serverAction)

	h("GET /os-availability-zone", with(a.availabilityZones, false))
	h("GET /os-availability-zone/detail", with(a.availabilityZones, true))
	// Admin host APIs.
	h("GET /os-hypervisors", with(a.hypervisors, false))
	h("GET /os-hypervisors/detail", with(a.hypervisors, true))
	h("GET /os-hypervisors/statistics", a.showHypervisorStatistics, until(2, 87))
	h("GET /os-hypervisors/{id}", a.showHypervisor)
	h("GET /os-hypervisors/{id}/uptime", a.showHypervisorUptime, until(2, 87))
	h("GET /os-hypervisors/{id}/search", a.searchHypervisors, until(2, 52))
	h("GET /os-hypervisors/{id}/servers", a.hypervisorServers, until(2, 52))
	h("GET /os-services", a.listServices)
	h("PUT /os-services/{id}", a.updateService)
	h("DELETE /os-services/{id}", a.deleteService)
	h("GET /os-aggregates", a.listAggregates)
	h("POST /os-aggregates", a.createAggregate)
	h("GET /os-aggregates/{id}", a.showAggregate)
	h("PUT /os-aggregates/{id}", a.updateAggregate)
	h("DELETE /os-aggregates/{id}", a.deleteAggregate)
	h("POST /os-aggregates/{id}/action", a.aggregateAction)
	h("POST /os-aggregates/{id}/images", a.cacheAggregateImages, since(2, 81))
	h("GET /os-hosts", a.listHosts, until(2, 42))
	h("GET /os-hosts/{id}", a.showHost, until(2, 42))
	h("PUT /os-hosts/{id}", a.updateHost, until(2, 42))
	h("GET /os-hosts/{id}/reboot", a.hostPowerAction("reboot", "reboot"), until(2, 42))
	h("GET /os-hosts/{id}/shutdown", a.hostPowerAction("shutdown", "shutdown"), until(2, 42))
	h("GET /os-hosts/{id}/startup", a.hostPowerAction("startup", "start"), until(2, 42))
	h("GET /os-simple-tenant-usage", a.listTenantUsages)
	h("GET /os-simple-tenant-usage/{id}", a.showTenantUsage)
	// Server sub-resources.
	h("GET /servers/{id}/metadata", a.listServerMetadata)
	h("POST /servers/{id}/metadata", a.createServerMetadata)
	h("PUT /servers/{id}/metadata", a.replaceServerMetadata)
	h("GET /servers/{id}/metadata/{key}", a.showServerMetadata)
	h("PUT /servers/{id}/metadata/{key}", a.updateServerMetadataItem)
	h("DELETE /servers/{id}/metadata/{key}", a.deleteServerMetadataItem)
	h("GET /servers/{id}/tags", a.listServerTags, since(2, 26))
	h("PUT /servers/{id}/tags", a.replaceServerTags, since(2, 26))
	h("DELETE /servers/{id}/tags", a.deleteServerTags, since(2, 26))
	h("GET /servers/{id}/tags/{tag}", a.showServerTag, since(2, 26))
	h("PUT /servers/{id}/tags/{tag}", a.addServerTag, since(2, 26))
	h("DELETE /servers/{id}/tags/{tag}", a.deleteServerTag, since(2, 26))
	h("GET /servers/{id}/ips", a.listServerIPs)
	h("GET /servers/{id}/ips/{network}", a.showServerIPs)
	h("GET /servers/{id}/os-security-groups", a.listServerSecurityGroups)
	h("GET /servers/{id}/os-instance-actions", a.listInstanceActions)
	h("GET /servers/{id}/os-instance-actions/{request_id}", a.showInstanceAction)
	h("GET /servers/{id}/os-server-password", a.showServerPassword)
	h("DELETE /servers/{id}/os-server-password", a.clearServerPassword)
	h("GET /servers/{id}/diagnostics", a.showServerDiagnostics)
	h("GET /servers/{id}/os-interface", a.listServerInterfaces)
	h("POST /servers/{id}/os-interface", a.attachServerInterface)
	h("GET /servers/{id}/os-interface/{port_id}", a.showServerInterface)
	h("DELETE /servers/{id}/os-interface/{port_id}", a.detachServerInterface)
	h("POST /servers/{id}/remote-consoles", a.createRemoteConsole, since(2, 6))
	h("GET /os-console-auth-tokens/{token}", a.showConsoleAuthToken)
	h("GET /servers/{id}/migrations", a.listServerMigrations, since(2, 23))
	h("GET /servers/{id}/migrations/{mid}", a.showServerMigration, since(2, 23))
	h("POST /servers/{id}/migrations/{mid}/action", a.forceCompleteMigration, since(2, 22))
	h("DELETE /servers/{id}/migrations/{mid}", a.abortMigration, since(2, 24))
	h("GET /os-migrations", a.listMigrations)
	h("GET /servers/{id}/os-volume_attachments", a.listVolumeAttachments)
	h("POST /servers/{id}/os-volume_attachments", a.attachVolume)
	h("GET /servers/{id}/os-volume_attachments/{volume}", a.showVolumeAttachment)
	h("PUT /servers/{id}/os-volume_attachments/{volume}", a.updateVolumeAttachment)
	h("DELETE /servers/{id}/os-volume_attachments/{volume}", a.detachVolume)

	h("GET /flavors", with(a.flavorList, false))
	h("GET /flavors/detail", with(a.flavorList, true))
	h("POST /flavors", a.createFlavor)
	h("GET /flavors/{id}", a.showFlavor)
	h("PUT /flavors/{id}", a.updateFlavor)
	h("DELETE /flavors/{id}", a.deleteFlavor)
	h("POST /flavors/{id}/action", a.flavorAction)
	h("GET /flavors/{id}/os-flavor-access", a.listFlavorAccess)
	h("GET /flavors/{id}/os-extra_specs", a.listExtraSpecs)
	h("POST /flavors/{id}/os-extra_specs", a.createExtraSpecs)
	h("GET /flavors/{id}/os-extra_specs/{key}", a.showExtraSpec)
	h("PUT /flavors/{id}/os-extra_specs/{key}", a.updateExtraSpec)
	h("DELETE /flavors/{id}/os-extra_specs/{key}", a.deleteExtraSpec)
	h("GET /os-keypairs", a.listKeypairs)
	h("POST /os-keypairs", a.createKeypair)
	h("GET /os-keypairs/{name}", a.showKeypair)
	h("DELETE /os-keypairs/{name}", a.deleteKeypair)
	h("GET /limits", a.showLimits)
	h("GET /os-quota-sets/{project}", a.showQuotaSet)
	h("PUT /os-quota-sets/{project}", a.updateQuotaSet)
	h("DELETE /os-quota-sets/{project}", a.deleteQuotaSet)
	h("GET /os-quota-sets/{project}/detail", a.showQuotaSetDetail)
	h("GET /os-quota-sets/{project}/defaults", a.showQuotaDefaults)
	h("GET /os-instance_usage_audit_log", a.listUsageAuditLogs)
	h("GET /os-instance_usage_audit_log/{before}", a.showUsageAuditLog)
	h("POST /os-server-external-events", a.createExternalEvents)
	h("GET /extensions", a.listExtensions)
	h("GET /extensions/{alias}", a.showExtension)
	h("GET /os-quota-class-sets/{id}", a.showQuotaClass)
	h("PUT /os-quota-class-sets/{id}", a.updateQuotaClass)
	h("GET /os-server-groups", a.listServerGroups)
	h("POST /os-server-groups", a.createServerGroup)
	h("GET /os-server-groups/{id}", a.showServerGroup)
	h("DELETE /os-server-groups/{id}", a.deleteServerGroup)

	// Deprecated proxies to the image, network and volume services.
	h("GET /images", a.listImagesProxy(false), until(2, 35))
	h("GET /images/detail", a.listImagesProxy(true), until(2, 35))
	h("GET /images/{id}", a.showImageProxy, until(2, 35))
	h("DELETE /images/{id}", a.deleteImageProxy, until(2, 35))
	h("GET /images/{id}/metadata", a.listImageMetadata, until(2, 38))
	h("POST /images/{id}/metadata", with(a.writeImageMetadata, false), until(2, 38))
	h("PUT /images/{id}/metadata", with(a.writeImageMetadata, true), until(2, 38))
	h("GET /images/{id}/metadata/{key}", a.showImageMetadata, until(2, 38))
	h("PUT /images/{id}/metadata/{key}", a.updateImageMetadataItem, until(2, 38))
	h("DELETE /images/{id}/metadata/{key}", a.deleteImageMetadataItem, until(2, 38))
	h("GET /os-security-groups", a.listSecurityGroupsProxy, until(2, 35))
	h("POST /os-security-groups", a.createSecurityGroupProxy, until(2, 35))
	h("GET /os-security-groups/{id}", a.showSecurityGroupProxy, until(2, 35))
	h("PUT /os-security-groups/{id}", a.updateSecurityGroupProxy, until(2, 35))
	h("DELETE /os-security-groups/{id}", a.deleteSecurityGroupProxy, until(2, 35))
	h("POST /os-security-group-rules", a.createSecurityGroupRuleProxy, until(2, 35))
	h("DELETE /os-security-group-rules/{id}", a.deleteSecurityGroupRuleProxy, until(2, 35))
	h("GET /os-floating-ips", a.listFloatingIPsProxy, until(2, 35))
	h("POST /os-floating-ips", a.createFloatingIPProxy, until(2, 35))
	h("GET /os-floating-ips/{id}", a.showFloatingIPProxy, until(2, 35))
	h("DELETE /os-floating-ips/{id}", a.deleteFloatingIPProxy, until(2, 35))
	h("GET /os-floating-ip-pools", a.listFloatingIPPoolsProxy, until(2, 35))
	h("GET /os-networks", listNetworksOf(a, "os_compute_api:os-networks:list", networkProxyView), until(2, 35))
	h("GET /os-networks/{id}", showNetworkOf(a, "os_compute_api:os-networks:view", "Network not found.", networkProxyView), until(2, 35))
	h("GET /os-tenant-networks", listNetworksOf(a, "os_compute_api:os-tenant-networks:list", tenantNetworkView), until(2, 35))
	h("GET /os-tenant-networks/{id}", showNetworkOf(a, "os_compute_api:os-tenant-networks:show", "Network not found", tenantNetworkView), until(2, 35))
	h("GET /os-volumes", volumeProxy("list", true, a.listVolumesProxy(false)), until(2, 35))
	h("GET /os-volumes/detail", volumeProxy("detail", true, a.listVolumesProxy(true)), until(2, 35))
	h("POST /os-volumes", volumeProxy("create", false, a.createVolumeProxy), until(2, 35))
	h("GET /os-volumes/{id}", volumeProxy("show", false, a.showVolumeProxy), until(2, 35))
	h("DELETE /os-volumes/{id}", volumeProxy("delete", false, a.deleteVolumeProxy), until(2, 35))
	h("GET /os-snapshots", volumeProxy("snapshots:list", true, a.listSnapshotsProxy), until(2, 35))
	h("GET /os-snapshots/detail", volumeProxy("snapshots:detail", true, a.listSnapshotsProxy), until(2, 35))
	h("POST /os-snapshots", volumeProxy("snapshots:create", false, a.createSnapshotProxy), until(2, 35))
	h("GET /os-snapshots/{id}", volumeProxy("snapshots:show", false, a.showSnapshotProxy), until(2, 35))
	h("DELETE /os-snapshots/{id}", volumeProxy("snapshots:delete", false, a.deleteSnapshotProxy), until(2, 35))

	// APIs Nova removed but still routes: 410 Gone to every authenticated
	// caller (nova-network, cells v1, os-agents, os-consoles …).
	for _, p := range []string{
		"/os-agents", "/os-agents/{id}",
		"/os-cells", "/os-cells/{rest...}",
		"/os-certificates", "/os-certificates/{rest...}",
		"/os-cloudpipe", "/os-cloudpipe/{rest...}",
		"/os-fixed-ips/{rest...}",
		"/os-floating-ip-dns", "/os-floating-ip-dns/{rest...}",
		"/os-floating-ips-bulk", "/os-floating-ips-bulk/{rest...}",
		"/os-fping", "/os-fping/{rest...}",
		"/os-security-group-default-rules", "/os-security-group-default-rules/{rest...}",
		"/servers/{id}/consoles", "/servers/{id}/consoles/{rest...}",
		"/servers/{id}/os-virtual-interfaces",
		"POST /os-networks", "DELETE /os-networks/{id}", "POST /os-networks/add", "POST /os-networks/{id}/action",
		"POST /os-tenant-networks", "DELETE /os-tenant-networks/{id}",
	} {
		h(p, gone)
	}
}

// with binds fn's flag: one handler serves the two routes that differ
// only in it (list and detail, merge and replace).
func with(fn func(http.ResponseWriter, *http.Request, bool) error, flag bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error { return fn(w, r, flag) }
}
