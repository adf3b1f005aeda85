package compute

import (
	"context"
	"time"

	"novalite"
	"novalite/internal/store"
)

// RebuildParams are the fields of the rebuild action; nil leaves a field
// as it is. ImageRef is required.
type RebuildParams struct {
	ImageRef       string
	Name           *string
	AdminPass      string
	Metadata       map[string]string // nil: keep; replaces all when set
	AccessIPv4     *string
	AccessIPv6     *string
	AutoDiskConfig *bool
	Description    **string
	KeyName        **string // 2.54: set or (nil value) unset
	UserData       **string // 2.57
	TrustedCerts   *[]string
	Hostname       *string // 2.90
}

// RebuildServer is the rebuild action: the server's fields change at
// once (as Nova saves them before casting) and the agent re-creates the
// guest. It returns the admin password and the server as it now is.
func (s *Service) RebuildServer(ctx context.Context, c *novalite.Caller, id, requestID string, p RebuildParams) (string, ServerInfo, error) {
	if p.AdminPass == "" {
		p.AdminPass = generatePassword()
	}
	// The image service reads on its own connection: before the writer.
	img, imgErr := s.imageForCreate(ctx, c, p.ImageRef)
	err := s.startTask(ctx, c, id, requestID, novalite.ActionRebuild, func(tx *store.Tx, v novalite.Server, now time.Time) (bool, error) {
		if imgErr != nil {
			if novalite.IsKind(imgErr, novalite.Invalid) {
				return false, novalite.Errorf(novalite.Invalid, "Cannot find image for rebuild")
			}
			return false, imgErr
		}
		if err := checkImageFits(img, v.Flavor); err != nil {
			return false, err
		}
		if err := s.checkMetadataQuota(ctx, tx, v.ProjectID, len(p.Metadata)); err != nil {
			return false, err
		}
		up := store.InstanceUpdateParams{InternalID: v.InternalID, Name: p.Name, Description: p.Description,
			Hostname: p.Hostname, AccessIPv4: p.AccessIPv4, AccessIPv6: p.AccessIPv6, AutoDiskConfig: p.AutoDiskConfig,
			ImageRef: &img.ID, ImageProperties: img.Properties, UserData: p.UserData, TrustedCerts: p.TrustedCerts, Now: now}
		if p.KeyName != nil {
			var data string
			if *p.KeyName != nil {
				var err error
				if data, err = s.keyForCreate(ctx, tx, c, **p.KeyName); err != nil {
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
	info, err := s.GetServer(ctx, c, id)
	return p.AdminPass, info, err
}
