package schema

import (
	"strings"
	"testing"

	"novalite"
)

func TestValidateMessages(t *testing.T) {
	s := New("t", `{"type": "object", "properties": {"server": {"type": "object",
		"properties": {"name": {"type": "string", "minLength": 1, "maxLength": 5},
		"flavorRef": {"type": ["string", "integer"]}, "count": {"type": "integer", "minimum": 1},
		"force": {"type": ["boolean", "string"]}, "id": {"type": ["null", "integer", "string"]}},
		"required": ["name"], "additionalProperties": false}}, "required": ["server"], "additionalProperties": false}`)
	tests := []struct{ name, body, want string }{
		{"missing top", `{}`, "'server' is a required property"},
		{"extra top", `{"server": {"name": "a"}, "foo": 1}`, "Additional properties are not allowed ('foo' was unexpected)"},
		{"missing nested", `{"server": {}}`, "Invalid input for field/attribute server. Value: {}. 'name' is a required property"},
		{"type", `{"server": {"name": "a", "flavorRef": null}}`, "Invalid input for field/attribute flavorRef. Value: None. None is not of type 'string', 'integer'"},
		// Named in the schema's order, as Python's jsonschema does.
		{"type boolean first", `{"server": {"name": "a", "force": 1}}`, "Invalid input for field/attribute force. Value: 1. 1 is not of type 'boolean', 'string'"},
		{"type three", `{"server": {"name": "a", "id": []}}`, "Invalid input for field/attribute id. Value: []. [] is not of type 'null', 'integer', 'string'"},
		{"too long", `{"server": {"name": "abcdef"}}`, "Invalid input for field/attribute name. Value: abcdef. 'abcdef' is too long"},
		{"minimum", `{"server": {"name": "a", "count": 0}}`, "Invalid input for field/attribute count. Value: 0. 0 is less than the minimum of 1"},
		{"null body", `null`, "None is not of type 'object'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Decode([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			err = s.Validate(doc)
			if novalite.KindOf(err) != novalite.Invalid {
				t.Fatalf("kind = %v, want invalid (err %v)", novalite.KindOf(err), err)
			}
			if got := novalite.MessageOf(err); got != tt.want {
				t.Errorf("message\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// additionalProperties beside patternProperties: Python's jsonschema
// names the patterns ("does"/"do" by the number of extras), as in Nova's
// metadata errors.
func TestPatternPropertiesMessages(t *testing.T) {
	s := New("p", `{"type": "object", "properties": {"server": {"type": "object", "properties": {
		"metadata": {"type": "object", "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$": {"type": "string"}},
		"additionalProperties": false}}}}}`)
	q := New("q", `{"type": "object", "patternProperties": {"^b$": {}, "^a$": {}}, "additionalProperties": false}`)
	tests := []struct {
		s          *Schema
		name, body string
		want       string
	}{
		{s, "one", `{"server": {"metadata": {"a/b": "x"}}}`,
			"Invalid input for field/attribute metadata. Value: {'a/b': 'x'}. 'a/b' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"},
		{q, "two, sorted", `{"z": 1, "y": 2}`, "'y', 'z' do not match any of the regexes: '^a$', '^b$'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Decode([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if got := novalite.MessageOf(tt.s.Validate(doc)); got != tt.want {
				t.Errorf("message\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// A schema compiles on first use: a bad one is made without complaint,
// panics when used and is named by CompileAll.
func TestBadSchemaFoundLate(t *testing.T) {
	good := New("good", `{"type": "object"}`)
	bad := New("bad_type", `{"type": "no such type"}`)
	if err := good.Validate(map[string]any{}); err != nil {
		t.Fatalf("good schema: %v", err)
	}
	_, err := CompileAll()
	if err == nil || !strings.Contains(err.Error(), "bad_type") {
		t.Errorf("CompileAll = %v, want the error of bad_type", err)
	}
	defer func() {
		if p := recover(); p == nil {
			t.Error("validating with a bad schema did not panic")
		}
	}()
	_ = bad.Validate(map[string]any{})
}
