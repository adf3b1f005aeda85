#!/usr/bin/env bash
# The shared openstackclient smoke (../shared/harness/osc/smoke.sh, 41
# checks, all passing on a real Nova 26) against a fresh `novalite serve`.
# It runs with hard delete: two of its checks wait for a deleted server to
# vanish, which a soft delete (reclaim_instance_interval > 0) does not do,
# on Nova as on novalite; osc-servers.sh covers soft delete instead.
source "$(dirname "$0")/lib.sh"
SMOKE=${OSC_SMOKE:-$SHARED/harness/osc/smoke.sh}
[ -f "$SMOKE" ] || { echo "no smoke script at $SMOKE" >&2; exit 2; }
start_novalite

# The smoke reads OS_* variables, not clouds.yaml.
admin_env
unset OS_CLIENT_CONFIG_FILE
export SMOKE_IMAGE=cirros SMOKE_FLAVOR=m1.tiny SMOKE_SOFT_DELETE=no SMOKE_TIMEOUT=60
bash "$SMOKE"
