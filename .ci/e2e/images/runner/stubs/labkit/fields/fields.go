// Package fields stands in for labkit/v2's standard log field names, which the runner uses as log keys.
// labkit/v2 is not served by the Go module proxy; see .ci/e2e/images/README.md. With no deprecated aliases
// listed, the runner logs every field under the name it passes (its legacy behaviour).
package fields

const (
	DurationS      = "duration_s"
	HTTPStatusCode = "status"
)

// DeprecatedField names the standard field that replaces a legacy alias.
type DeprecatedField struct {
	Standard string
}

// Deprecated maps legacy aliases to standard fields: none here.
var Deprecated = map[string]DeprecatedField{}

// VariantVersion is the schema version that introduced a standard field: none here.
var VariantVersion = map[string]int{}
