// Package addmask stands in for gitlab.com/ajwalker/phrasestream/addmask (masking for the experimental
// proxy_exec mode, off by default), which the Go module proxy does not serve. New always fails, so
// proxy_exec fails loudly. See .ci/e2e/images/README.md.
package addmask

import (
	"errors"
	"io"
)

type AddMask struct{}

// New fails: proxy_exec masking is not available in this build.
func New(any, io.Writer, io.Writer) (*AddMask, error) {
	return nil, errors.New("proxy_exec masking (phrasestream) is not available in this end-to-end test build")
}

func (*AddMask) Get(int) io.Writer { return io.Discard }
func (*AddMask) Close() error      { return nil }
