#!/usr/bin/env bash
# The main job. For now: a demo that loads a game from games/ and plays seeded random actions.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup_env.sh"
cd "$root"
exec python -m vgdl.cli demo "$@"
