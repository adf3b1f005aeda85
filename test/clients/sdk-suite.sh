#!/usr/bin/env bash
# openstacksdk's own functional suite (compute, image, network, identity),
# unmodified, against its own fresh `novalite serve`, judged as
# `make clients-extended` judges every suite (suites.sh: a failure not in
# suites-expected.txt, or a suite that ran nothing or stopped early, fails
# it). The clients' suites short enough for `make test`; novaclient's and
# openstackclient's stay in clients-extended (docs/clients.md).
exec "$(dirname "$0")/suites.sh" sdk
