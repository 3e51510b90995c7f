#!/usr/bin/env bash
# Prints the path of upstream's Karpenter getting-started CloudFormation template for a Karpenter version, fetched
# once into the cache. Upstream documents this file as the template of a release: the tag's copy under
# website/content/en/preview/ (karpenter.sh, "CloudFormation" reference). It is not in the Go module zip of
# github.com/aws/karpenter-provider-aws (website/ is a Go module of its own, which the zip leaves out, and the module
# proxy serves no version of it), so it comes from the tag on GitHub.
# usage: scripts/karpenter-cfn.sh <version, e.g. 1.14.3>
set -euo pipefail
ver=$1
path=website/content/en/preview/getting-started/getting-started-with-karpenter/cloudformation.yaml
cache="${RUNNER_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet}/karpenter-cfn"
file="$cache/v$ver.yaml"
if [ ! -s "$file" ]; then
  # First choice: the module zip, should a release ever include the website.
  module=$(dirname "$0")/upstream-module.sh
  dir=$("$module" github.com/aws/karpenter-provider-aws "v$ver")
  mkdir -p "$cache"
  if [ -f "$dir/$path" ]; then
    cp "$dir/$path" "$file.tmp"
  else
    curl -fsSL --retry 3 "https://raw.githubusercontent.com/aws/karpenter-provider-aws/v$ver/$path" -o "$file.tmp"
  fi
  mv "$file.tmp" "$file"
fi
printf '%s\n' "$file"
