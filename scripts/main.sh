#!/usr/bin/env bash
# The main job: the default tournament (random, EMPA-like with all priors on and all off, and a
# small-budget PPO on a few dev and held-out games, one seed) into runs/testbed.sqlite; prints the
# leaderboard and writes leaderboards/default.md. Extra arguments go to `testbed run`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup_env.sh"
cd "$root"
exec python -m testbed.cli run "$@"
