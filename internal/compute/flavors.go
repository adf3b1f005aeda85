package compute

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

// defaultFlavors are DevStack's public flavors with DevStack's ids, made
// by Bootstrap.
var defaultFlavors = []novalite.Flavor{
	{ID: "1", Name: "m1.tiny", MemoryMB: 512, VCPUs: 1, RootGB: 1},
	{ID: "2", Name: "m1.small", MemoryMB: 2048, VCPUs: 1, RootGB: 20},
	{ID: "3", Name: "m1.medium", MemoryMB: 4096, VCPUs: 2, RootGB: 40},
	{ID: "4", Name: "m1.large", MemoryMB: 8192, VCPUs: 4, RootGB: 80},
	{ID: "5", Name: "m1.xlarge", MemoryMB: 16384, VCPUs: 8, RootGB: 160},
	{ID: "42", Name: "m1.nano", MemoryMB: 128, VCPUs: 1, RootGB: 1},
	{ID: "84", Name: "m1.micro", MemoryMB: 192, VCPUs: 1, RootGB: 1},
}

// BootstrapFlavors creates the default flavors whose id and name are both
// free; it changes nothing else, so it is safe on every start.
func (s *Service) BootstrapFlavors(ctx context.Context) error {
	now := s.now().UTC()
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		for _, f := range defaultFlavors {
			idTaken, err := tx.FlavorExists(ctx, f.ID, false)
			if err != nil {
				return err
			}
			nameTaken, err := tx.FlavorExists(ctx, f.Name, true)
			if err != nil {
				return err
			}
			if idTaken || nameTaken {
				continue
			}
			f.IsPublic, f.RxtxFactor, f.CreatedAt = true, 1.0, now
			if err := tx.FlavorInsert(ctx, &f); err != nil {
				return err
			}
		}
		return nil
	})
}

func flavorNotFound(id string) error {
	return novalite.Errorf(novalite.NotFound, "Flavor %s could not be found.", id)
}

// visibleTo is the project whose access list widens what c sees of
// private flavors; "" (no restriction) for admins, as in Nova's
// _flavor_get_query_from_db.
func visibleTo(c *novalite.Caller) string {
	if policy.IsAdmin(c) {
		return ""
	}
	return c.ProjectID
}

func (s *Service) getFlavor(ctx context.Context, tx *store.Tx, c *novalite.Caller, id string) (novalite.Flavor, error) {
	f, err := tx.FlavorGet(ctx, id, visibleTo(c))
	if novalite.IsKind(err, novalite.NotFound) {
		return f, flavorNotFound(id)
	}
	return f, err
}

// GetFlavor returns a flavor the caller may see (404 otherwise).
func (s *Service) GetFlavor(ctx context.Context, c *novalite.Caller, id string) (f novalite.Flavor, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, err = s.getFlavor(ctx, tx, c, id)
		return err
	})
	return f, err
}

// ListFlavorsParams is a validated flavor list query.
type ListFlavorsParams struct {
	IsPublic    *bool // admins only; nil = public and private
	MinMemoryMB *int
	MinRootGB   *int
	Name        *string // regex (2.102)
	SortKey     string
	SortDesc    bool
	Marker      string
	Limit       int
}

// ListFlavors lists the flavors the caller may see: non-admins get the
// enabled public ones and the private ones shared with their project.
func (s *Service) ListFlavors(ctx context.Context, c *novalite.Caller, p ListFlavorsParams) (list []novalite.Flavor, err error) {
	q := store.FlavorListParams{IsPublic: p.IsPublic, AccessProject: c.ProjectID, MinMemoryMB: p.MinMemoryMB,
		MinRootGB: p.MinRootGB, NameRegex: p.Name, SortKey: p.SortKey, SortDesc: p.SortDesc, Limit: p.Limit}
	if !policy.IsAdmin(c) {
		pub := true
		q.IsPublic, q.EnabledOnly = &pub, true
	}
	if q.SortKey == "" {
		q.SortKey = "flavorid"
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		if p.Marker != "" {
			m, err := tx.FlavorGet(ctx, p.Marker, visibleTo(c))
			if novalite.IsKind(err, novalite.NotFound) {
				return novalite.Errorf(novalite.Invalid, "marker [%s] not found", p.Marker)
			}
			if err != nil {
				return err
			}
			q.Marker = &m
		}
		list, err = tx.FlavorList(ctx, q)
		return err
	})
	return list, err
}

// CreateFlavor adds the flavor p describes (admins; the caller
// authorizes): its ID ("" = a new uuid), name, sizes, rxtx_factor (0 =
// 1.0), is_public and description; the rest is the service's.
func (s *Service) CreateFlavor(ctx context.Context, p novalite.Flavor) (novalite.Flavor, error) {
	f := novalite.Flavor{ID: p.ID, Name: strings.TrimSpace(p.Name), MemoryMB: p.MemoryMB, VCPUs: p.VCPUs,
		RootGB: p.RootGB, EphemeralGB: p.EphemeralGB, SwapMB: p.SwapMB, RxtxFactor: p.RxtxFactor,
		IsPublic: p.IsPublic, Description: p.Description, ExtraSpecs: map[string]string{}, CreatedAt: s.now().UTC()}
	if f.ID == "" {
		f.ID = uuid.NewString()
	}
	if f.RxtxFactor == 0 {
		f.RxtxFactor = 1.0
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if taken, err := tx.FlavorExists(ctx, f.Name, true); err != nil {
			return err
		} else if taken {
			return novalite.Errorf(novalite.Conflict, "Flavor with name %s already exists.", f.Name)
		}
		if taken, err := tx.FlavorExists(ctx, f.ID, false); err != nil {
			return err
		} else if taken {
			return novalite.Errorf(novalite.Conflict, "Flavor with ID %s already exists.", f.ID)
		}
		return tx.FlavorInsert(ctx, &f)
	})
	return f, err
}

// DeleteFlavor removes a flavor; servers keep their copy of it.
func (s *Service) DeleteFlavor(ctx context.Context, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		err := tx.FlavorDelete(ctx, id)
		if novalite.IsKind(err, novalite.NotFound) {
			return flavorNotFound(id)
		}
		return err
	})
}

// UpdateFlavorDescription sets a flavor's description (2.55).
func (s *Service) UpdateFlavorDescription(ctx context.Context, c *novalite.Caller, id string, desc *string) (f novalite.Flavor, err error) {
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if f, err = s.getFlavor(ctx, tx, c, id); err != nil {
			return err
		}
		now := s.now().UTC()
		f.Description, f.UpdatedAt = desc, now
		return tx.FlavorSetDescription(ctx, f.InternalID, desc, now)
	})
	return f, err
}

// SetFlavorExtraSpecs merges specs into a flavor's extra specs.
func (s *Service) SetFlavorExtraSpecs(ctx context.Context, c *novalite.Caller, id string, specs map[string]string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		f, err := s.getFlavor(ctx, tx, c, id)
		if err != nil {
			return err
		}
		return tx.FlavorExtraSpecSet(ctx, f.InternalID, specs)
	})
}

// DeleteFlavorExtraSpec removes one extra spec of a flavor.
func (s *Service) DeleteFlavorExtraSpec(ctx context.Context, c *novalite.Caller, id, key string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		f, err := s.getFlavor(ctx, tx, c, id)
		if err != nil {
			return err
		}
		err = tx.FlavorExtraSpecDelete(ctx, f.InternalID, key)
		if novalite.IsKind(err, novalite.NotFound) {
			return novalite.Errorf(novalite.NotFound, "Flavor %s has no extra specs with key %s.", id, key)
		}
		return err
	})
}

// FlavorAccess lists the projects a private flavor is shared with.
func (s *Service) FlavorAccess(ctx context.Context, c *novalite.Caller, id string) (out []novalite.FlavorAccess, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		out, err = s.flavorAccess(ctx, tx, c, id)
		return err
	})
	return out, err
}

func (s *Service) flavorAccess(ctx context.Context, tx *store.Tx, c *novalite.Caller, id string) ([]novalite.FlavorAccess, error) {
	f, err := s.getFlavor(ctx, tx, c, id)
	if err != nil {
		return nil, err
	}
	if f.IsPublic {
		return nil, novalite.Errorf(novalite.NotFound, "Access list not available for public flavors.")
	}
	return s.accessRows(ctx, tx, f)
}

// FlavorAccessAdd is a project to share a flavor with (existing in
// Keystone: the caller checks). RefusePublic is Nova's 2.7 409 for public
// flavors.
type FlavorAccessAdd struct {
	ProjectID    string
	RefusePublic bool
}

// AddFlavorAccess shares a flavor with a project.
func (s *Service) AddFlavorAccess(ctx context.Context, c *novalite.Caller, id string, p FlavorAccessAdd) (out []novalite.FlavorAccess, err error) {
	project := p.ProjectID
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		f, err := s.getFlavor(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if f.IsPublic && p.RefusePublic {
			return novalite.Errorf(novalite.Conflict, "Can not add access to a public flavor.")
		}
		err = tx.FlavorProjectAdd(ctx, f.InternalID, project)
		if novalite.IsKind(err, novalite.Conflict) {
			return novalite.Errorf(novalite.Conflict,
				"Flavor access already exists for flavor %s and project %s combination.", id, project)
		}
		if err != nil {
			return err
		}
		out, err = s.accessRows(ctx, tx, f)
		return err
	})
	return out, err
}

// RemoveFlavorAccess unshares a flavor.
func (s *Service) RemoveFlavorAccess(ctx context.Context, c *novalite.Caller, id, project string) (out []novalite.FlavorAccess, err error) {
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		f, err := s.getFlavor(ctx, tx, c, id)
		if err != nil {
			return err
		}
		err = tx.FlavorProjectRemove(ctx, f.InternalID, project)
		if novalite.IsKind(err, novalite.NotFound) {
			return novalite.Errorf(novalite.NotFound, "Flavor access not found for %s / %s combination.", id, project)
		}
		if err != nil {
			return err
		}
		out, err = s.accessRows(ctx, tx, f)
		return err
	})
	return out, err
}

func (s *Service) accessRows(ctx context.Context, tx *store.Tx, f novalite.Flavor) ([]novalite.FlavorAccess, error) {
	projects, err := tx.FlavorProjectList(ctx, f.InternalID)
	out := make([]novalite.FlavorAccess, len(projects))
	for i, p := range projects {
		out[i] = novalite.FlavorAccess{FlavorID: f.ID, ProjectID: p}
	}
	return out, err
}

// flavorBeforeCreate reads a create's flavor (flavorForCreate) before its
// write transaction, as Nova's API reads it: its two queries stay out of
// the single writer's turn, where they were a sixth of a create's time.
// A flavor deleted meanwhile still gives the server its snapshot, as on
// Nova.
func (s *Service) flavorBeforeCreate(ctx context.Context, c *novalite.Caller, ref string) (f novalite.FlavorSnapshot, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		f, err = s.flavorForCreate(ctx, tx, c, ref)
		return err
	})
	return f, err
}

// flavorForCreate resolves a server's flavorRef (an id, or a URL ending
// in one) to the snapshot the server keeps: a flavor the caller may see
// and not disabled, else 400.
func (s *Service) flavorForCreate(ctx context.Context, tx *store.Tx, c *novalite.Caller, ref string) (novalite.FlavorSnapshot, error) {
	id := ref
	if i := strings.LastIndex(ref, "/"); i >= 0 {
		id = ref[i+1:]
	}
	f, err := tx.FlavorGet(ctx, id, visibleTo(c))
	if novalite.IsKind(err, novalite.NotFound) || err == nil && f.Disabled {
		return novalite.FlavorSnapshot{}, novalite.Errorf(novalite.Invalid, "Flavor %s could not be found.", id)
	}
	if err != nil {
		return novalite.FlavorSnapshot{}, err
	}
	return f.Snapshot(), nil
}
