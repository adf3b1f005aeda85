package compute

import (
	"context"
	"maps"
	"strings"

	"novalite"
	"novalite/internal/store"
)

// Server metadata writes (nova/compute/api.py update_instance_metadata,
// delete_instance_metadata): lock-checked, and only for a server that has
// launched and rests in one of these vm_states, whatever its task.
var metadataCheck = stateCheck{launched: true,
	vm: []novalite.VMState{novalite.VMActive, novalite.VMPaused, novalite.VMSuspended, novalite.VMStopped}}

// MetadataUpdate is metadata to merge into a server's, or with Replace
// to make the whole set.
type MetadataUpdate struct {
	Metadata map[string]string
	Replace  bool
}

// UpdateServerMetadata writes a server's metadata and returns the
// resulting set. The count of items is held to the project's
// metadata_items quota.
func (s *Service) UpdateServerMetadata(ctx context.Context, c *novalite.Caller, id string, p MetadataUpdate) (map[string]string, error) {
	md, replace := p.Metadata, p.Replace
	var out map[string]string
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.getServer(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if !replace {
			// The items merged into are read again under the quota lock,
			// so that parallel merges count each other's keys.
			if err := lockQuota(ctx, tx, v.ProjectID); err != nil {
				return err
			}
			if v, err = s.getServer(ctx, tx, c, id); err != nil {
				return err
			}
		}
		if err := metadataWritable(c, v, "update metadata"); err != nil {
			return err
		}
		out = md
		if !replace {
			out = maps.Clone(v.Metadata)
			maps.Copy(out, md)
		}
		if err := s.checkMetadataQuota(ctx, tx, v.ProjectID, len(out)); err != nil {
			return err
		}
		if replace {
			return tx.InstanceMetadataReplace(ctx, v.InternalID, s.keepHidden(v.Metadata, md))
		}
		return tx.InstanceMetadataSet(ctx, v.InternalID, md)
	})
	return s.visibleMetadata(out), err
}

// fakeKnob reports whether a metadata key is a simulated driver's knob.
func fakeKnob(k string) bool { return strings.HasPrefix(k, "fake:") }

// visibleMetadata is md as clients see it: without the fake:* knobs when
// they are hidden.
func (s *Service) visibleMetadata(md map[string]string) map[string]string {
	if !s.HideFakeMetadata || md == nil {
		return md
	}
	out := make(map[string]string, len(md))
	for k, v := range md {
		if !fakeKnob(k) {
			out[k] = v
		}
	}
	return out
}

// keepHidden is the replacement md plus the hidden knobs of old: a client
// that does not see them does not remove them.
func (s *Service) keepHidden(old, md map[string]string) map[string]string {
	if !s.HideFakeMetadata {
		return md
	}
	out := maps.Clone(md)
	if out == nil {
		out = map[string]string{}
	}
	for k, v := range old {
		if fakeKnob(k) {
			out[k] = v
		}
	}
	return out
}

// DeleteServerMetadataItem removes one key; a missing key is 404 before
// any lock or state check, as in Nova.
func (s *Service) DeleteServerMetadataItem(ctx context.Context, c *novalite.Caller, id, key string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.getServer(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if _, ok := v.Metadata[key]; !ok {
			return novalite.Errorf(novalite.NotFound, "Metadata item was not found")
		}
		if err := metadataWritable(c, v, "delete metadata"); err != nil {
			return err
		}
		_, err = tx.InstanceMetadataDelete(ctx, v.InternalID, key)
		return err
	})
}

// metadataWritable applies the lock and state checks of a metadata write
// called action.
func metadataWritable(c *novalite.Caller, v novalite.Server, action string) error {
	if err := checkLock(c, v); err != nil {
		return err
	}
	return metadataCheck.failure(action, v)
}

// checkMetadataQuota is Nova's _check_metadata_properties_quota: n items
// against the metadata_items limit (-1 = unlimited).
func (s *Service) checkMetadataQuota(ctx context.Context, tx *store.Tx, projectID string, n int) error {
	if n == 0 {
		return nil
	}
	if err := lockQuota(ctx, tx, projectID); err != nil {
		return err
	}
	limit, err := s.metadataLimit(ctx, tx, projectID)
	if err != nil {
		return err
	}
	return metadataOver(limit, n)
}

// metadataOver is Nova's 403 when n metadata items pass limit.
func metadataOver(limit, n int) error {
	if limit >= 0 && n > limit {
		return novalite.Errorf(novalite.Forbidden, "Maximum number of metadata items exceeds %d", limit)
	}
	return nil
}
