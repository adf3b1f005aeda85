package image

import "novalite"

// Glance's per-image limits (glance-api.conf image_tag_quota and
// image_property_quota, 128 each by default).
const (
	maxTags       = 128
	maxProperties = 128
)

// checkLimits answers Glance's 413 when im holds more tags or custom
// properties than Glance keeps.
func checkLimits(im novalite.Image) error {
	if n := len(im.Tags); n > maxTags {
		return novalite.Errorf(novalite.TooLarge,
			"The limit has been exceeded on the number of allowed image tags. Attempted: %d, Maximum: %d", n, maxTags)
	}
	if n := len(im.Properties); n > maxProperties {
		return novalite.Errorf(novalite.TooLarge,
			"The limit has been exceeded on the number of allowed image properties. Attempted: %d, Maximum: %d", n, maxProperties)
	}
	return nil
}
