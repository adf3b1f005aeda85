package qemu

import (
	"context"
	"encoding/json"
	"fmt"
)

// amiFormat is the QEMU format of an ami's bytes: raw as uploaded, or
// qcow2 when it is a snapshot (Glance keeps a snapshot of an ami server
// labelled ami, as Nova's libvirt driver asks). Probing a user's image
// is safe only if a qcow2 header cannot make QEMU open other files: one
// naming a backing or external data file is refused.
func amiFormat(ctx context.Context, path string) (string, error) {
	out, err := qemuImg(ctx, "info", "--output=json", path)
	if err != nil {
		return "", err
	}
	var info struct {
		Format   string `json:"format"`
		Backing  string `json:"backing-filename"`
		Specific struct {
			Data struct {
				DataFile string `json:"data-file"`
			} `json:"data"`
		} `json:"format-specific"`
	}
	if err := json.Unmarshal(out, &info); err != nil {
		return "", err
	}
	switch {
	case info.Format != "qcow2":
		return "raw", nil
	case info.Backing != "" || info.Specific.Data.DataFile != "":
		return "", fmt.Errorf("image %s: a qcow2 naming other files (backing or data file) cannot be booted", path)
	}
	return "qcow2", nil
}
