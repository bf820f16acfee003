#!/usr/bin/env bash
# The test suite: lint, then pytest on both cores. Conformance tests read ../shared/gvgai and skip when it is absent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup_env.sh"
cd "$root"
ruff check .
exec python -m pytest -n 2 "$@"
