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
	RequestID   string
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
	SchedulerHints   map[string][]string
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
	zone, host, node, err := parseZone(p.AvailabilityZone)
	if err != nil {
		return res, err
	}
	if p.Host != "" {
		host, node = p.Host, p.Node
	} else if p.Node != "" {
		node = p.Node
	}
	// Placement on a requested host is the scheduler's (stored with the
	// requested networks, which it reads).
	p.Host, p.Node = host, node
	if p.AdminPass == "" {
		p.AdminPass = generatePassword()
	}
	res.AdminPass = p.AdminPass
	res.ReservationID = "r-" + randomString(8, "0123456789abcdefghijklmnopqrstuvwxyz")
	now := s.now().UTC()
	// The image is read before the write transaction: the image service
	// reads on its own connection, which must not be awaited while the
	// (single) writer is held. An image of a volume-backed server's
	// snapshot brings its mappings, which boot the server from volumes.
	img, imgErr := s.imageForCreate(ctx, c, p.ImageRef)
	if imgErr == nil && p.ImageRef != "" {
		if ib := imageDefinedBDMs(img.Properties); hasRoot(ib) {
			p.BlockDevices, p.ImageRef = mergeImageBDMs(ib, p.BlockDevices), ""
		}
	}
	volumes, volumeBacked, err := parseVolumeBDMs(p.BlockDevices)
	if err != nil {
		return res, err
	}
	if p.ImageRef == "" && !volumeBacked {
		p.ImageRef = localBootImage(p.BlockDevices)
		if p.ImageRef == "" {
			return res, bdmInvalid("Boot sequence for the instance and image/block device mapping combination is not valid.")
		}
		img, imgErr = s.imageForCreate(ctx, c, p.ImageRef)
	}
	if volumeBacked {
		img, imgErr, p.ImageRef = imageInfo{Properties: map[string]string{}, Active: true}, nil, ""
	}
	if imgErr != nil && len(volumes) > 0 {
		return res, imgErr
	}
	// So are the volumes to be made, one set per server.
	sets, err := s.prepareVolumes(ctx, c, volumes, p.MaxCount)
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
		flavor, err := s.flavorForCreate(ctx, tx, c, p.FlavorRef)
		if err != nil {
			return err
		}
		if imgErr != nil {
			return imgErr // reported after the flavor's, as Nova does
		}
		if p.ImageRef != "" {
			if err := checkImageFits(img, flavor); err != nil {
				return err
			}
		}
		if flavor.RootGB == 0 && !volumeBacked && !p.ZeroDiskOK {
			return novalite.Errorf(novalite.Forbidden, "Only volume-backed servers are allowed for flavors with zero disk.")
		}
		if zone != "" {
			ok, err := s.zoneExists(ctx, tx, zone)
			if err != nil {
				return err
			}
			if !ok {
				return novalite.Errorf(novalite.Invalid, "The requested availability zone is not available")
			}
		}
		var keyData string
		if p.KeyName != nil {
			if keyData, err = s.keyForCreate(ctx, tx, c, *p.KeyName); err != nil {
				return err
			}
		}
		if err := s.checkMetadataQuota(ctx, tx, c.ProjectID, len(p.Metadata)); err != nil {
			return err
		}
		n, err := s.fitCount(ctx, tx, c, p, flavor)
		if err != nil {
			return err
		}
		count = n
		tmpl := s.serverTemplate(c, p, flavor, img, zone, keyData, now)
		var group int64
		if tmpl.ServerGroup != "" {
			if group, err = s.groupForCreate(ctx, tx, c, tmpl.ServerGroup, count); err != nil {
				return err
			}
		}
		tmpl.ReservationID = res.ReservationID
		for i := 0; i < count; i++ {
			v := tmpl
			v.ID = uuid.NewString()
			v.LaunchIndex = i
			if p.Hostname == "" {
				switch h := deriveHostname(p.Name); {
				case h == "":
					v.Hostname = "Server-" + v.ID
				case count > 1:
					v.Hostname = fmt.Sprintf("%s-%d", h, i+1)
				default:
					v.Hostname = h
				}
			}
			if count > 1 {
				v.Name = fmt.Sprintf("%s-%d", p.Name, i+1)
			}
			if err := s.insertServer(ctx, tx, c, p, &v); err != nil {
				return err
			}
			if sets != nil {
				if err := s.attachPrepared(ctx, tx, c, v, sets[i], now); err != nil {
					return err
				}
			}
			if group != 0 {
				if err := tx.ServerGroupMemberAdd(ctx, group, v.ID); err != nil {
					return err
				}
			}
			res.Servers = append(res.Servers, v)
		}
		tx.NotifyOnCommit() // the schedulers, in other processes
		s.Waker.After(tx)
		return nil
	})
	return res, err
}

// fitCount is how many servers to create: MaxCount if the quota allows,
// else as many as fit down to MinCount (Nova's behaviour), else 403.
func (s *Service) fitCount(ctx context.Context, tx *store.Tx, c *novalite.Caller, p CreateServersParams, f novalite.FlavorSnapshot) (int, error) {
	first := s.checkServerQuota(ctx, tx, c.ProjectID, c.UserID, p.MaxCount, f)
	if first == nil {
		return p.MaxCount, nil
	}
	if !novalite.IsKind(first, novalite.Forbidden) {
		return 0, first
	}
	for n := p.MaxCount - 1; n >= p.MinCount && n > 0; n-- {
		if err := s.checkServerQuota(ctx, tx, c.ProjectID, c.UserID, n, f); err == nil {
			return n, nil
		}
	}
	return 0, s.serverRangeQuotaError(ctx, tx, c.ProjectID, c.UserID, p.MinCount, p.MaxCount, f)
}

func (s *Service) serverTemplate(c *novalite.Caller, p CreateServersParams, f novalite.FlavorSnapshot, img imageInfo, zone, keyData string, now time.Time) novalite.Server {
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
	if g := p.SchedulerHints["group"]; len(g) > 0 {
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
	_, err := tx.InstanceActionInsert(ctx, novalite.InstanceAction{InstanceUUID: v.ID, RequestID: p.RequestID,
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
