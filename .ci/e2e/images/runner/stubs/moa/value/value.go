// Package value stands in for moa's values: a Value can be built but never decoded from JSON, so a job that
// carries inputs is refused when it is decoded instead of being run with inputs ignored.
package value

import "errors"

// Kind is the kind of a value.
type Kind int

const (
	NullKind Kind = iota
	StringKind
	NumberKind
	BoolKind
	ArrayKind
	ObjectKind
)

func (k Kind) String() string {
	return [...]string{"null", "string", "number", "bool", "array", "object"}[k]
}

var (
	ErrAttributeNotFound = errors.New("attribute not found")
	ErrInvalidKey        = errors.New("invalid key")
	errNoDecoding        = errors.New("job inputs are not supported in this end-to-end test build")
)

// Mapper is an object value.
type Mapper interface {
	Attr(string) (Value, error)
}

// Value is a value with marks.
type Value struct {
	kind  Kind
	str   string
	obj   Mapper
	marks uint16
}

func Null() Value                      { return Value{} }
func String(s string) Value            { return Value{kind: StringKind, str: s} }
func Object(m Mapper) Value            { return Value{kind: ObjectKind, obj: m} }
func (v Value) Kind() Kind             { return v.kind }
func (v Value) String() string         { return v.str }
func (v Value) HasMarks(m uint16) bool { return v.marks&m != 0 }
func (v Value) WithMarks(m uint16) Value {
	v.marks |= m
	return v
}

// UnmarshalJSON refuses: see the package comment.
func (v *Value) UnmarshalJSON([]byte) error { return errNoDecoding }
