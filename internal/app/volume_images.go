package app

import (
	"context"
	"io"

	"novalite"
	"novalite/internal/image"
)

// imageData gives the volume service an image's bytes from the image
// service (a nil reader for an image without data).
type imageData struct{ svc *image.Service }

func (d imageData) ImageData(ctx context.Context, c *novalite.Caller, id string) (io.ReadCloser, novalite.Image, error) {
	f, im, err := d.svc.Open(ctx, c, id)
	if err != nil || f == nil {
		return nil, im, err
	}
	return f, im, nil
}
