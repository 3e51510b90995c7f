// Package oidc stands in for labkit/v2's cloud OIDC token source for Snowplow (see package snowplow).
package oidc

type options struct{}

type Option func(*options)

func WithSkipIfUnsupportedCloud(bool) Option { return func(*options) {} }

type Source struct{}

func NewSource(...Option) *Source { return &Source{} }
