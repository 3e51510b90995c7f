// Command featureflags prints the feature flags of the runner module this folder builds, one JSON object per
// line ({"name","default","deprecated","toBeRemovedWith"}), from the runner's own featureflags.GetAll(), so a test
// can compare the rendered [runners.feature_flags] with the runner it runs (e.g. flag a deprecated flag or one set
// to its default). Usage: (cd .ci/e2e/images/runner && go run ./cmd/featureflags)
package main

import (
	"encoding/json"
	"os"

	"gitlab.com/gitlab-org/gitlab-runner/helpers/featureflags"
)

type flag struct {
	Name            string `json:"name"`
	Default         bool   `json:"default"`
	Deprecated      bool   `json:"deprecated"`
	ToBeRemovedWith string `json:"toBeRemovedWith,omitempty"`
}

func main() {
	enc := json.NewEncoder(os.Stdout)
	for _, f := range featureflags.GetAll() {
		if err := enc.Encode(flag{f.Name, f.DefaultValue, f.Deprecated, f.ToBeRemovedWith}); err != nil {
			os.Exit(1)
		}
	}
}
