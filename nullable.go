package novalite

// Nullable is a field a change may leave alone, clear or set: Nova's
// nullable fields, where a body's null unsets what a value would set
// (a server's description, key_name on rebuild, a pinned zone). The API
// decodes bodies into it (internal/api/compute's Nullable, the same
// struct with JSON decoding); services and the store take it as it is.
type Nullable[T any] struct {
	Set   bool // the change names the field, null or not
	Null  bool // ... and clears it
	Value T
}

// NullableOf is a change that sets the field to v.
func NullableOf[T any](v T) Nullable[T] { return Nullable[T]{Set: true, Value: v} }

// Ptr is the value, or nil when left alone or cleared.
func (n Nullable[T]) Ptr() *T {
	if !n.Set || n.Null {
		return nil
	}
	return &n.Value
}
