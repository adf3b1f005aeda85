package image

import (
	"context"
	"fmt"

	"novalite"
	"novalite/internal/store"
)

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

// checkCount answers Glance's 413 when owner already has as many images as
// image_count_total allows. The count and the insert that follows take
// turns per owner (QuotaLock), so that parallel creates never overshoot.
func (s *Service) checkCount(ctx context.Context, tx *store.Tx, owner string) error {
	if s.countTotal < 0 {
		return nil
	}
	if err := tx.QuotaLock(ctx, "images/"+owner); err != nil {
		return err
	}
	n, err := tx.ImageCountOwned(ctx, owner)
	if err != nil {
		return err
	}
	if n+1 > s.countTotal {
		// Glance words it as oslo.limit's ProjectOverLimit inside its own
		// LimitExceeded text.
		return novalite.Errorf(novalite.TooLarge, "The request returned a 413 Request Entity Too Large. This generally means "+
			"that rate limiting or a quota threshold was breached.\n\nThe response body:\n%s",
			fmt.Sprintf("Project %s is over a limit for [Resource image_count_total is over limit of %d due to current usage %d and delta 1]",
				owner, s.countTotal, n))
	}
	return nil
}
