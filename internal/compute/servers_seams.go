package compute

// The seams between servers and the parts of novalite built beside them:
// flavors and keypairs and quotas (flavors.go, keypairs.go, quotas.go),
// images and ports (internal/image, internal/network), hosts and zones
// (the scheduler side). Each function below is what the servers code
// calls; until the part it stands for is wired in, it has a small
// built-in behaviour, noted on it.

import (
	"context"
	"strings"

	"novalite"
	"novalite/internal/store"
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

// devstackFlavors stand in for the flavors table until it exists:
// DevStack's public flavors with DevStack's ids.
var devstackFlavors = map[string]novalite.FlavorSnapshot{
	"1":  {ID: "1", Name: "m1.tiny", VCPUs: 1, MemoryMB: 512, RootGB: 1},
	"2":  {ID: "2", Name: "m1.small", VCPUs: 1, MemoryMB: 2048, RootGB: 20},
	"3":  {ID: "3", Name: "m1.medium", VCPUs: 2, MemoryMB: 4096, RootGB: 40},
	"4":  {ID: "4", Name: "m1.large", VCPUs: 4, MemoryMB: 8192, RootGB: 80},
	"5":  {ID: "5", Name: "m1.xlarge", VCPUs: 8, MemoryMB: 16384, RootGB: 160},
	"42": {ID: "42", Name: "m1.nano", VCPUs: 1, MemoryMB: 128, RootGB: 1},
	"84": {ID: "84", Name: "m1.micro", VCPUs: 1, MemoryMB: 192, RootGB: 1},
}

// flavorForCreate resolves a flavorRef (an id, or a URL ending in one)
// to a snapshot the server keeps. Built-in: DevStack's flavors.
func (s *Service) flavorForCreate(ctx context.Context, tx *store.Tx, c *novalite.Caller, ref string) (novalite.FlavorSnapshot, error) {
	id := ref
	if i := strings.LastIndex(ref, "/"); i >= 0 {
		id = ref[i+1:]
	}
	f, ok := devstackFlavors[id]
	if !ok {
		return f, novalite.Errorf(novalite.Invalid, "Flavor %s could not be found.", id)
	}
	f.ExtraSpecs = map[string]string{}
	return f, nil
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
	switch strings.ToLower(im.Properties["auto_disk_config"]) {
	case "true", "1", "t", "on", "y", "yes":
		info.AutoDiskConfig = true
	}
	return info, nil
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

// keyForCreate returns the public key of the caller's keypair name.
// Built-in: no keypair exists.
func (s *Service) keyForCreate(ctx context.Context, tx *store.Tx, c *novalite.Caller, name string) (string, error) {
	return "", novalite.Errorf(novalite.Invalid, "Invalid key_name provided.")
}

// Nova's default quotas, used until quota sets exist.
const (
	defaultMetadataItems = 128
	defaultInstances     = 10
	defaultCores         = 20
	defaultRAM           = 51200
)

// metadataLimit is the project's metadata_items quota (-1 = unlimited).
func (s *Service) metadataLimit(ctx context.Context, tx *store.Tx, projectID string) (int, error) {
	return defaultMetadataItems, nil
}

// checkServerQuota checks that count more servers of flavor f fit the
// project's instances, cores and ram quotas (403 with Nova's message).
// Built-in: Nova's default limits against the usage counted here.
func (s *Service) checkServerQuota(ctx context.Context, tx *store.Tx, projectID, userID string, count int, f novalite.FlavorSnapshot) error {
	n, cores, ram, err := tx.InstanceUsage(ctx, projectID, "")
	if err != nil {
		return err
	}
	return quotaError([]quotaCheck{
		{"instances", int64(count), n, defaultInstances},
		{"cores", int64(count * f.VCPUs), cores, defaultCores},
		{"ram", int64(count * f.MemoryMB), ram, defaultRAM},
	})
}
