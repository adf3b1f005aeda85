package compute

// The seams between servers and the parts of novalite built beside them:
// images (internal/image). Ports are in servers_ports.go, hosts and zones
// in hosts.go, flavors, keypairs and quotas in flavors.go, keypairs.go
// and quotas.go.

import (
	"context"
	"strings"

	"novalite"
)

// imageInfo is what create needs of an image.
type imageInfo struct {
	ID              string
	Properties      map[string]string
	AutoDiskConfig  bool
	MinRAM, MinDisk int
	SizeBytes       int64
	Active          bool
}

// ImageGetter is what create needs of the image service.
type ImageGetter interface {
	Get(ctx context.Context, c *novalite.Caller, id string) (novalite.Image, error)
}

// imageForCreate resolves imageRef to an image the caller may see
// ("" for a volume-backed server).
func (s *Service) imageForCreate(ctx context.Context, c *novalite.Caller, ref string) (imageInfo, error) {
	if ref == "" || s.Images == nil {
		return imageInfo{ID: ref, Properties: map[string]string{}, Active: true}, nil
	}
	im, err := s.Images.Get(ctx, c, ref)
	if novalite.IsKind(err, novalite.NotFound) {
		return imageInfo{}, novalite.Errorf(novalite.Invalid, "Can not find requested image")
	}
	if err != nil {
		return imageInfo{}, err
	}
	info := imageInfo{ID: im.ID, Properties: map[string]string{}, MinRAM: im.MinRAM, MinDisk: im.MinDisk,
		Active: im.Status == novalite.ImageActive}
	for k, v := range im.Properties {
		info.Properties[k] = v
	}
	if im.Size != nil {
		info.SizeBytes = *im.Size
	}
	// nova/compute/api.py _inherit_properties_from_image: bool_from_string.
	info.AutoDiskConfig, _ = novalite.BoolFromString(im.Properties["auto_disk_config"])
	return info, nil
}

// checkAutoDiskConfig is Nova's _ensure_auto_disk_config_is_valid: only
// an image property auto_disk_config of "disabled" (not "false") refuses
// OS-DCF:diskConfig AUTO; props are the image's, or for a resize those
// the server was built from (its image_auto_disk_config).
func checkAutoDiskConfig(props map[string]string, imageID string, auto *bool) error {
	if auto == nil || !*auto || strings.ToLower(strings.TrimSpace(props["auto_disk_config"])) != "disabled" {
		return nil
	}
	return novalite.Errorf(novalite.Invalid, "Requested image %s has automatic disk resize disabled.", imageID)
}

// checkImageFits applies Nova's image/flavor checks on create.
func checkImageFits(img imageInfo, f novalite.FlavorSnapshot) error {
	const gib = 1 << 30
	switch {
	case !img.Active:
		return novalite.Errorf(novalite.Invalid, "Image %s is not active.", img.ID)
	case img.MinRAM > f.MemoryMB:
		return novalite.Errorf(novalite.Invalid, "Flavor's memory is too small for requested image.")
	case f.RootGB == 0:
		return nil // volume-backed or zero-disk flavors are not size-checked
	case img.SizeBytes > int64(f.RootGB)*gib:
		return novalite.Errorf(novalite.Invalid, "Flavor's disk is too small for requested image. Flavor disk is %d bytes, image is %d bytes.",
			int64(f.RootGB)*gib, img.SizeBytes)
	case img.MinDisk > f.RootGB:
		return novalite.Errorf(novalite.Invalid, "Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is %d bytes, minimum size is %d bytes.",
			int64(f.RootGB)*gib, int64(img.MinDisk)*gib)
	}
	return nil
}
