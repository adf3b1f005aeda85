#!/usr/bin/env bash
# Gives the tests' PostgreSQL server (NOVALITE_TEST_POSTGRES, as
# install-deps.sh) the tablespace novalite_tests on tmpfs, where
# internal/store/pgtest makes the scratch databases: a local server only,
# run as root or with sudo. Creating a database's 600-odd files on this
# machine's ext4 (no journal) cost the server 160-320 ms of CPU each, ext4
# passing over the inodes that earlier tests' dropped databases freed
# recently; on tmpfs 20-30 ms. The scratch databases are dropped after
# each test, so losing them with the tmpfs at a reboot loses nothing; the
# migrated templates stay in the default tablespace. Idempotent.
set -euo pipefail
pg_dsn=${NOVALITE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
name=novalite_tests
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
q() { psql "$pg_dsn" -qAt -v ON_ERROR_STOP=1 "$@"; }

data=$(q -c 'SHOW data_directory')
owner=$($sudo stat -c %U:%G "$data" 2>/dev/null) || { echo "pg-test-tablespace.sh: the server is not local; left alone" >&2; exit 0; }
[ -d /dev/shm ] || { echo "pg-test-tablespace.sh: no /dev/shm; the scratch databases stay in the default tablespace" >&2; exit 0; }
# One directory per server (its port), so that two local servers do not share one.
port=$(q -c 'SHOW port')
dir=/dev/shm/novalite-pg-$port-tests

loc=$(q -c "SELECT pg_tablespace_location(oid) FROM pg_tablespace WHERE spcname = '$name'")
if [ -n "$loc" ] && ! $sudo test -d "$loc"; then
  # The tmpfs was emptied (a reboot) under the tablespace: drop what the
  # catalog still lists in it (files gone already) and make it again.
  for db in $(q -c "SELECT datname FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace WHERE t.spcname = '$name'"); do
    q -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" 2>/dev/null
  done
  q -c "DROP TABLESPACE $name" 2>/dev/null
  loc=""
fi
if [ -z "$loc" ]; then
  $sudo install -d -o "${owner%%:*}" -g "${owner#*:}" -m 700 "$dir"
  q -c "CREATE TABLESPACE $name LOCATION '$dir'"
  echo "tablespace $name for the tests' scratch databases: $dir"
fi
