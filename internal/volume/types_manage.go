package volume

import (
	"context"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
)

// TypeParams is a volume type create or update: nil fields are kept.
type TypeParams struct {
	Name, Description *string
	IsPublic          *bool
	ExtraSpecs        map[string]string // merged; nil: kept
	DeleteSpec        string            // a key to remove
}

// CreateType adds a volume type (admins); a name taken is Cinder's 409.
func (s *Service) CreateType(ctx context.Context, p TypeParams) (t novalite.VolumeType, err error) {
	t = novalite.VolumeType{ID: uuid.NewString(), Description: p.Description, IsPublic: true, ExtraSpecs: p.ExtraSpecs}
	if p.Name != nil {
		t.Name = *p.Name
	}
	if p.IsPublic != nil {
		t.IsPublic = *p.IsPublic
	}
	if t.ExtraSpecs == nil {
		t.ExtraSpecs = map[string]string{}
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.VolumeTypeGet(ctx, t.Name); err == nil {
			return novalite.Errorf(novalite.Conflict, "Volume Type %s already exists.", t.Name)
		}
		return tx.VolumeTypeInsert(ctx, t)
	})
	return t, err
}

// UpdateType changes a volume type (admins).
func (s *Service) UpdateType(ctx context.Context, id string, p TypeParams) (t novalite.VolumeType, err error) {
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		t, err = tx.VolumeTypeGet(ctx, id)
		if err != nil {
			return notFoundAs(err, novalite.Errorf(novalite.NotFound, "Volume type %s could not be found.", id))
		}
		if p.Name != nil && *p.Name != t.Name {
			if t.Name == defaultTypeName {
				return novalite.Errorf(novalite.Invalid, "Invalid volume type: The default volume type cannot be renamed.")
			}
			if _, err := tx.VolumeTypeGet(ctx, *p.Name); err == nil {
				return novalite.Errorf(novalite.Conflict, "Volume Type %s already exists.", *p.Name)
			}
			t.Name = *p.Name
		}
		if p.Description != nil {
			t.Description = p.Description
		}
		if p.IsPublic != nil {
			t.IsPublic = *p.IsPublic
		}
		for k, v := range p.ExtraSpecs {
			t.ExtraSpecs[k] = v
		}
		if p.DeleteSpec != "" {
			if _, ok := t.ExtraSpecs[p.DeleteSpec]; !ok {
				return novalite.Errorf(novalite.NotFound, "Volume Type %s has no extra specs with key %s.", id, p.DeleteSpec)
			}
			delete(t.ExtraSpecs, p.DeleteSpec)
		}
		return tx.VolumeTypeUpdate(ctx, t)
	})
	return t, err
}

// DeleteType deletes a volume type no volume has (admins).
func (s *Service) DeleteType(ctx context.Context, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		t, err := tx.VolumeTypeGet(ctx, id)
		if err != nil {
			return notFoundAs(err, novalite.Errorf(novalite.NotFound, "Volume type %s could not be found.", id))
		}
		if t.Name == defaultTypeName {
			return novalite.Errorf(novalite.Invalid, "Invalid volume type: The default volume type cannot be deleted.")
		}
		used, err := tx.VolumeTypeInUse(ctx, t.ID)
		if err != nil {
			return err
		}
		if used {
			return novalite.Errorf(novalite.Invalid, "Target volume type is still in use.")
		}
		return tx.VolumeTypeDelete(ctx, t.ID)
	})
}
