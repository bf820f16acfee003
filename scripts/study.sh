#!/usr/bin/env bash
# The study behind the committed leaderboards (leaderboards/{heldout,dev,gvgai}.md). Resumable:
# every command skips the units its store already holds, so run this again to continue a stopped
# study. Each phase is one `testbed run`; pass phase names to run only some (default: all, in order).
#   bash scripts/study.sh                 # everything (many CPU hours on 2 cores)
#   bash scripts/study.sh heldout-symbolic gvgai
#   bash scripts/study.sh export          # write leaderboards/results/*.jsonl and the leaderboards
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup_env.sh"
cd "$root"
gvgai="${GVGAI_GAMES:-../shared/gvgai/games}"
run() { testbed run --quiet --workers "${WORKERS:-2}" "$@" || echo "study: some units failed (testbed failures)" >&2; }
held() { run --games heldout --db runs/heldout.sqlite "$@"; }
dev() { run --games dev --db runs/dev.sqlite "$@"; }

phase() {
  case "$1" in
    heldout-symbolic) held --agents random,empa,empa-noprior --seeds 0 --budget 2000 ;;
    heldout-neural-grid) held --agents ppo-grid,dqn-grid --seeds 0 --neural-budget 50000 ;;
    heldout-ppo-pixels) held --agents ppo-pixels --seeds 0 --neural-budget 50000 ;;
    heldout-dqn-pixels) held --agents dqn-pixels --seeds 0 --neural-budget 50000 ;;
    gvgai) run --agents random,empa --games "$gvgai" --seeds 0 --budget 500 --unit-timeout 1200 --db runs/gvgai.sqlite ;;
    dev-symbolic) dev --agents random,empa,empa-noprior --seeds 0 --budget 2000 ;;
    dev-neural-grid) dev --agents ppo-grid,dqn-grid --seeds 0 --neural-budget 50000 ;;
    dev-neural-pixels) dev --agents ppo-pixels,dqn-pixels --seeds 0 --neural-budget 50000 ;;
    heldout-seeds) held --agents random,empa,empa-noprior --seeds 1,2 --budget 2000
                   held --agents ppo-grid,dqn-grid,ppo-pixels,dqn-pixels --seeds 1,2 --neural-budget 50000 ;;
    export)
      for s in heldout dev gvgai; do
        [ -f "runs/$s.sqlite" ] || continue
        testbed export --db "runs/$s.sqlite" --out "leaderboards/results/$s.jsonl"
        testbed leaderboard --from "leaderboards/results/$s.jsonl" --suite "$s" --out leaderboards
      done ;;
    *) echo "unknown phase $1" >&2; exit 2 ;;
  esac
}

phases=("$@")
[ ${#phases[@]} -gt 0 ] || phases=(heldout-symbolic heldout-neural-grid gvgai heldout-ppo-pixels dev-symbolic
                                   heldout-dqn-pixels dev-neural-grid heldout-seeds dev-neural-pixels export)
for p in "${phases[@]}"; do phase "$p"; done
