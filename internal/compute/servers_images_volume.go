package compute

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/volume"
)

// Images of volume-backed servers, as nova/compute/api.py
// snapshot_volume_backed makes them: a forced snapshot of each volume and
// an image with no data whose properties map those snapshots back to
// volumes; a create from that image makes the volumes again
// (_get_image_defined_bdms).

// isVolumeBacked is nova/compute/utils.py is_volume_backed_instance: the
// root mapping is a volume, or (no root mapping) there is no image.
func isVolumeBacked(v novalite.Server, bdms []novalite.BlockDeviceMapping) bool {
	for _, b := range bdms {
		if b.BootIndex != nil && *b.BootIndex == 0 {
			return true
		}
	}
	return v.ImageRef == ""
}

// serverVolumes reads a server of the caller and its volume mappings.
func (s *Service) serverVolumes(ctx context.Context, c *novalite.Caller, id string) (v novalite.Server, bdms []novalite.BlockDeviceMapping, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		if v, err = s.getServer(ctx, tx, c, id); err != nil {
			return err
		}
		bdms, err = tx.BDMList(ctx, v.ID)
		return err
	})
	return v, bdms, err
}

// imageMapping is one entry of the image's block_device_mapping
// property: BlockDeviceDict.get_image_mapping of snapshot_from_bdm, every
// field of a v2 mapping present (null when unset), as Nova writes it.
func imageMapping(b novalite.BlockDeviceMapping, snapshotID string, size int64) map[string]any {
	m := map[string]any{}
	for _, k := range []string{"guest_format", "image_id", "volume_id", "no_device", "tag", "volume_type",
		"encrypted", "encryption_secret_uuid", "encryption_format", "encryption_options"} {
		m[k] = nil
	}
	m["source_type"], m["destination_type"], m["snapshot_id"] = "snapshot", "volume", snapshotID
	m["device_type"], m["disk_bus"] = "disk", "virtio"
	m["delete_on_termination"], m["volume_size"], m["device_name"] = b.DeleteOnTermination, size, b.Device
	m["boot_index"] = nil
	if b.BootIndex != nil {
		m["boot_index"] = *b.BootIndex
	}
	return m
}

// snapshotVolumeBacked is createImage of a volume-backed server. Nova
// checks the state (not the lock) and records the action with an api_
// event done at once; the image is active with size 0 and no formats.
func (s *Service) snapshotVolumeBacked(ctx context.Context, c *novalite.Caller, v novalite.Server, bdms []novalite.BlockDeviceMapping,
	name string, md map[string]string) (string, error) {
	check := intents[novalite.ActionCreateImage].check
	if err := check.failure("createImage", v); err != nil {
		return "", err
	}
	if s.Volumes == nil {
		return "", novalite.Errorf(novalite.Invalid, "Block Device Mapping is Invalid: no block storage service.")
	}
	var mapping []map[string]any
	var snaps []string
	undo := func() {
		for _, id := range snaps {
			_ = s.Volumes.DeleteSnapshot(context.WithoutCancel(ctx), c, id)
		}
	}
	for _, b := range bdms {
		vol, err := s.Volumes.Get(ctx, c, b.VolumeID)
		if err != nil {
			undo()
			return "", err
		}
		sn, err := s.Volumes.CreateSnapshot(ctx, c, volume.SnapshotParams{VolumeID: b.VolumeID, Force: true,
			Name: new("snapshot for " + name), Description: vol.Description})
		if sn.ID != "" && (err == nil || novalite.IsKind(err, novalite.Internal)) {
			snaps = append(snaps, sn.ID)
		}
		if err != nil {
			undo()
			if novalite.IsKind(err, novalite.TooLarge) { // Cinder's 413: Nova's OverQuota
				return "", &novalite.Error{Kind: novalite.Forbidden, Message: "Quota exceeded for resources: snapshots", Err: err}
			}
			return "", err
		}
		mapping = append(mapping, imageMapping(b, sn.ID, vol.Size))
	}
	var imageID string
	err := s.apiAction(ctx, c, v.ID, "createImage", string(novalite.ActionCreateImage), check,
		func(tx *store.Tx, v novalite.Server, actionID int64, now time.Time) error {
			if err := s.checkImageMetadataQuota(ctx, tx, v.ProjectID, len(md)); err != nil {
				return err
			}
			im := volumeBackedImage(v, name, md, mapping, now)
			imageID = im.ID
			if err := tx.ImageInsert(ctx, im); err != nil {
				return err
			}
			return finishedEvent(ctx, tx, actionID, "api_snapshot_instance", v.Host, now)
		})
	if err != nil {
		undo()
	}
	return imageID, err
}

// volumeBackedImage is the image of snapshotVolumeBacked: the server's
// image properties, the request's, then the mapping (Glance keeps
// strings: the list as JSON, bdm_v2 as Python's str(True)).
func volumeBackedImage(v novalite.Server, name string, md map[string]string, mapping []map[string]any, now time.Time) novalite.Image {
	props := map[string]string{}
	for k, val := range v.ImageProperties {
		props[k] = val
	}
	for k, val := range md {
		props[k] = val
	}
	for _, k := range []string{"block_device_mapping", "bdm_v2", "root_device_name"} {
		delete(props, k)
	}
	if v.RootDeviceName != "" {
		props["root_device_name"] = v.RootDeviceName
	}
	if len(mapping) > 0 {
		b, _ := json.Marshal(mapping)
		props["block_device_mapping"], props["bdm_v2"] = string(b), "True"
	}
	return novalite.Image{ID: uuid.NewString(), Name: name, Status: novalite.ImageActive, Size: new(int64(0)),
		Visibility: novalite.VisibilityPrivate, Owner: v.ProjectID, Tags: []string{}, Properties: props,
		CreatedAt: now, UpdatedAt: now}
}

// imageDefinedBDMs are the mappings an image's properties carry (v2
// only, as Nova's snapshots write them); nil when there are none.
func imageDefinedBDMs(props map[string]string) []BlockDevice {
	raw := props["block_device_mapping"]
	if raw == "" || !boolOf(strings.TrimSpace(props["bdm_v2"])) {
		return nil
	}
	var out []BlockDevice
	if json.Unmarshal([]byte(raw), &out) != nil {
		return nil
	}
	for _, b := range out {
		if id := str(b["snapshot_id"]); id != "" && str(b["source_type"]) == "snapshot" {
			b["uuid"] = id
		}
	}
	return out
}

// mergeImageBDMs is Nova's _check_and_transform_bdm for an image with a
// root mapping: the request's image-to-root mapping is dropped, and a
// requested mapping replaces the image's on the same device.
func mergeImageBDMs(image, req []BlockDevice) []BlockDevice {
	byDevice := map[string]bool{}
	var kept []BlockDevice
	for _, b := range req {
		if n, ok := intOf(b["boot_index"]); ok && n == 0 && str(b["source_type"]) == "image" {
			continue
		}
		if d := devPath(str(b["device_name"])); d != "" {
			byDevice[d] = true
		}
		kept = append(kept, b)
	}
	var out []BlockDevice
	for _, b := range image {
		if !byDevice[devPath(str(b["device_name"]))] {
			out = append(out, b)
		}
	}
	return append(out, kept...)
}

// hasRoot says whether mappings include the boot device (boot_index 0).
func hasRoot(bdms []BlockDevice) bool {
	for _, b := range bdms {
		if n, ok := intOf(b["boot_index"]); ok && n == 0 {
			return true
		}
	}
	return false
}
