package compute

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
)

// NetworkItem is one entry of create's networks list.
type NetworkItem struct {
	UUID    string `json:"uuid,omitempty"`
	Port    string `json:"port,omitempty"`
	FixedIP string `json:"fixed_ip,omitempty"`
	Tag     string `json:"tag,omitempty"`
}

// networkRequest is create's networks: "auto", "none", a list, or absent
// (before 2.37, which means auto).
type networkRequest struct {
	Mode  string        `json:"mode"` // "auto", "none" or "list"
	Items []NetworkItem `json:"items,omitempty"`
}

// BlockDevice is one block_device_mapping_v2 entry, recorded as given.
type BlockDevice map[string]any

// CreateServersParams is a validated POST /servers.
type CreateServersParams struct {
	Name        string
	Description *string
	FlavorRef   string
	ImageRef    string
	// NetworksMode is "auto", "none" or "list" (Networks then).
	NetworksMode     string
	Networks         []NetworkItem
	AdminPass        string // generated when empty
	KeyName          *string
	Metadata         map[string]string
	Tags             []string
	SecurityGroups   []string
	UserData         *string
	AvailabilityZone string // as given, possibly az:host:node
	ConfigDrive      bool
	AutoDiskConfig   *bool // nil: from the image
	AccessIPv4       string
	AccessIPv6       string
	MinCount         int
	MaxCount         int
	TrustedCerts     []string
	Host             string // 2.74 requested destination
	Node             string
	Hostname         string // 2.90; derived from the name when empty
	SchedulerHints   novalite.SchedulerHints
	BlockDevices     []BlockDevice
	// ZeroDiskOK: the caller may boot an image on a flavor with no
	// disk (os_compute_api:servers:create:zero_disk_flavor).
	ZeroDiskOK bool
}

// CreateServersResult is what create answers with.
type CreateServersResult struct {
	Servers       []novalite.Server // in launch order
	AdminPass     string
	ReservationID string
}

// CreateServers creates between MinCount and MaxCount servers in one
// transaction: rows in BUILD/scheduling without a host, their ports, the
// create action; then wakes the scheduler.
func (s *Service) CreateServers(ctx context.Context, c *novalite.Caller, p CreateServersParams) (CreateServersResult, error) {
	var res CreateServersResult
	zone, err := placeRequest(&p)
	if err != nil {
		return res, err
	}
	if p.AdminPass == "" {
		p.AdminPass = generatePassword()
	}
	res.AdminPass = p.AdminPass
	res.ReservationID = "r-" + randomString(novalite.ReservationIDLen-2, "0123456789abcdefghijklmnopqrstuvwxyz")
	now := s.now().UTC()
	// Nova's order: a mapping's format is checked as the request is
	// parsed; then the flavor is read; the image, the mappings' sizes and
	// the boot sequence are checked after it (compute's API). So an
	// unknown flavor is the error of a create that has others, and no
	// volume is made for nothing.
	if err := checkBDMFormat(p.BlockDevices); err != nil {
		return res, err
	}
	flavor, err := s.flavorBeforeCreate(ctx, c, p.FlavorRef)
	if err != nil {
		return res, err
	}
	boot, err := s.bootSourceForCreate(ctx, c, &p)
	if err != nil {
		return res, err
	}
	r := createRequest{c: c, p: p, boot: boot, zone: zone, flavor: flavor}
	// The volumes to be made, one set per server, are made before the
	// transaction too.
	sets, err := s.prepareVolumes(ctx, c, boot.volumes, p.MaxCount)
	if err != nil {
		return res, err
	}
	count := 0
	defer func() {
		if err != nil {
			s.deletePrepared(ctx, c, sets)
		} else if count < len(sets) {
			s.deletePrepared(ctx, c, sets[count:])
		}
	}()
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		quotas, err := quotaSetsOf(ctx, tx, c.ProjectID, c.UserID)
		if err != nil {
			return err
		}
		flavor, keyData, err := s.checkCreate(ctx, tx, r, quotas)
		if err != nil {
			return err
		}
		if count, err = s.fitCount(ctx, tx, serverQuota{projectID: c.ProjectID, userID: c.UserID, flavor: flavor, sets: quotas}, p); err != nil {
			return err
		}
		tmpl := serverTemplate(r, flavor, keyData, now)
		tmpl.ReservationID = res.ReservationID
		res.Servers, err = s.insertServers(ctx, tx, c, p, tmpl, sets, count)
		if err != nil {
			return err
		}
		tx.NotifyOnCommit() // the schedulers
		return nil
	})
	return res, err
}

// placeRequest resolves the zone and the requested host and node from
// availability_zone and 2.74's host/hypervisor_hostname, which win.
// Placement on a requested host is the scheduler's (stored with the
// requested networks, which it reads).
func placeRequest(p *CreateServersParams) (zone string, err error) {
	zone, host, node, err := parseZone(p.AvailabilityZone)
	if err != nil {
		return "", err
	}
	if p.Host != "" {
		host, node = p.Host, p.Node
	} else if p.Node != "" {
		node = p.Node
	}
	p.Host, p.Node = host, node
	return zone, nil
}

// bootSource is what a create boots from: an image (or its error, which
// create reports after the flavor's), and the volumes to make or attach.
type bootSource struct {
	img          imageInfo
	imgErr       error
	volumes      []volumeRequest
	volumeBacked bool
}

// bootSourceForCreate reads the image before the write transaction: the
// image service reads on its own connection, which must not be awaited
// while the (single) writer is held. An image of a volume-backed server's
// snapshot brings its mappings, which boot the server from volumes; p's
// ImageRef and BlockDevices are rewritten to match.
func (s *Service) bootSourceForCreate(ctx context.Context, c *novalite.Caller, p *CreateServersParams) (bootSource, error) {
	var b bootSource
	imageGiven := p.ImageRef != ""
	b.img, b.imgErr = s.imageForCreate(ctx, c, p.ImageRef)
	if b.imgErr == nil && p.ImageRef != "" {
		if ib := imageDefinedBDMs(b.img.Properties); hasRoot(ib) {
			p.BlockDevices, p.ImageRef = mergeImageBDMs(ib, p.BlockDevices), ""
		}
	}
	var err error
	if b.volumes, b.volumeBacked, err = parseVolumeBDMs(p.BlockDevices); err != nil {
		return b, err
	}
	for i := range b.volumes {
		b.volumes[i].checkBootable = !imageGiven
	}
	if p.ImageRef == "" && !b.volumeBacked {
		p.ImageRef = localBootImage(p.BlockDevices)
		if p.ImageRef == "" {
			return b, bdmInvalid("Boot sequence for the instance and image/block device mapping combination is not valid.")
		}
		b.img, b.imgErr = s.imageForCreate(ctx, c, p.ImageRef)
	}
	if b.volumeBacked {
		b.img, b.imgErr, p.ImageRef = imageInfo{Properties: map[string]string{}, Active: true}, nil, ""
	}
	if b.imgErr != nil && len(b.volumes) > 0 {
		return b, b.imgErr
	}
	return b, nil
}

// createRequest is a create as prepared before its transaction: the
// caller, the params, the boot source and the zone asked for.
type createRequest struct {
	c    *novalite.Caller
	p    CreateServersParams
	boot bootSource
	zone string
	// flavor as read before the transaction.
	flavor novalite.FlavorSnapshot
}

// checkCreate runs create's checks in Nova's order inside the transaction
// (the flavor's read before it) and returns the flavor and the key pair's
// public key.
func (s *Service) checkCreate(ctx context.Context, tx *store.Tx, r createRequest, sets store.QuotaSets) (novalite.FlavorSnapshot, string, error) {
	c, p, boot, zone, flavor := r.c, r.p, r.boot, r.zone, r.flavor
	if boot.imgErr != nil {
		return flavor, "", boot.imgErr // reported after the flavor's, as Nova does
	}
	if err := checkAutoDiskConfig(boot.img.Properties, boot.img.ID, p.AutoDiskConfig); err != nil {
		return flavor, "", err
	}
	if p.ImageRef != "" {
		if err := checkImageFits(boot.img, flavor); err != nil {
			return flavor, "", err
		}
	}
	if flavor.RootGB == 0 && !boot.volumeBacked && !p.ZeroDiskOK {
		return flavor, "", novalite.Errorf(novalite.Forbidden, "Only volume-backed servers are allowed for flavors with zero disk.")
	}
	if zone != "" {
		ok, err := s.zoneExists(ctx, tx, zone)
		if err != nil {
			return flavor, "", err
		}
		if !ok {
			return flavor, "", novalite.Errorf(novalite.Invalid, "The requested availability zone is not available")
		}
	}
	var keyData string
	if p.KeyName != nil {
		var err error
		if keyData, err = s.keyForCreate(ctx, tx, c, *p.KeyName); err != nil {
			return flavor, "", err
		}
	}
	return flavor, keyData, metadataOver(int(limitsOf(sets, false)[novalite.QuotaMetadataItems]), len(p.Metadata))
}

// insertServers writes count servers made from tmpl, each with its
// prepared volumes (sets, when any) and its server group membership.
func (s *Service) insertServers(ctx context.Context, tx *store.Tx, c *novalite.Caller, p CreateServersParams, tmpl novalite.Server, sets [][]preparedVolume, count int) ([]novalite.Server, error) {
	var group int64
	if tmpl.ServerGroup != "" {
		var err error
		if group, err = s.groupForCreate(ctx, tx, c, tmpl.ServerGroup, count); err != nil {
			return nil, err
		}
	}
	out := make([]novalite.Server, 0, count)
	for i := 0; i < count; i++ {
		v := tmpl
		v.ID = uuid.NewString()
		v.LaunchIndex = i
		v.Name, v.Hostname = instanceNames(p, v.ID, i, count)
		if err := s.insertServer(ctx, tx, c, p, &v); err != nil {
			return nil, err
		}
		if sets != nil {
			if err := s.attachPrepared(ctx, tx, c, v, sets[i], tmpl.CreatedAt); err != nil {
				return nil, err
			}
		}
		if group != 0 {
			if err := tx.ServerGroupMemberAdd(ctx, group, v.ID); err != nil {
				return nil, err
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// instanceNames is the i-th of count servers' name and hostname: a
// multi-create numbers both from 1; a hostname given (2.90) is kept.
func instanceNames(p CreateServersParams, id string, i, count int) (name, hostname string) {
	name, hostname = p.Name, p.Hostname
	if count > 1 {
		name = fmt.Sprintf("%s-%d", p.Name, i+1)
	}
	if p.Hostname != "" {
		return name, hostname
	}
	switch h := deriveHostname(p.Name); {
	case h == "":
		hostname = "Server-" + id
	case count > 1:
		hostname = fmt.Sprintf("%s-%d", h, i+1)
	default:
		hostname = h
	}
	return name, hostname
}

// fitCount is how many servers to create: MaxCount if the quota allows,
// else as many as fit down to MinCount (Nova's behaviour), else 403.
func (s *Service) fitCount(ctx context.Context, tx *store.Tx, q serverQuota, p CreateServersParams) (int, error) {
	first := s.checkServerQuota(ctx, tx, q, p.MaxCount)
	if first == nil {
		return p.MaxCount, nil
	}
	if !novalite.IsKind(first, novalite.Forbidden) {
		return 0, first
	}
	for n := p.MaxCount - 1; n >= p.MinCount && n > 0; n-- {
		if err := s.checkServerQuota(ctx, tx, q, n); err == nil {
			return n, nil
		}
	}
	return 0, s.serverRangeQuotaError(ctx, tx, q, p.MinCount, p.MaxCount)
}

// serverTemplate is the row every server of r starts from, with flavor
// f and the key pair's public key.
func serverTemplate(r createRequest, f novalite.FlavorSnapshot, keyData string, now time.Time) novalite.Server {
	c, p, img, zone := r.c, r.p, r.boot.img, r.zone
	v := novalite.Server{
		Name: p.Name, Description: p.Description, ProjectID: c.ProjectID, UserID: c.UserID,
		ImageRef: img.ID, ImageProperties: img.Properties, Flavor: f,
		VMState: novalite.VMBuilding, TaskState: novalite.TaskScheduling, PowerState: novalite.PowerNoState,
		AvailabilityZone: zone, PinnedAZ: zone, CreatedAt: now, UpdatedAt: now,
		KeyName: p.KeyName, KeyData: keyData, ConfigDrive: p.ConfigDrive, AutoDiskConfig: img.AutoDiskConfig,
		AccessIPv4: p.AccessIPv4, AccessIPv6: p.AccessIPv6, RootDeviceName: "/dev/vda",
		UserData: p.UserData, TrustedCerts: p.TrustedCerts, SchedulerHints: p.SchedulerHints,
		AdminPasswordHash: hashPassword(p.AdminPass), Metadata: p.Metadata, Tags: p.Tags,
	}
	if p.AutoDiskConfig != nil {
		v.AutoDiskConfig = *p.AutoDiskConfig
	}
	if g := p.SchedulerHints.Group; len(g) > 0 {
		v.ServerGroup = g[0]
	}
	v.Hostname = p.Hostname
	req := networkRequest{Mode: p.NetworksMode, Items: p.Networks}
	b, _ := json.Marshal(struct {
		Networks     networkRequest `json:"networks"`
		Host         string         `json:"host,omitempty"`
		Node         string         `json:"node,omitempty"`
		BlockDevices []BlockDevice  `json:"block_device_mapping_v2,omitempty"`
		Groups       []string       `json:"security_groups,omitempty"`
	}{req, p.Host, p.Node, p.BlockDevices, p.SecurityGroups})
	v.RequestedNetworks = string(b)
	return v
}

func (s *Service) insertServer(ctx context.Context, tx *store.Tx, c *novalite.Caller, p CreateServersParams, v *novalite.Server) error {
	if err := tx.InstanceInsert(ctx, v); err != nil {
		return err
	}
	if err := s.allocatePorts(ctx, tx, c, v, networkRequest{Mode: p.NetworksMode, Items: p.Networks}, p.SecurityGroups); err != nil {
		return err
	}
	_, err := tx.InstanceActionInsert(ctx, novalite.InstanceAction{InstanceUUID: v.ID, RequestID: c.RequestID,
		Action: "create", ProjectID: c.ProjectID, UserID: c.UserID, Start: v.CreatedAt})
	return err
}

// parseZone splits Nova's availability_zone forms az, az:host,
// az:host:node and az::node.
func parseZone(s string) (zone, host, node string, err error) {
	parts := strings.Split(s, ":")
	switch len(parts) {
	case 1:
		return s, "", "", nil
	case 2:
		return parts[0], parts[1], "", nil
	case 3:
		return parts[0], parts[1], parts[2], nil
	}
	return "", "", "", novalite.Errorf(novalite.Invalid, "Unable to parse availability_zone")
}

// Nova's password alphabet (nova/utils.py, no look-alike characters).
const (
	pwDigits = "23456789"
	pwUpper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	pwLower  = "abcdefghijkmnopqrstuvwxyz"
)

// generatePassword returns 12 characters with at least one digit, one
// upper- and one lower-case letter, in random order.
func generatePassword() string {
	b := []byte(randomString(1, pwDigits) + randomString(1, pwUpper) + randomString(1, pwLower) +
		randomString(9, pwDigits+pwUpper+pwLower))
	for i := len(b) - 1; i > 0; i-- {
		j := randInt(i + 1)
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[randInt(len(alphabet))]
	}
	return string(b)
}

func randInt(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return int(v.Int64())
}

// hashPassword is how adminPass is kept: a salted SHA-256, never the
// password. Nothing reads it back; it only proves what was set.
func hashPassword(pw string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	h := sha256.Sum256(append(salt, pw...))
	return "sha256$" + base64.RawStdEncoding.EncodeToString(salt) + "$" + hex.EncodeToString(h[:])
}

var (
	hostnameSep   = regexp.MustCompile(`[ _.]`)
	hostnameWords = regexp.MustCompile(`[^\p{L}\p{N}_.-]+`)
)

// deriveHostname turns a display name into a hostname as Nova does
// (nova/utils.py sanitize_hostname); "" when nothing is left.
func deriveHostname(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r <= 0xff {
			b.WriteRune(r)
		}
	}
	h := b.String()
	if r := []rune(h); len(r) > 63 {
		h = string(r[:63])
	}
	h = hostnameSep.ReplaceAllString(h, "-")
	h = hostnameWords.ReplaceAllString(h, "")
	h = strings.ToLower(h)
	return strings.Trim(h, "-.")
}

type quotaCheck struct {
	resource        string
	requested, used int64
	limit           int64
}

// quotaError words Nova's over-quota 403 for every resource over limit.
func quotaError(checks []quotaCheck) error {
	var res, req, used, lim []string
	for _, q := range checks {
		if q.limit >= 0 && q.used+q.requested > q.limit {
			res = append(res, q.resource)
			req = append(req, strconv.FormatInt(q.requested, 10))
			used = append(used, strconv.FormatInt(q.used, 10))
			lim = append(lim, strconv.FormatInt(q.limit, 10))
		}
	}
	if len(res) == 0 {
		return nil
	}
	r := strings.Join(res, ", ")
	return novalite.Errorf(novalite.Forbidden, "Quota exceeded for %s: Requested %s, but already used %s of %s %s",
		r, strings.Join(req, ", "), strings.Join(used, ", "), strings.Join(lim, ", "), r)
}
