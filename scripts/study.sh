#!/usr/bin/env bash
# The study behind the committed leaderboards (leaderboards/{heldout,dev,gvgai}.md). Resumable:
# every command skips the units its store already holds, so run this again to continue a stopped
# study. Each phase is one `testbed run`; pass phase names to run only some (default: all, in order).
#   bash scripts/study.sh                 # everything (many CPU hours on 2 cores)
#   bash scripts/study.sh heldout-symbolic gvgai
#   bash scripts/study.sh export          # write leaderboards/results/*.jsonl.gz and the leaderboards
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup_env.sh"
cd "$root"
gvgai="${GVGAI_GAMES:-../shared/gvgai/games}"
run() { testbed run --quiet --workers "${WORKERS:-2}" "$@" || echo "study: some units failed (testbed failures)" >&2; }

phase() {
  case "$1" in
    heldout-symbolic) run --agents random,empa,empa-noprior --games heldout --seeds 0 --budget 2000 --db runs/heldout.sqlite ;;
    heldout-neural-grid) run --agents ppo-grid,dqn-grid --games heldout --seeds 0 --neural-budget 50000 --db runs/heldout.sqlite ;;
    heldout-neural-pixels) run --agents ppo-pixels,dqn-pixels --games heldout --seeds 0 --neural-budget 50000 --db runs/heldout.sqlite ;;
    gvgai) run --agents random,empa --games "$gvgai" --seeds 0 --budget 500 --db runs/gvgai.sqlite ;;
    dev-symbolic) run --agents random,empa,empa-noprior --games dev --seeds 0 --budget 2000 --db runs/dev.sqlite ;;
    dev-neural) run --agents ppo-grid,dqn-grid,ppo-pixels,dqn-pixels --games dev --seeds 0 --neural-budget 50000 --db runs/dev.sqlite ;;
    heldout-seeds) run --agents random,empa,empa-noprior --games heldout --seeds 1,2 --budget 2000 --db runs/heldout.sqlite
                   run --agents ppo-grid,dqn-grid,ppo-pixels,dqn-pixels --games heldout --seeds 1,2 --neural-budget 50000 --db runs/heldout.sqlite ;;
    export)
      for s in heldout dev gvgai; do
        [ -f "runs/$s.sqlite" ] || continue
        testbed export --db "runs/$s.sqlite" --out "leaderboards/results/$s.jsonl.gz"
        testbed leaderboard --from "leaderboards/results/$s.jsonl.gz" --suite "$s" --out leaderboards
      done ;;
    *) echo "unknown phase $1" >&2; exit 2 ;;
  esac
}

phases=("$@")
[ ${#phases[@]} -gt 0 ] || phases=(heldout-symbolic heldout-neural-grid gvgai dev-symbolic heldout-neural-pixels heldout-seeds dev-neural export)
for p in "${phases[@]}"; do phase "$p"; done
