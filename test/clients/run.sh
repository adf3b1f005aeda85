#!/usr/bin/env bash
# Runs every client test script in this directory (osc-*.sh) in turn.
set -euo pipefail
cd "$(dirname "$0")"
for t in osc-*.sh; do
  echo "== $t"
  bash "$t"
done
echo "== gophercloud.sh"
bash gophercloud.sh
echo "== ci-recipes.sh"
bash ci-recipes.sh
echo "== image.sh"
bash image.sh
