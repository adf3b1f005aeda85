package compute

import (
	"context"
	"unicode/utf8"

	"novalite"
	"novalite/internal/store"
)

// quotaClassLimits are the limits of a quota class: the built-in
// defaults, overridden by what was set for the class. The "default"
// class is what a project without limits of its own gets.
func (s *Service) quotaClassLimits(ctx context.Context, tx *store.Tx, class string) (novalite.QuotaLimits, error) {
	set, err := tx.LimitsGet(ctx, store.QuotaClasses, class)
	if err != nil {
		return nil, err
	}
	return classLimits(set), nil
}

// classLimits are Nova's defaults overridden by a quota class's set.
func classLimits(set novalite.QuotaLimits) novalite.QuotaLimits {
	out := novalite.QuotaLimits{}
	for k, v := range novalite.QuotaDefaults {
		out[k] = v
	}
	for k, v := range set {
		if _, ok := out[k]; ok {
			out[k] = v
		}
	}
	return out
}

// QuotaDefaults returns the default limits of new projects (the
// "default" quota class).
func (s *Service) QuotaDefaults(ctx context.Context) (novalite.QuotaLimits, error) {
	return s.QuotaClass(ctx, novalite.QuotaClassDefault)
}

// QuotaClass returns the limits of a quota class; any name has limits
// (the built-in defaults where nothing was set).
func (s *Service) QuotaClass(ctx context.Context, class string) (out novalite.QuotaLimits, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		out, err = s.quotaClassLimits(ctx, tx, class)
		return err
	})
	return out, err
}

// UpdateQuotaClass sets limits of a quota class (1 to 255 characters)
// and returns all of its limits.
func (s *Service) UpdateQuotaClass(ctx context.Context, class string, values map[string]int64) (out novalite.QuotaLimits, err error) {
	switch n := utf8.RuneCountInString(class); {
	case n < 1:
		return nil, novalite.Errorf(novalite.Invalid, "quota_class_name has %d characters, less than 1.", n)
	case n > 255:
		return nil, novalite.Errorf(novalite.Invalid, "quota_class_name has %d characters, more than 255.", n)
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		for _, k := range novalite.QuotaResources {
			if v, ok := values[k]; ok {
				if err := tx.LimitSet(ctx, store.QuotaClasses, class, k, v); err != nil {
					return err
				}
			}
		}
		out, err = s.quotaClassLimits(ctx, tx, class)
		return err
	})
	return out, err
}
