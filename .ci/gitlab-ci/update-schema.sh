#!/usr/bin/env bash
# update-schema.sh [VERSION]: refresh schema/ci.json, GitLab's CI JSON schema (GitLab's own
# app/assets/javascripts/editor/schema/ci.json), from the PyPI package check-jsonschema, which
# vendors it verbatim with a checksum and refreshes it with its releases. The copy is committed so
# that the test stays hermetic; schema/SOURCE.json records where it came from and its sha256, and
# .ci/gitlab-ci.test.ts fails if the file no longer matches that record.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="${1:-$(sed -n 's/.*"version": "\(.*\)".*/\1/p' "$here/schema/SOURCE.json")}"
[[ -n "$version" ]] || { echo "update-schema: give a check-jsonschema version" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" "check-jsonschema==$version"
wheel="$(ls "$tmp"/check_jsonschema-*.whl)"
python3 -m zipfile -e "$wheel" "$tmp/x"
vendor="$tmp/x/check_jsonschema/builtin_schemas/vendor"
sha="$(sha256sum "$vendor/gitlab-ci.json" | cut -d' ' -f1)"
[[ "$sha" == "$(cat "$vendor/sha256/gitlab-ci.sha256")" ]] ||
  { echo "update-schema: gitlab-ci.json does not match the package's own sha256" >&2; exit 1; }

cp "$vendor/gitlab-ci.json" "$here/schema/ci.json"
cp "$vendor/licenses/LICENSE.gitlab" "$here/schema/LICENSE.gitlab"
cat >"$here/schema/SOURCE.json" <<JSON
{
  "what": "GitLab's CI/CD JSON schema (gitlab-org/gitlab app/assets/javascripts/editor/schema/ci.json), MIT",
  "registry": "PyPI",
  "package": "check-jsonschema",
  "version": "$version",
  "wheel": "$(basename "$wheel")",
  "wheelSha256": "$(sha256sum "$wheel" | cut -d' ' -f1)",
  "path": "check_jsonschema/builtin_schemas/vendor/gitlab-ci.json",
  "sha256": "$sha",
  "refresh": ".ci/gitlab-ci/update-schema.sh [VERSION]"
}
JSON
echo "update-schema: schema/ci.json from check-jsonschema $version (sha256 $sha)"
