#!/usr/bin/env bash
# Rally's NovaServers.boot_and_delete_server (Debian's rally and
# rally-openstack, unmodified) as the existing users, with rally.sh's SLA
# that no iteration fails: the one Rally task of `make test`; the other
# scenarios and Rally's own users run in `make clients-rally`.
RALLY_ONLY='["NovaServers.boot_and_delete_server"]' exec "$(dirname "$0")/rally.sh"
