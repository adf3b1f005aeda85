package volume

import (
	"context"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

// Bootstrap creates the default volume type once.
func (s *Service) Bootstrap(ctx context.Context) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.VolumeTypeGet(ctx, defaultTypeName); err == nil {
			return nil
		} else if !novalite.IsKind(err, novalite.NotFound) {
			return err
		}
		desc := "Default Volume Type"
		return tx.VolumeTypeInsert(ctx, novalite.VolumeType{ID: uuid.NewString(), Name: defaultTypeName,
			Description: &desc, IsPublic: true, ExtraSpecs: map[string]string{}})
	})
}

// Types lists the volume types the caller may see.
func (s *Service) Types(ctx context.Context, c *novalite.Caller) (out []novalite.VolumeType, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		out, err = tx.VolumeTypeList(ctx, !policy.IsAdmin(c))
		return err
	})
	return out, err
}

// Type returns a volume type by id (or name); "default" is the default.
func (s *Service) Type(ctx context.Context, c *novalite.Caller, id string) (t novalite.VolumeType, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		if id == "default" {
			id = defaultTypeName
		}
		t, err = tx.VolumeTypeGet(ctx, id)
		if err == nil && !t.IsPublic && !policy.IsAdmin(c) {
			err = &novalite.Error{Kind: novalite.NotFound}
		}
		return notFoundAs(err, novalite.Errorf(novalite.NotFound, "Volume type %s could not be found.", id))
	})
	return t, err
}

// typeFor resolves create's volume_type: by name or id, the default
// when empty.
func typeFor(ctx context.Context, tx *store.Tx, ref string) (novalite.VolumeType, error) {
	if ref == "" {
		ref = defaultTypeName
	}
	t, err := tx.VolumeTypeGet(ctx, ref)
	if novalite.IsKind(err, novalite.NotFound) {
		return t, novalite.Errorf(novalite.NotFound, "Volume type with name %s could not be found.", ref)
	}
	return t, err
}

// TypeName is the name of a volume type by id ("" if there is none), read
// each time: an admin may rename a type through another replica. A
// failed read is an error, not "": the answer would show a volume
// without its type.
func (s *Service) TypeName(ctx context.Context, id string) (string, error) {
	var name string
	err := s.db.View(ctx, func(tx *store.Tx) error {
		t, err := tx.VolumeTypeGet(ctx, id)
		name = t.Name
		return err
	})
	if novalite.IsKind(err, novalite.NotFound) {
		return "", nil
	}
	return name, err
}

// TypeNamer is TypeName for one answer of many volumes (a page of a
// list): each type's name is read once.
func (s *Service) TypeNamer(ctx context.Context) func(id string) (string, error) {
	names := map[string]string{}
	return func(id string) (string, error) {
		if name, ok := names[id]; ok {
			return name, nil
		}
		name, err := s.TypeName(ctx, id)
		if err == nil {
			names[id] = name
		}
		return name, err
	}
}
