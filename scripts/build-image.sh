#!/usr/bin/env bash
# Builds the container image from Containerfile with whichever builder
# works here: podman (daemonless; as root with the vfs storage driver when
# overlay mounts are not allowed, as in containers), buildah, or docker.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-novalite}
if command -v podman >/dev/null; then
  exec podman ${PODMAN_STORAGE:+--storage-driver "$PODMAN_STORAGE"} build -f Containerfile -t "$tag" .
elif command -v buildah >/dev/null; then
  exec buildah bud -f Containerfile -t "$tag" .
elif docker info >/dev/null 2>&1; then
  exec docker build -f Containerfile -t "$tag" .
fi
echo "no container builder: install podman (scripts/install-deps.sh image)" >&2
exit 1
