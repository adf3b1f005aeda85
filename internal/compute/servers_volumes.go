package compute

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/volume"
)

// A server's volumes, as Nova's API and conductor make them: create's
// block device mappings with destination_type volume are read here, the
// volumes to be made (from an image, a snapshot or blank) are created
// in the block storage service before the server's transaction, and
// every volume is attached inside it, with a block_device_mappings row.

// volumeRequest is one mapping of create with destination "volume".
type volumeRequest struct {
	source     string // volume, image, snapshot or blank
	uuid       string
	size       int64
	bootIndex  *int
	device     string
	deleteOnT  bool
	tag        string
	volumeType string
	// checkBootable: a root volume must be bootable when the create
	// names no image, its boot metadata then coming from the volume
	// (Nova's get_bdm_image_metadata); with an image Nova does not look.
	checkBootable bool
}

func bdmInvalid(format string, args ...any) error {
	return novalite.Errorf(novalite.Invalid, "Block Device Mapping is Invalid: "+format, args...)
}

// checkBDMFormat is the check of Nova's BlockDeviceDict.from_api that
// parseVolumeBDMs also makes: a mapping from anything but a blank needs
// the uuid of its source. Nova makes it as it parses the request, before
// it reads the flavor; parseVolumeBDMs runs after (and checks the
// mappings an image brings too).
func checkBDMFormat(bdms []BlockDevice) error {
	for _, b := range bdms {
		if src, _ := b["source_type"].(string); src != "" && src != "blank" && str(b["uuid"]) == "" {
			return bdmInvalid("Missing device UUID.")
		}
	}
	return nil
}

// parseVolumeBDMs picks the volume mappings of create's
// block_device_mapping(_v2) (legacy entries are volumes or snapshots)
// and says whether the server boots from one of them.
func parseVolumeBDMs(bdms []BlockDevice) (out []volumeRequest, bootsFromVolume bool, err error) {
	for _, b := range bdms {
		src, _ := b["source_type"].(string)
		dst, _ := b["destination_type"].(string)
		r := volumeRequest{source: src, tag: str(b["tag"]), volumeType: str(b["volume_type"]),
			device: str(b["device_name"])}
		r.uuid = str(b["uuid"])
		if src == "" { // legacy block_device_mapping
			switch {
			case str(b["volume_id"]) != "":
				r.source, r.uuid = "volume", str(b["volume_id"])
			case str(b["snapshot_id"]) != "":
				r.source, r.uuid = "snapshot", str(b["snapshot_id"])
			default:
				continue
			}
			dst = "volume"
			if d := strings.TrimPrefix(r.device, "/dev/"); d == "vda" || d == "sda" {
				r.bootIndex = new(0)
			}
		}
		if dst != "volume" {
			if dst == "" && src == "volume" || dst == "" && src == "snapshot" {
				dst = "volume"
			} else {
				continue
			}
		}
		if n, ok := intOf(b["volume_size"]); ok {
			r.size = n
		}
		if d, ok := b["delete_on_termination"]; ok {
			r.deleteOnT = boolOf(d)
		}
		if r.bootIndex == nil {
			if n, ok := intOf(b["boot_index"]); ok && n >= 0 {
				r.bootIndex = new(int(n))
			}
		}
		switch {
		case r.source != "blank" && r.uuid == "":
			return nil, false, bdmInvalid("Missing device UUID.")
		case r.source == "image" && r.size <= 0:
			return nil, false, novalite.Errorf(novalite.Invalid, "Images with destination_type 'volume' need to have a non-zero size specified")
		case r.source == "blank" && r.size <= 0:
			return nil, false, novalite.Errorf(novalite.Invalid, "Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size")
		}
		if r.bootIndex != nil && *r.bootIndex == 0 {
			bootsFromVolume = true
		}
		out = append(out, r)
	}
	return out, bootsFromVolume, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func intOf(v any) (int64, bool) {
	switch x := v.(type) {
	case float64:
		return int64(x), true
	case int:
		return int64(x), true
	case int64:
		return x, true
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	case interface{ Int64() (int64, error) }:
		n, err := x.Int64()
		return n, err == nil
	}
	return 0, false
}

// boolOf reads a block device mapping's boolean (delete_on_termination)
// as nova/block_device.py does, with bool_from_string.
func boolOf(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		b, _ := novalite.BoolFromString(x)
		return b
	}
	return false
}

// preparedVolume is a volume ready to attach to one server.
type preparedVolume struct {
	req      volumeRequest
	volumeID string
	created  bool // made for this server: deleted if the create fails
}

// prepareVolumes makes the volumes that create's mappings ask for
// (count sets, one per server), checking the sources as Nova's API does.
// Existing volumes are only looked up; they are attached in the
// server's transaction.
func (s *Service) prepareVolumes(ctx context.Context, c *novalite.Caller, reqs []volumeRequest, count int) ([][]preparedVolume, error) {
	if len(reqs) == 0 {
		return nil, nil
	}
	if s.Volumes == nil {
		return nil, novalite.Errorf(novalite.Invalid, "Block Device Mapping is Invalid: no block storage service.")
	}
	for _, r := range reqs {
		if r.source == "volume" && count > 1 {
			return nil, novalite.Errorf(novalite.Invalid, "Cannot attach one or more volumes to multiple instances")
		}
	}
	sets := make([][]preparedVolume, count)
	for i := range sets {
		for _, r := range reqs {
			pv := preparedVolume{req: r}
			switch r.source {
			case "volume":
				vol, err := s.Volumes.Get(ctx, c, r.uuid)
				if err != nil {
					s.deletePrepared(ctx, c, sets)
					if novalite.IsKind(err, novalite.NotFound) {
						return nil, bdmInvalid("failed to get volume %s.", r.uuid)
					}
					return nil, err
				}
				// Nova boots only from a volume Cinder calls bootable
				// (InvalidBDMVolumeNotBootable).
				if r.checkBootable && r.bootIndex != nil && *r.bootIndex == 0 && !vol.Bootable {
					s.deletePrepared(ctx, c, sets)
					return nil, novalite.Errorf(novalite.Invalid, "Block Device %s is not bootable.", r.uuid)
				}
				pv.volumeID = r.uuid
			default:
				p := volume.CreateParams{Size: r.size, Type: r.volumeType, Name: new("")}
				switch r.source {
				case "image":
					p.ImageRef = r.uuid
				case "snapshot":
					p.SnapshotID = r.uuid
				case "blank":
					p.Name = nil
				}
				v, _, err := s.Volumes.Create(ctx, c, p)
				if err != nil && v.ID == "" || err != nil && !novalite.IsKind(err, novalite.Internal) {
					s.deletePrepared(ctx, c, sets)
					return nil, bdmVolumeError(r, err)
				}
				pv.volumeID, pv.created = v.ID, true
			}
			sets[i] = append(sets[i], pv)
		}
	}
	return sets, nil
}

// bdmVolumeError words a refusal of the block storage service as Nova
// does for the mapping's source.
func bdmVolumeError(r volumeRequest, err error) error {
	switch novalite.KindOf(err) {
	case novalite.NotFound:
		if r.source == "snapshot" {
			return bdmInvalid("failed to get snapshot %s.", r.uuid)
		}
		if r.source == "image" {
			return bdmInvalid("failed to get image %s.", r.uuid)
		}
	case novalite.TooLarge: // Cinder's 413: Nova's OverQuota
		return &novalite.Error{Kind: novalite.Forbidden, Message: "Quota exceeded for resources: volumes", Err: err}
	}
	return err
}

// deletePrepared deletes the volumes made for a create that failed.
func (s *Service) deletePrepared(ctx context.Context, c *novalite.Caller, sets [][]preparedVolume) {
	for _, set := range sets {
		for _, pv := range set {
			if pv.created {
				_ = s.Volumes.Delete(context.WithoutCancel(ctx), c, pv.volumeID, volume.DeleteParams{Cascade: true, Force: true})
			}
		}
	}
}

// attachPrepared attaches a server's volumes inside its create
// transaction and records their mappings; device names not given are
// /dev/vda for the boot volume, then /dev/vdb, … after the local disk.
func (s *Service) attachPrepared(ctx context.Context, tx *store.Tx, c *novalite.Caller, v novalite.Server, set []preparedVolume, now time.Time) error {
	used := map[string]bool{}
	if v.ImageRef != "" {
		used["/dev/vda"] = true
	}
	for _, pv := range set {
		if pv.req.device != "" {
			used[devPath(pv.req.device)] = true
		}
	}
	for _, pv := range set {
		dev := devPath(pv.req.device)
		if dev == "" {
			if pv.req.bootIndex != nil && *pv.req.bootIndex == 0 && !used["/dev/vda"] {
				dev = "/dev/vda"
			} else {
				dev = nextDevice(used)
			}
			used[dev] = true
		}
		a, err := s.Volumes.AttachTx(ctx, tx, c, volume.AttachParams{VolumeID: pv.volumeID, ServerID: v.ID, Mountpoint: dev})
		if err != nil {
			return err
		}
		b := novalite.BlockDeviceMapping{ID: uuid.NewString(), InstanceUUID: v.ID, VolumeID: pv.volumeID,
			AttachmentID: a.ID, Device: dev, BootIndex: pv.req.bootIndex, DeleteOnTermination: pv.req.deleteOnT,
			Tag: pv.req.tag, SourceType: pv.req.source, CreatedAt: now}
		if err := tx.BDMInsert(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

func devPath(d string) string {
	if d == "" || strings.HasPrefix(d, "/dev/") {
		return d
	}
	return "/dev/" + d
}

// nextDevice is the first /dev/vdX not in used.
func nextDevice(used map[string]bool) string {
	for c := 'b'; c <= 'z'; c++ {
		if d := fmt.Sprintf("/dev/vd%c", c); !used[d] {
			return d
		}
	}
	for c := 'a'; c <= 'z'; c++ {
		if d := fmt.Sprintf("/dev/vda%c", c); !used[d] {
			return d
		}
	}
	return "/dev/vdzz"
}

// ReleaseServerVolumes detaches a deleted server's volumes inside tx
// and deletes those marked delete_on_termination (their files after
// the commit). A volume that cannot be deleted (it has snapshots) stays,
// available, as Nova leaves it.
func (s *Service) ReleaseServerVolumes(ctx context.Context, tx *store.Tx, serverID string) error {
	if s.Volumes == nil {
		return nil
	}
	bdms, err := tx.BDMList(ctx, serverID)
	if err != nil {
		return err
	}
	for _, b := range bdms {
		if err := s.Volumes.DetachTx(ctx, tx, b.AttachmentID); err != nil {
			return err
		}
		if err := tx.BDMDelete(ctx, b.ID); err != nil {
			return err
		}
		if b.DeleteOnTermination {
			if err := s.Volumes.DeleteTx(ctx, tx, b.VolumeID); err != nil {
				return err
			}
		}
	}
	return nil
}

// localBootImage is the image of a mapping that boots from an image on
// the local disk (source image, destination local, boot index 0), "" if
// there is none.
func localBootImage(bdms []BlockDevice) string {
	for _, b := range bdms {
		if str(b["source_type"]) == "image" && str(b["destination_type"]) != "volume" {
			if n, ok := intOf(b["boot_index"]); ok && n == 0 {
				return str(b["uuid"])
			}
		}
	}
	return ""
}
