"""Why levels were lost: every stored attempt replayed to the tick that ended it, beside the prior audit.

Why: a leaderboard counts the levels an agent lost, not how it lost them, and a missed target has to be
explained game by game. A stored attempt (engine seed and actions) replays exactly, so how it ended is read
back from the engine: which termination fired and what the last tick did to the avatar (the contact that
removed it, say); or that the level's step budget ran out first. The static prior audit (``testbed audit``)
adds, per game, the built-in assumptions the game breaks: with all priors on, where the agent's model is
wrong.

    testbed misses --from leaderboards/results/gvgai-1000.jsonl.gz --games ../shared/gvgai/games \
        --agent empa --audit leaderboards/results/priors-gvgai.json --out leaderboards/gvgai-1000-misses.md
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from testbed.audit import steps_before_any_win
from testbed.games import GameRef
from testbed.units import decode_actions
from vgdl.loading import load_game

#: how an attempt still going when the level's budget ran out is listed
BUDGET = "budget ran out"
#: effects on the avatar in its last tick that say nothing about how the attempt ended
QUIET = frozenset({"stepBack", "wallStop", "undoAll"})


@dataclass(frozen=True)
class AttemptEnd:
    """One stored attempt of one level and how it ended."""

    level: int
    attempt: int
    steps: int
    winner: str | None  # "WIN", "LOSE", or None (still going when the budget ran out)
    cause: str          # BUDGET, "won", or the termination that fired and what the last tick did to the avatar


def _termination_text(rule: Any) -> str:
    params = " ".join(f"{k}={p.raw}" for k, p in rule.params.items() if k != "win")
    return f"{rule.kind} {params}".strip()


def _partner(type_name: str) -> str:
    # (a timed effect on a sprite is logged with the screen edge, EOS, as its partner)
    return "`EOS` or a timer" if type_name == "EOS" else f"`{type_name}`"


def replay_end(game_file: str, level_file: str, seed: int, actions: Sequence[int]) -> tuple[str | None, str]:
    """Replay one attempt; its winner and how it ended: the termination that fired, and the effects the
    last tick ran on the avatar (those that stop or undo a move left out)."""
    game = load_game(game_file, level_file, seed=seed)
    names = game.actions
    avatar = None
    for a in actions:
        if game.ended:
            break
        sprite = game.avatar()
        avatar = sprite.sid if sprite is not None else avatar
        game.step(names[a])
    if not game.ended:
        return None, BUDGET
    if game.winner == "WIN":
        return "WIN", "won"
    fired = next((rule for rule, term in zip(game.rules.desc.terminations, game.rules.terminations, strict=True)
                  if term.done(game)), None)
    cause = _termination_text(fired) if fired is not None else "step limit"
    last = [e for e in game.events() if e["id1"] == avatar and e["effect"] not in QUIET]
    hits = list(dict.fromkeys(f"{_partner(e['type2'])} ({e['effect']})" for e in last))
    if hits:
        cause += ": the avatar's last tick: " + ", ".join(hits[:2])
    return game.winner, cause


def attempt_ends(record: dict[str, Any], ref: GameRef, levels: set[int] | None = None) -> list[AttemptEnd]:
    """Every stored attempt of one unit (of ``levels`` only, if given), replayed (a won attempt is not)."""
    out = []
    for level, attempt, seed, actions, winner in record.get("trajectories") or []:
        if levels is not None and level not in levels:
            continue
        steps = decode_actions(actions)
        if winner == "WIN":
            out.append(AttemptEnd(level, attempt, len(steps), "WIN", "won"))
            continue
        replayed, cause = replay_end(ref.game_file, ref.level_files[level], seed, steps)
        if replayed != winner:
            cause = f"replay ended {replayed}, stored {winner}: {cause}"
        out.append(AttemptEnd(level, attempt, len(steps), winner, cause))
    return out


def _level_text(level: int, ends: list[AttemptEnd]) -> str:
    causes = Counter(e.cause for e in ends)
    shown = "; ".join(f"{n}x {c}" for c, n in causes.most_common(2))
    more = f"; {len(causes) - 2} other endings" if len(causes) > 2 else ""
    steps = sorted(e.steps for e in ends)
    return f"L{level}: {len(ends)} attempts (median {steps[len(steps) // 2]} steps): {shown}{more}"


def _false_priors(audit: dict[str, Any] | None, game: str) -> str:
    if audit is None or game not in audit:
        return "-"
    bad = [f"`{p}`" for p, v in audit[game].items() if v.get("holds") is False]
    return ", ".join(bad) or "none"


def markdown(records: Iterable[dict[str, Any]], refs: dict[tuple[str, str], GameRef], agent: str,
             audit: dict[str, Any] | None, command: str) -> str:
    """The per-game table: levels won, how each lost level's attempts ended, the priors the game breaks."""
    rows, skipped, totals = [], [], Counter()
    mine = [r for r in records if r["agent"] == agent and r.get("status") == "done"]
    sources = sorted({r["command"] for r in mine if r.get("command")})
    for r in sorted(mine, key=lambda r: r["game"]):
        ref = refs.get((r["game"], r["game_hash"]))
        if ref is None or r.get("variant"):
            skipped.append(r["game"])
            continue
        lost = [lv["level"] for lv in r["levels"] if not lv["won"]]
        totals["won"] += len(r["levels"]) - len(lost)
        totals["levels"] += len(r["levels"])
        if not lost:
            continue
        ends = attempt_ends(r, ref, set(lost))  # (attempts at levels later won are not replayed)
        for e in ends:
            totals["budget" if e.cause == BUDGET else "lost"] += 1
        bound = steps_before_any_win(ref.game_file, ref.level_files)
        note = ""
        budget_steps = r["budget"] if r.get("budget_unit") == "steps_per_level" else None
        if budget_steps is not None and bound is not None and bound > budget_steps:
            note = " (no win possible within the budget: " + ("nothing wins" if math.isinf(bound) else
                                                              f"the first win is at step {bound:.0f}") + ")"
        per_level = "<br>".join(_level_text(lv, [e for e in ends if e.level == lv]) for lv in lost)
        rows.append(f"| {r['game']} | {len(r['levels']) - len(lost)}/{len(r['levels'])}{note} | {per_level} | "
                    f"{_false_priors(audit, r['game'])} |")
    lines = [f"# Why levels were lost: `{agent}`", "",
             f"- made by: `{command}` on {datetime.date.today().isoformat()}",
             *[f"- results from: `{s}`" for s in sources],
             f"- {totals['won']} of {totals['levels']} levels won; the attempts at the levels lost: "
             f"{totals['lost']} ended by the game, {totals['budget']} cut by the step budget", "",
             "Each attempt at a level lost is replayed from its stored engine seed and actions to the tick "
             "that ended it: the termination that fired and the effects the avatar's last tick ran (partner "
             "type, effect). The last column lists the game-side priors the static audit finds false "
             "in the game (with all priors on, where the agent's model of the game is wrong).", "",
             "| game | levels won | levels lost: how their attempts ended (most common first) | priors false |",
             "|---|---|---|---|", *rows]
    if skipped:
        lines += ["", f"Not replayed (game files differ from the ones given, or a variant): {', '.join(skipped)}."]
    return "\n".join(lines) + "\n"
