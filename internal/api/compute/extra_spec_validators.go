package compute

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"sync"

	"novalite"
	"novalite/internal/api/microversion"
)

// The flavor extra spec validators Nova registers (nova/api/validation/
// extra_specs/), written by scripts/nova-extra-spec-validators.py from
// Nova's own declarations: one line per validator, in Nova's order.
//
//go:embed extra_spec_validators.json
var extraSpecValidatorsJSON []byte

// extraSpecValidator is one of Nova's ExtraSpecValidator declarations:
// the names it covers (Regex, parameters already substituted) and the
// value it takes.
type extraSpecValidator struct {
	Name    string   `json:"name"`
	Regex   string   `json:"regex"`
	Type    string   `json:"type"` // int, bool or str
	Pattern string   `json:"pattern"`
	Enum    []string `json:"enum"`
	Min     *int64   `json:"min"`
	Max     *int64   `json:"max"`

	name, value *regexp.Regexp
}

// extraSpecRules is the validators by name, all in order, and the
// namespaces (regexes of the part before ':') they cover.
type extraSpecRules struct {
	byName     map[string]*extraSpecValidator
	ordered    []*extraSpecValidator
	namespaces []*regexp.Regexp
}

// fullMatch compiles a Python regex for re.fullmatch.
func fullMatch(re string) *regexp.Regexp { return regexp.MustCompile(`^(?:` + re + `)$`) }

var loadExtraSpecRules = sync.OnceValue(func() *extraSpecRules {
	var list []*extraSpecValidator
	if err := json.Unmarshal(extraSpecValidatorsJSON, &list); err != nil {
		panic(fmt.Sprintf("extra_spec_validators.json: %v", err))
	}
	r := &extraSpecRules{byName: map[string]*extraSpecValidator{}}
	seen := map[string]bool{}
	for _, v := range list {
		v.name = fullMatch(v.Regex)
		if v.Pattern != "" {
			v.value = fullMatch(v.Pattern)
		}
		// Nova's VALIDATORS is a dict: a name declared twice keeps its
		// first place and its last declaration.
		if old, ok := r.byName[v.Name]; ok {
			*old = *v
		} else {
			r.byName[v.Name] = v
			r.ordered = append(r.ordered, v)
		}
		if ns, _, ok := strings.Cut(v.Regex, ":"); ok && !seen[ns] {
			seen[ns] = true
			r.namespaces = append(r.namespaces, fullMatch(ns))
		}
	}
	return r
})

// validateExtraSpec is Nova's validators.validate (2.86+): a spec with a
// validator must have a value it takes; a spec without one is refused
// only when its namespace is one Nova knows.
func validateExtraSpec(name, value string) error {
	r := loadExtraSpecRules()
	if v, ok := r.byName[name]; ok {
		return v.check(value)
	}
	for _, v := range r.ordered {
		if v.name.MatchString(name) {
			return v.check(value)
		}
	}
	ns, _, ok := strings.Cut(name, ":")
	if !ok {
		return nil
	}
	for _, re := range r.namespaces {
		if re.MatchString(ns) {
			return extraSpecInvalid("extra spec '%s' does not appear to be a valid extra spec.", name)
		}
	}
	return nil
}

// validateExtraSpecs checks specs at 2.86+, in key order (Nova takes
// them in the body's order; only which of two bad specs is named differs).
func validateExtraSpecs(mv microversion.Version, specs map[string]string) error {
	if !mv.AtLeast(2, 86) {
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(specs)) {
		if err := validateExtraSpec(k, specs[k]); err != nil {
			return err
		}
	}
	return nil
}

func extraSpecInvalid(format string, args ...any) error {
	return novalite.Errorf(novalite.Invalid, "Validation failed; "+format, args...)
}

// check is ExtraSpecValidator.validate's value half, in Nova's words.
func (v *extraSpecValidator) check(value string) error {
	switch v.Type {
	case "int":
		// Python's int(): surrounding whitespace and a sign allowed.
		n, ok := new(big.Int).SetString(strings.TrimSpace(value), 10)
		if !ok {
			return extraSpecInvalid("'%s' is not a valid integer value.", value)
		}
		if v.Max != nil && n.Cmp(big.NewInt(*v.Max)) > 0 {
			return extraSpecInvalid("'%s' is greater than the max value of '%d'.", n, *v.Max)
		}
		if v.Min != nil && n.Cmp(big.NewInt(*v.Min)) < 0 {
			return extraSpecInvalid("'%s' is less than the min value of '%d'.", n, *v.Min)
		}
	case "bool":
		if _, ok := novalite.BoolFromString(value); !ok {
			return extraSpecInvalid("'%s' is not a valid boolean-like value.", value)
		}
	default:
		switch {
		case v.value != nil:
			if !v.value.MatchString(value) {
				return extraSpecInvalid("'%s' is not of the format '%s'.", value, v.Pattern)
			}
		case v.Enum != nil:
			for _, e := range v.Enum {
				if e == value {
					return nil
				}
			}
			return extraSpecInvalid("'%s' is not one of: %s.", value, strings.Join(v.Enum, ", "))
		}
	}
	return nil
}
