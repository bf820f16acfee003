"""The agent's built-in assumptions, each a named prior that a run can switch off.

Why a registry: EMPA hard-coded these shortcuts (``shared/notes/empa.md`` lists them as P1-P19).
Here each one is declared once, with the claim it makes, where EMPA had it, and what the agent
does instead when it is off, so an ablation report can measure what each shortcut is worth.
Priors that need information the observation lacks name the env's privileged channels they
open; with the prior off, the channel stays closed, so the run's config shows what was given.

Each prior's on and off behaviour lives here too: it sets one or more fields of
:class:`Behaviour` (one value when on, one when off), and the agent, learner and planner read
only those fields, never the prior names. A prior that acts only through another declares it in
``requires``; when a required prior is off, the dependent one is inactive (off in effect), and the
run's description says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Behaviour:
    """What the agent does, as set by the priors (each field belongs to exactly one prior)."""

    perceive_objects: bool       # object_state: object table (else segmented pixels)
    read_events: bool            # event_log: learn from the engine's effect log
    told_walls: bool             # walls_known
    effect_names: bool           # interaction_library: rules are the logged VGDL effects
    told_avatar: bool            # avatar_known: avatar type, class and projectile given
    score_objective: bool        # objective_form off: score and survival are goals too
    deterministic: bool          # deterministic_rules: the last outcome is the rule
    resource_bonus: bool         # resources_good: the planner values resources
    load_novelty: bool           # resources_good off: a contact never tried holding a resource now held is new
    rollout_shots: bool          # projectile_rollout
    learn_shot_flight: bool      # projectile_rollout off: the shot's moves count from its first tick
    evidence_objects: int        # color_is_type: objects that must show a type's interaction
    movement_per_object: bool    # color_is_type off: movement fitted per object
    split_lookalikes: bool       # color_is_type off: an object that kills where its look-alikes are safe is a kind
    unknown_blocks: bool         # default_blocking: unknown contacts and the screen edge block
    library_movement: bool       # movement_library: static/random/missile/chaser/fleer
    check_runner_up: bool        # single_map_theory off: plans must survive the runner-up theory
    planner_block: str           # tuned_planner: the planner.yml block
    replan_on_danger: bool       # danger_replan


@dataclass(frozen=True)
class Prior:
    name: str
    claim: str
    source: str  # EMPA item, P1..P19
    when_off: str
    sets: dict[str, tuple[Any, Any]]  # Behaviour field -> (value when on, value when off)
    default: bool = True
    privileged: tuple[str, ...] = ()  # env channels the prior opens
    requires: tuple[str, ...] = ()    # priors without which this one has no effect


PRIORS: dict[str, Prior] = {p.name: p for p in (
    Prior("object_state", "The agent sees objects with positions and type tokens, and the avatar's inventory.", "P1",
          "Sees RGB pixels only: segments the frame into tiles, clusters tile appearances into types and "
          "tracks objects across frames (teleports included); a black tile inside the level is a thing "
          "too (a pit drawn black); the inventory is unseen: what the avatar took (an object gone from "
          "under it) is held by memory until the attempt ends (config pixel_pickup_memory, on), unless the "
          "config's pixel_status_bars asks the env for GVGAI's status bars and reads what the avatar holds "
          "from them (off by default).",
          {"perceive_objects": (True, False)},
          privileged=("inventory",)),
    Prior("event_log", "The engine reports which effect fired between which two types each tick.", "P1",
          "Interactions are inferred from state differences between steps (who vanished, who was blocked, "
          "who was pushed or replaced).", {"read_events": (True, False)}, privileged=("events",),
          requires=("object_state",)),
    Prior("walls_known", "The agent is told which types are walls: static, inert, blocking everything.", "P2",
          "Walls are learned like any other type: their movement is inferred and touching them is explored.",
          {"told_walls": (True, False)}, privileged=("walls",)),
    Prior("interaction_library", "Interactions are VGDL effects from a fixed library, named by the event log "
          "when it is on.", "P3",
          "Rules are outcome records (removed, blocked, pushed, replaced, relocated, drained, a type cleared "
          "at once) learned from state changes, a vanished mover killed by what lay ahead of it (both ways "
          "when that went too), with resource thresholds (a death seen only while holding a resource is "
          "suspected to need it until one with less refutes it); effect names in events are not used.",
          {"effect_names": (True, False)}, requires=("event_log",)),
    Prior("avatar_known", "The agent is told which type is the avatar, its class and what it shoots.", "P4",
          "The controllable object is found by contingency (which object moves with the actions); its "
          "projectile is whatever new kind (not in the attempt's first frame) appears beside it after USE; "
          "whether it keeps going by itself (OngoingAvatar) is learned from what it does right after a "
          "move with no direction pressed.",
          {"told_avatar": (True, False)},
          privileged=("avatar",)),
    Prior("objective_form", "Winning means the count of some type reaches 0.", "P5",
          "Also considers surviving to the time limit and gaining score as objectives (a level with "
          "nothing left to do is restarted only once an attempt was lost with the avatar alive and "
          "nothing removed: the clock).",
          {"score_objective": (False, True)}),
    Prior("deterministic_rules", "An interaction always has the same outcome: one contradicting observation "
          "replaces a rule.", "P6",
          "Rules keep outcome counts; the likelihood tolerates noise, and a rule's outcome is used in "
          "planning in proportion to its estimated probability (harmful ones pessimistically).",
          {"deterministic": (True, False)}),
    Prior("resources_good", "Collecting a resource is good: the planner seeks resources, and a new resource "
          "opens goals to test what it unlocks.", "P7",
          "Resources carry no built-in value: only score, wins and learned preconditions make them worth "
          "fetching; what one is for is explored: a type never met while holding a resource now held is new "
          "again (a door that wanted a key).", {"resource_bonus": (True, False), "load_novelty": (False, True)},
          requires=("object_state",)),
    Prior("projectile_rollout", "After a shot, the planner rolls the projectile forward to score the shot.", "P8",
          "Shots are scored only by what the search itself reaches; so that the mental shot flies, its moves "
          "count from its first tick (beside the avatar; other things' moves count only away from it).",
          {"rollout_shots": (True, False), "learn_shot_flight": (False, True)}),
    Prior("color_is_type", "All objects of one appearance are one type: evidence pools across them.", "P9",
          "Movement is learned per object, a type's interaction counts as known only after two "
          "different objects of it showed it, and an object that killed the avatar where its look-alikes "
          "are safe becomes a kind of its own (known again by its start cell on the next attempt), as "
          "does the way each object first went (a look-alike train going the other way). With the "
          "objective out of reach, the agent walks into each blocking object at the edge of where it can "
          "go, once per level (one brick among bricks may be an illusion).",
          {"evidence_objects": (1, 2), "movement_per_object": (False, True), "split_lookalikes": (False, True)}),
    Prior("default_blocking", "An unknown interaction blocks (stepBack) until seen otherwise, and the screen "
          "edge blocks.", "P10",
          "Unknown interactions are assumed to do nothing (objects pass through each other).",
          {"unknown_blocks": (True, False)}),
    Prior("movement_library", "NPC movement is one of static, random, missile, chaser or fleer with a "
          "parameter grid.", "P11",
          "Every moving type is modelled as a random walker with a learned move rate, unless its own moves "
          "show a pattern: it approaches (avoids) the avatar when more of its moves went toward (away from) "
          "the avatar than the half a random walker's could at most, by a one-sided binomial test at "
          "planner.yml herding_alpha (0.001: ten moves of ten at least; the library takes four), along the "
          "walkable route round what blocks the avatar when its moves shortened that route more often than "
          "the straight-line distance (a PathChaser), else in a straight line; each of "
          "its objects goes on as it last went when they kept their heading (or turned straight back) in "
          "90% of at least 8 pairs of moves (planner.yml heading_pairs; per object, all its objects' pairs "
          "together when no one of them has 8: short-lived shots). No parameter grid.",
          {"library_movement": (True, False)}),
    Prior("single_map_theory", "The planner uses the single most probable theory.", "P13",
          "Plans are checked against the runner-up theory (unconfirmed harmful rules kept) and a plan "
          "that dies in either is rejected.", {"check_runner_up": (False, True)}),
    Prior("tuned_planner", "Planner constants (node budgets, heuristic weights, safe distance) are tuned "
          "values.", "P14", "Untuned default constants (the config file's 'untuned' block).",
          {"planner_block": ("tuned", "untuned")}),
    Prior("danger_replan", "Re-plan at once when a harmful object comes within the safe distance and is not "
          "where predicted.", "P15",
          "Re-plan only when the avatar is not where predicted, the theory changes or the plan runs out.",
          {"replan_on_danger": (True, False)}),
)}


def resolve_off(names: str | Iterable[str] | None) -> frozenset[str]:
    """``"all"``, a comma list or an iterable of prior names -> the set switched off (checked)."""
    if names is None:
        return frozenset()
    if isinstance(names, str):
        names = [n for n in names.split(",") if n.strip()]
    names = [n.strip() for n in names]
    if "all" in names:
        return frozenset(PRIORS)
    unknown = sorted(set(names) - set(PRIORS))
    if unknown:
        raise ValueError(f"unknown priors {unknown}; known: {sorted(PRIORS)}")
    return frozenset(names)


@dataclass(frozen=True)
class PriorSet:
    """Which priors are on for a run (``off`` as asked; attribute access gives the effect)."""

    off: frozenset[str] = frozenset()

    def inactive(self) -> frozenset[str]:
        """Priors switched on but without effect, because a prior they require is off (transitively)."""
        out: set[str] = set()
        changed = True
        while changed:
            changed = False
            for p in PRIORS.values():
                if p.name not in self.off and p.name not in out and set(p.requires) & (self.off | out):
                    out.add(p.name)
                    changed = True
        return frozenset(out)

    def effective_off(self) -> frozenset[str]:
        return self.off | self.inactive()

    def __getattr__(self, name: str) -> bool:
        if name in PRIORS:
            return name not in self.effective_off()
        raise AttributeError(name)

    def behaviour(self) -> Behaviour:
        """Every behaviour field, from the prior that sets it (on or off in effect)."""
        off = self.effective_off()
        values = {k: v[1] if p.name in off else v[0] for p in PRIORS.values() for k, v in p.sets.items()}
        return Behaviour(**values)

    def privileged(self) -> list[str]:
        """The env's privileged channels this run is given (only those of priors on in effect)."""
        off = self.effective_off()
        return sorted({c for p in PRIORS.values() if p.name not in off for c in p.privileged})


def behaviour_owners() -> dict[str, list[str]]:
    """Behaviour field -> the priors that set it (a test checks it is exactly one each)."""
    out: dict[str, list[str]] = {f.name: [] for f in fields(Behaviour)}
    for p in PRIORS.values():
        for k in p.sets:
            out.setdefault(k, []).append(p.name)
    return out


def markdown_table() -> str:
    """The registry as a Markdown table (``docs/priors.md`` is this output; a test keeps them equal)."""
    rows = ["| prior | EMPA | claim (on) | what the agent does when off | privileged channels | requires |",
            "|---|---|---|---|---|---|"]
    for p in PRIORS.values():
        req = ", ".join(f"`{r}`" for r in p.requires) or "-"
        rows.append(f"| `{p.name}` | {p.source} | {p.claim} | {p.when_off} | {', '.join(p.privileged) or '-'} "
                    f"| {req} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
