// Package steprunner holds what the stand-in packages of this module share.
//
// This module stands in for gitlab.com/gitlab-org/step-runner, which the Go module proxy does not serve.
// Native steps (the `run:` keyword, FF_USE_SCRIPT_TO_STEP_MIGRATION, FF_CONCRETE) are outside the
// Kubernetes executor's default script path; every entry point here fails with ErrNotAvailable so a job
// that needs them fails loudly instead of pretending. See .ci/e2e/images/README.md.
package steprunner

import "errors"

// ErrNotAvailable is returned by every stand-in entry point.
var ErrNotAvailable = errors.New("native steps (step-runner) are not available in this end-to-end test build")
