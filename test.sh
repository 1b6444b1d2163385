#!/usr/bin/env bash
# The test command. Extra arguments go to `dotnet test` (e.g. -c Release --no-build).
# Tests that need node tools (Azurite, the Kusto language service) find them in tools/node/node_modules;
# run `npm ci --prefix tools/node` once first (.ci/run does).
set -euo pipefail
cd "$(dirname "$0")"
dotnet test NetPolGovernance.sln "$@"
