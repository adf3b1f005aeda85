#!/usr/bin/env bash
# Builds what `make clients-terraform` needs into .tools/bin (git-ignored),
# from the Go module proxy only, skipping what is already built:
#  - OpenTofu's `tofu` (TOFU_VERSION). `go install …/cmd/tofu@VERSION` is
#    refused: OpenTofu's go.mod has a replace directive (hcl/v2 → OpenTofu's
#    fork, itself a module on the proxy), which `go install pkg@version` does
#    not allow. So the module is downloaded (`go mod download`), copied out of
#    the read-only module cache and built there as the main module, where the
#    replace applies.
#  - terraform-provider-openstack v3 (PROVIDER_VERSION) with `go install`.
# Each binary's module version is read back with `go version -m`; a binary
# of another version is rebuilt.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=${TOOLS_DIR:-$ROOT/.tools}
TOFU_VERSION=${TOFU_VERSION:-v1.12.6}
PROVIDER_VERSION=${PROVIDER_VERSION:-v3.4.0}
PROVIDER_MOD=github.com/terraform-provider-openstack/terraform-provider-openstack/v3
mkdir -p "$TOOLS/bin"

# built_version BINARY: the version of the module that built BINARY.
built_version() {
  [ -x "$1" ] || return 0
  go version -m "$1" 2>/dev/null | awk '$1 == "mod" && v == "" {v = $3} END {print v}'
}

# The tofu binary records its main module as "(devel)" (built from a copy):
# a stamp file beside it names the version it was built from.
if [ "$(cat "$TOOLS/bin/tofu.version" 2>/dev/null)" != "$TOFU_VERSION" ] || [ ! -x "$TOOLS/bin/tofu" ]; then
  echo "building OpenTofu $TOFU_VERSION (tofu) into $TOOLS/bin"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  dir=$(cd "$tmp" && go mod download -json "github.com/opentofu/opentofu@$TOFU_VERSION" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  cp -r "$dir" "$tmp/src" && chmod -R u+w "$tmp/src"
  (cd "$tmp/src" && go build -trimpath -o "$TOOLS/bin/tofu.new" ./cmd/tofu)
  mv "$TOOLS/bin/tofu.new" "$TOOLS/bin/tofu"
  echo "$TOFU_VERSION" >"$TOOLS/bin/tofu.version"
  rm -rf "$tmp"
  trap - EXIT
fi

if [ "$(built_version "$TOOLS/bin/terraform-provider-openstack")" != "$PROVIDER_VERSION" ]; then
  echo "building terraform-provider-openstack $PROVIDER_VERSION into $TOOLS/bin"
  (cd "$TOOLS" && GOBIN="$TOOLS/bin" go install -trimpath "$PROVIDER_MOD@$PROVIDER_VERSION")
fi
# (Without a CLI configuration named by the environment: one that does not
# exist makes tofu warn before its version line.) sed reads to the end: a
# reader that stops after one line (head, awk's exit) can kill the writer
# with SIGPIPE, which pipefail turns into this script's failure (exit 141).
env -u TF_CLI_CONFIG_FILE "$TOOLS/bin/tofu" version | sed -n 1p
echo "terraform-provider-openstack $(built_version "$TOOLS/bin/terraform-provider-openstack")"
