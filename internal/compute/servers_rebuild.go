package compute

import (
	"context"
	"errors"
	"time"

	"novalite"
	"novalite/internal/store"
)

// RebuildParams are the fields of the rebuild action; nil (or a Nullable
// not Set) leaves a field as it is. ImageRef is required.
type RebuildParams struct {
	ImageRef       string
	Name           *string
	AdminPass      string
	Metadata       map[string]string // nil: keep; replaces all when set
	AccessIPv4     *string
	AccessIPv6     *string
	AutoDiskConfig *bool
	Description    novalite.Nullable[string]
	KeyName        novalite.Nullable[string] // 2.54: set or (Null) unset
	UserData       novalite.Nullable[string] // 2.57
	TrustedCerts   *[]string
	Hostname       *string // 2.90
	// ReimageBootVolume (2.93): a volume-backed server may change image,
	// its root volume is written over with it.
	ReimageBootVolume bool
}

// RebuildServer is the rebuild action: the server's fields change at
// once (as Nova saves them before casting) and the agent re-creates the
// guest. It returns the admin password and the server as it now is.
func (s *Service) RebuildServer(ctx context.Context, c *novalite.Caller, id string, p RebuildParams) (string, ServerInfo, error) {
	if p.AdminPass == "" {
		p.AdminPass = generatePassword()
	}
	// The image service reads on its own connection: before the writer.
	img, imgErr := s.imageForCreate(ctx, c, p.ImageRef)
	var reimage string // the root volume to write the image over
	err := s.startTask(ctx, c, id, novalite.ActionRebuild, func(tx *store.Tx, v novalite.Server, now time.Time) (bool, error) {
		if imgErr != nil {
			if novalite.IsKind(imgErr, novalite.Invalid) {
				return false, novalite.Errorf(novalite.Invalid, "Cannot find image for rebuild")
			}
			return false, imgErr
		}
		if err := checkAutoDiskConfig(img.Properties, img.ID, p.AutoDiskConfig); err != nil {
			return false, err
		}
		if err := checkImageFits(img, v.Flavor); err != nil {
			return false, err
		}
		// Left out, auto_disk_config is the new image's again (Nova's
		// _inherit_properties_from_image on rebuild).
		autoDisk := p.AutoDiskConfig
		if autoDisk == nil {
			autoDisk = &img.AutoDiskConfig
		}
		root, err := s.rebuildRoot(ctx, tx, v, img.ID, p.ReimageBootVolume)
		if err != nil {
			return false, err
		}
		imageRef := &img.ID
		if root != nil {
			// Nova keeps image_ref "" (its mark of volume-backed) and
			// re-images the root volume only from 2.93.
			imageRef = nil
			if p.ReimageBootVolume {
				reimage = root.VolumeID
			}
		}
		if err := s.checkMetadataQuota(ctx, tx, v.ProjectID, len(p.Metadata)); err != nil {
			return false, err
		}
		up := store.InstanceUpdateParams{InternalID: v.InternalID, Name: p.Name, Description: p.Description,
			Hostname: p.Hostname, AccessIPv4: p.AccessIPv4, AccessIPv6: p.AccessIPv6, AutoDiskConfig: autoDisk,
			ImageRef: imageRef, ImageProperties: img.Properties, UserData: p.UserData, TrustedCerts: p.TrustedCerts, Now: now}
		if p.KeyName.Set {
			var data string
			if name := p.KeyName.Ptr(); name != nil {
				var err error
				if data, err = s.keyForCreate(ctx, tx, c, *name); err != nil {
					return false, err
				}
			}
			up.KeyName, up.KeyData = p.KeyName, &data
		}
		if err := tx.InstanceUpdate(ctx, up); err != nil {
			return false, err
		}
		if p.Metadata != nil {
			if err := tx.InstanceMetadataReplace(ctx, v.InternalID, p.Metadata); err != nil {
				return false, err
			}
		}
		return false, tx.InstanceSetPasswordHash(ctx, v.InternalID, hashPassword(p.AdminPass))
	})
	if err != nil {
		return "", ServerInfo{}, err
	}
	if reimage != "" {
		if err := s.Volumes.Reimage(ctx, c, reimage, img.ID); err != nil {
			return "", ServerInfo{}, err
		}
	}
	info, err := s.GetServer(ctx, c, id)
	return p.AdminPass, info, err
}

// rebuildRoot is the root volume mapping of a volume-backed server (nil
// for one booted from an image). Below 2.93 Nova refuses another image
// than the one in the root volume (compute/api.py rebuild).
func (s *Service) rebuildRoot(ctx context.Context, tx *store.Tx, v novalite.Server, imageID string, reimage bool) (*novalite.BlockDeviceMapping, error) {
	bdms, err := tx.BDMList(ctx, v.ID)
	if err != nil || !isVolumeBacked(v, bdms) {
		return nil, err
	}
	var root *novalite.BlockDeviceMapping
	for i, b := range bdms {
		if b.BootIndex != nil && *b.BootIndex == 0 {
			root = &bdms[i]
		}
	}
	if root == nil {
		return nil, errors.New("compute: unable to find root block device mapping for volume-backed instance")
	}
	vol, err := tx.VolumeGet(ctx, root.VolumeID, "")
	if err != nil {
		return nil, err
	}
	if vol.ImageMetadata["image_id"] != imageID && !reimage {
		return nil, novalite.Errorf(novalite.Invalid,
			"Image %s is unacceptable: Unable to rebuild with a different image for a volume-backed server.", imageID)
	}
	return root, nil
}
