#!/usr/bin/env bash
# Installs what `make test` needs on a Debian machine, when missing:
# Debian's OpenStack command-line client (the real client the tests drive).
# Go modules come from the module proxy through `go test` itself.
set -euo pipefail

need=()
command -v openstack >/dev/null 2>&1 || need+=(python3-openstackclient)
command -v curl >/dev/null 2>&1 || need+=(curl)

if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
