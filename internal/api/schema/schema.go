// Package schema validates request bodies and query strings against JSON
// Schemas and words the failures as Nova does (Python jsonschema messages
// inside "Invalid input for field/attribute <f>. Value: <v>. <msg>").
package schema

import (
	"bytes"
	"fmt"
	"math/big"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"novalite"
	"novalite/internal/pyfmt"
)

// Schema is a JSON Schema, compiled on first use, and its document (for
// the wording of failures that name parts of the schema). Compiling every
// schema at package init cost a start ~100k allocations before the first
// answer; most are never used by a given run.
type Schema struct {
	name, text string
	once       sync.Once
	s          *jsonschema.Schema
	doc        any
}

// all holds every schema made by New, for CompileAll.
var all struct {
	sync.Mutex
	list []*Schema
}

// New returns the schema given as JSON text, compiled when it is first
// used; a bad schema panics then, and CompileAll finds it in a test.
func New(name, text string) *Schema {
	s := &Schema{name: name, text: text}
	all.Lock()
	all.list = append(all.list, s)
	all.Unlock()
	return s
}

// CompileAll compiles every schema New has made so far and returns the
// first that does not compile (for a test that imports every API).
func CompileAll() (n int, err error) {
	all.Lock()
	list := all.list
	all.Unlock()
	for _, s := range list {
		if _, _, err := compile(s.name, s.text); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// compiled compiles s the first time it is asked for.
func (s *Schema) compiled() *Schema {
	s.once.Do(func() {
		var err error
		if s.s, s.doc, err = compile(s.name, s.text); err != nil {
			panic(err.Error())
		}
	})
	return s
}

func compile(name, text string) (*jsonschema.Schema, any, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		return nil, nil, fmt.Errorf("schema %s: %v", name, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	url := "mem:///" + name + ".json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, nil, fmt.Errorf("schema %s: %v", name, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, nil, fmt.Errorf("schema %s: %v", name, err)
	}
	return s, doc, nil
}

// Decode parses raw JSON into the generic form the validator wants
// (numbers as json.Number).
func Decode(raw []byte) (any, error) {
	return jsonschema.UnmarshalJSON(bytes.NewReader(raw))
}

// Validate checks a decoded body; the error is Invalid with Nova's wording.
func (s *Schema) Validate(doc any) error {
	return s.invalid(doc, "field/attribute", func(loc []string) string { return loc[len(loc)-1] })
}

// ValidateQuery checks query parameters (already shaped as an object of
// arrays of strings) and words failures for query strings.
func (s *Schema) ValidateQuery(doc any) error {
	return s.invalid(doc, "query parameters", func(loc []string) string { return loc[0] })
}

// invalid is the Invalid error of doc's first failure, naming what failed
// ("field/attribute" or "query parameters") and which one (name of its
// location), or nil.
func (s *Schema) invalid(doc any, what string, name func(loc []string) string) error {
	loc, msg, err := s.explain(doc)
	if err == nil {
		return nil
	}
	if _, ok := err.(*jsonschema.ValidationError); !ok {
		return &novalite.Error{Kind: novalite.Invalid, Message: msg, Err: err}
	}
	if len(loc) > 0 {
		msg = fmt.Sprintf("Invalid input for %s %s. Value: %s. %s", what, name(loc), pyfmt.Str(at(doc, loc)), msg)
	}
	return &novalite.Error{Kind: novalite.Invalid, Message: msg}
}

// Explain checks a decoded document and, when it fails, returns where
// (the path of keys inside doc) and Python jsonschema's message for the
// first failure, for APIs that word failures their own way (Keystone).
func (s *Schema) Explain(doc any) (loc []string, msg string, failed bool) {
	loc, msg, err := s.explain(doc)
	return loc, msg, err != nil
}

// explain is Explain with the validator's error, nil when doc passes.
func (s *Schema) explain(doc any) ([]string, string, error) {
	err := s.compiled().s.Validate(doc)
	if err == nil {
		return nil, "", nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return nil, err.Error(), err
	}
	leaf := first(ve)
	return leaf.InstanceLocation, s.message(leaf, doc), err
}

// first descends to the first leaf cause, the error Python's validator
// would raise first.
func first(e *jsonschema.ValidationError) *jsonschema.ValidationError {
	for len(e.Causes) > 0 {
		switch e.ErrorKind.(type) {
		case *kind.AnyOf, *kind.OneOf:
			return e
		}
		e = e.Causes[0]
	}
	return e
}

func at(doc any, loc []string) any {
	for _, k := range loc {
		switch v := doc.(type) {
		case map[string]any:
			doc = v[k]
		case []any:
			var i int
			fmt.Sscan(k, &i)
			if i < len(v) {
				doc = v[i]
			}
		}
	}
	return doc
}

// message is Message, but for additionalProperties beside
// patternProperties, which Python's jsonschema words after the patterns:
// "'k' does not match any of the regexes: '^p$'".
func (s *Schema) message(e *jsonschema.ValidationError, doc any) string {
	if _, ok := e.ErrorKind.(*kind.Type); ok {
		// Python's jsonschema names the types in the schema's order
		// (Nova's parameter_types.boolean: 'boolean', 'string'); the
		// library keeps them as a set.
		node, _ := s.node(e.SchemaURL).(map[string]any)
		if types, ok := node["type"].([]any); ok {
			want := make([]string, len(types))
			for i, t := range types {
				want[i] = fmt.Sprintf("'%v'", t)
			}
			return fmt.Sprintf("%s is not of type %s", pyfmt.Repr(at(doc, e.InstanceLocation)), strings.Join(want, ", "))
		}
		return errorMessage(e, doc)
	}
	k, ok := e.ErrorKind.(*kind.AdditionalProperties)
	if !ok {
		return errorMessage(e, doc)
	}
	node, _ := s.node(e.SchemaURL).(map[string]any)
	pp, _ := node["patternProperties"].(map[string]any)
	if len(pp) == 0 {
		return errorMessage(e, doc)
	}
	extras := append([]string(nil), k.Properties...)
	sort.Strings(extras)
	patterns := make([]string, 0, len(pp))
	for p := range pp {
		patterns = append(patterns, p)
	}
	sort.Strings(patterns)
	verb := "does"
	if len(extras) > 1 {
		verb = "do"
	}
	return fmt.Sprintf("%s %s not match any of the regexes: %s", reprAll(extras), verb, reprAll(patterns))
}

func reprAll(list []string) string {
	q := make([]string, len(list))
	for i, x := range list {
		q[i] = pyfmt.Repr(x)
	}
	return strings.Join(q, ", ")
}

// node finds the part of the schema document a failure's schema URL
// points at (its fragment, a JSON pointer), or nil.
func (s *Schema) node(schemaURL string) any {
	_, frag, _ := strings.Cut(schemaURL, "#")
	if frag, err := url.PathUnescape(frag); err == nil {
		n := s.doc
		for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
			if tok == "" {
				continue
			}
			tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
			switch v := n.(type) {
			case map[string]any:
				n = v[tok]
			case []any:
				i, err := strconv.Atoi(tok)
				if err != nil || i < 0 || i >= len(v) {
					return nil
				}
				n = v[i]
			default:
				return nil
			}
		}
		return n
	}
	return nil
}

// errorMessage words one failure as Python's jsonschema does.
func errorMessage(e *jsonschema.ValidationError, doc any) string {
	val := at(doc, e.InstanceLocation)
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		return fmt.Sprintf("'%s' is a required property", k.Missing[0])
	case *kind.AdditionalProperties:
		props := append([]string(nil), k.Properties...)
		sort.Strings(props)
		q := make([]string, len(props))
		for i, p := range props {
			q[i] = "'" + p + "'"
		}
		verb := "was"
		if len(q) > 1 {
			verb = "were"
		}
		return fmt.Sprintf("Additional properties are not allowed (%s %s unexpected)", strings.Join(q, ", "), verb)
	case *kind.Type:
		// The library sorts the wanted types; Nova's schemas mostly list
		// string first, so that order reads like Nova's messages.
		order := map[string]int{"string": 0, "integer": 1, "number": 2, "boolean": 3, "object": 4, "array": 5, "null": 6}
		ws := append([]string(nil), k.Want...)
		sort.SliceStable(ws, func(i, j int) bool { return order[ws[i]] < order[ws[j]] })
		want := make([]string, len(ws))
		for i, w := range ws {
			want[i] = "'" + w + "'"
		}
		return fmt.Sprintf("%s is not of type %s", pyfmt.Repr(val), strings.Join(want, ", "))
	case *kind.MaxLength, *kind.MaxItems:
		return fmt.Sprintf("%s is too long", pyfmt.Repr(val))
	case *kind.MinLength, *kind.MinItems:
		return fmt.Sprintf("%s is too short", pyfmt.Repr(val))
	case *kind.MaxProperties:
		return fmt.Sprintf("%s has too many properties", pyfmt.Repr(val))
	case *kind.MinProperties:
		return fmt.Sprintf("%s does not have enough properties", pyfmt.Repr(val))
	case *kind.Pattern:
		return fmt.Sprintf("%s does not match '%s'", pyfmt.Repr(val), k.Want)
	case *kind.Enum:
		return fmt.Sprintf("%s is not one of %s", pyfmt.Repr(val), pyfmt.Repr(k.Want))
	case *kind.Const:
		return fmt.Sprintf("%s was expected", pyfmt.Repr(k.Want))
	case *kind.Minimum:
		return fmt.Sprintf("%s is less than the minimum of %s", pyfmt.Repr(val), rat(k.Want))
	case *kind.Maximum:
		return fmt.Sprintf("%s is greater than the maximum of %s", pyfmt.Repr(val), rat(k.Want))
	case *kind.ExclusiveMinimum:
		return fmt.Sprintf("%s is less than or equal to the minimum of %s", pyfmt.Repr(val), rat(k.Want))
	case *kind.ExclusiveMaximum:
		return fmt.Sprintf("%s is greater than or equal to the maximum of %s", pyfmt.Repr(val), rat(k.Want))
	case *kind.Format:
		return fmt.Sprintf("%s is not a '%s'", pyfmt.Repr(val), k.Want)
	case *kind.UniqueItems:
		return fmt.Sprintf("%s has non-unique elements", pyfmt.Repr(val))
	case *kind.AnyOf, *kind.OneOf:
		return fmt.Sprintf("%s is not valid under any of the given schemas", pyfmt.Repr(val))
	}
	return e.Error()
}

func rat(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return fmt.Sprint(f)
}
