#!/usr/bin/env bash
# Prints the packages `make unit-postgres` runs: those whose tests take
# their database from NOVALITE_TEST_ENGINE, because their test binary
# imports storetest (itself or through apptest) or their own test files
# read the variable. The others would only run the same tests again: the
# packages that open no store, and the store itself, whose tests run each
# engine in every pass (forEachEngine, storetest.OpenEngine).
#
# Fails if one of the store's tests (its *_test.go files but the
# benchmarks', which unit runs once) takes the engine from the
# variable after all, which would need the PostgreSQL pass again.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
STORE=novalite/internal/store
STORETEST=$STORE/storetest

bad=$(grep -lE 'storetest\.(Open|Engine)\(|NOVALITE_TEST_ENGINE' internal/store/*_test.go | grep -v '_bench_test\.go$' || true)
if [ -n "$bad" ]; then
  echo "postgres-packages.sh: these store tests take the engine from NOVALITE_TEST_ENGINE:" $bad >&2
  echo "  run both engines in them (storetest.OpenEngine over storetest.Engines), or drop the store from this list's exceptions" >&2
  exit 1
fi

# Each package with tests, once: its test binary's dependencies, and its
# test files that name the variable.
list=$(mktemp)
trap 'rm -f "$list"' EXIT
"$GO" list -test -f '{{if .ForTest}}{{else}}{{.ImportPath}} {{join .Deps " "}}{{end}}' ./... |
  awk -v st="$STORETEST" '$1 ~ /\.test$/ { for (i = 2; i <= NF; i++) if ($i == st) { print substr($1, 1, length($1) - 5); break } }' >"$list"
"$GO" list -f '{{.ImportPath}}{{range .TestGoFiles}} {{$.Dir}}/{{.}}{{end}}{{range .XTestGoFiles}} {{$.Dir}}/{{.}}{{end}}' ./... |
  while read -r pkg files; do
    [ -n "$files" ] || continue
    # shellcheck disable=SC2086 # the package's test files
    grep -q NOVALITE_TEST_ENGINE $files && echo "$pkg"
  done >>"$list"
sort -u "$list" | grep -vx "$STORE"
