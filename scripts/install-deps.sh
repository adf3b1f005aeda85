#!/usr/bin/env bash
# Installs what `make test` needs on a Debian machine, when missing:
#  - Debian's OpenStack command-line client (the real client the tests drive);
#  - a PostgreSQL server on 127.0.0.1:5432 that user postgres can reach
#    without a password (the store tests run against SQLite and PostgreSQL);
#  - QEMU, qemu-img and a static busybox, and a Debian kernel with its
#    modules unpacked (not installed) into the guest cache: the QEMU driver's
#    tests boot real guests made of that kernel and a busybox initramfs.
# Go modules come from the module proxy through `go test` itself.
#
#  - the clients whose functional suites the client tests run (openstacksdk's,
#    novaclient's and openstackclient's, in `make test`), with what those
#    suites import (pytest, Tempest's library, the other clients), and
#    Debian's Rally with its OpenStack plugins (boot-and-delete in `make
#    test`, the rest in `make clients-rally`).
#
# `install-deps.sh tempest` instead installs only Debian's Tempest (for
# `make tempest`; not part of `make test`), `install-deps.sh suites` only the
# suites' clients and `install-deps.sh rally` only Rally.
set -euo pipefail

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

if [ "${1:-}" = tempest ]; then
  # Debian's tempest runs on /usr/bin/python3; look for it there, not in a venv.
  if ! PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v tempest >/dev/null 2>&1; then
    echo "installing Debian package: tempest"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq tempest >/dev/null
  fi
  exit 0
fi
# install_missing PKG...: installs the Debian packages not installed yet.
install_missing() {
  local need=() p
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing Debian packages: ${need[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}
rally_pkgs=(rally python3-rally-openstack)
suite_pkgs=(python3-openstackclient python3-openstacksdk python3-novaclient python3-pytest python3-pytest-xdist
  python3-tempest python3-glanceclient python3-neutronclient python3-cinderclient python3-keystoneclient)
if [ "${1:-}" = rally ]; then
  install_missing "${rally_pkgs[@]}"
  exit 0
fi
if [ "${1:-}" = suites ]; then
  install_missing "${suite_pkgs[@]}"
  exit 0
fi
need=()
command -v openstack >/dev/null 2>&1 || need+=(python3-openstackclient)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v pg_isready >/dev/null 2>&1 || need+=(postgresql postgresql-client)
# The server's binaries themselves (initdb, postgres): TestPostgresRestart
# runs a private server it can crash, even when the shared one is remote.
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || need+=(postgresql)
# The container image test (test/clients/image.sh): daemonless podman, and
# runc for hosts where crun's cgroup set-up is refused.
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v runc >/dev/null 2>&1 || need+=(runc)
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
command -v qemu-img >/dev/null 2>&1 || need+=(qemu-utils)
# as and ld: TestAccelProbeBuilds rebuilds the qemu driver's accelerator probe.
command -v as >/dev/null 2>&1 && command -v ld >/dev/null 2>&1 || need+=(binutils)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
# xz: the test guest's vmlinux comes out of the kernel's xz payload (below).
command -v xz >/dev/null 2>&1 || need+=(xz-utils)

if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
install_missing "${suite_pkgs[@]}" "${rally_pkgs[@]}"

# The test guest's kernel: the package linux-image-amd64 points at,
# unpacked into the cache the tests read (internal/virt/qemu/testguest).
guest=${NOVALITE_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/novalite/guest}
if [ ! -f "$guest/vmlinuz" ]; then
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ && p == "" {p = $2} END {print p}')
  if [ -z "$pkg" ]; then
    $sudo apt-get update -qq
    pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ && p == "" {p = $2} END {print p}')
  fi
  echo "unpacking Debian package $pkg into $guest (test guest kernel)"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq "$pkg" && dpkg-deb -x ./*.deb root)
  mkdir -p "$guest"
  rm -rf "$guest/modules"
  mv "$tmp"/root/lib/modules/* "$guest/modules"
  cp "$tmp"/root/boot/vmlinuz-* "$guest/vmlinuz.tmp" && mv "$guest/vmlinuz.tmp" "$guest/vmlinuz"
  rm -rf "$tmp"
fi
# The kernel itself (vmlinux, an ELF with a PVH entry note) out of the
# bzImage's compressed payload: QEMU starts it at its PVH entry, so the
# guest skips the bzImage's decompressor, which under TCG is more than
# half the CPU of a boot to the test guest's prompt (README.md, make guests).
# The payload's place is in the boot protocol's header (payload_offset,
# payload_length, after setup_sects+1 sectors); its last 4 bytes are the
# uncompressed size, not the compressed stream's.
if [ ! -f "$guest/vmlinux" ]; then
  k=$guest/vmlinuz
  u() { od -An -tu"$1" -j "$2" -N"$1" "$k" | tr -d ' '; }
  setup=$(u 1 $((0x1f1)))
  [ "$setup" = 0 ] && setup=4
  off=$(((setup + 1) * 512 + $(u 4 $((0x248)))))
  len=$(u 4 $((0x24c)))
  case $(od -An -tx1 -j "$off" -N4 "$k" | tr -d ' ') in
  fd377a58) unpack=(xz -dc) ;;
  28b52ffd) unpack=(zstd -dcq) ;;
  1f8b*) unpack=(gzip -dc) ;;
  *) echo "$k: unknown kernel payload compression" >&2; exit 1 ;;
  esac
  echo "extracting the test guest's vmlinux from $k"
  dd if="$k" iflag=skip_bytes,count_bytes skip="$off" count=$((len - 4)) status=none | "${unpack[@]}" >"$guest/vmlinux.tmp"
  mv "$guest/vmlinux.tmp" "$guest/vmlinux"
fi

pg_dsn=${NOVALITE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
if ! psql "$pg_dsn" -c 'select 1' >/dev/null 2>&1; then
  # A local cluster that is stopped, or fresh from the package: start it and
  # let loopback connections in without a password (a test machine's server).
  ver=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba=/etc/postgresql/$ver/main/pg_hba.conf
  if ! $sudo grep -q 'novalite-tests' "$hba"; then
    $sudo sed -i '1i host all all 127.0.0.1/32 trust # novalite-tests\nhost all all ::1/128 trust # novalite-tests' "$hba"
  fi
  $sudo pg_ctlcluster --skip-systemctl-redirect "$ver" main restart 2>/dev/null ||
    $sudo pg_ctlcluster --skip-systemctl-redirect "$ver" main start
  for _ in $(seq 50); do psql "$pg_dsn" -c 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
  psql "$pg_dsn" -c 'select 1' >/dev/null
fi
# The tests' scratch databases on tmpfs (a local server): see the script.
"$(dirname "$0")/pg-test-tablespace.sh" ||
  echo "no tablespace for the tests' scratch databases: they stay in the default one" >&2
