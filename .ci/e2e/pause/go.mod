// The pod sandbox ("pause") image's only program, built for amd64 and arm64 by ../cluster.sh.
module runner-fleet/ci/e2e/pause

go 1.25.0
