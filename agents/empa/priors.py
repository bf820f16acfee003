"""The agent's built-in assumptions, each a named prior that a run can switch off.

Why a registry: EMPA hard-coded these shortcuts (``shared/notes/empa.md`` lists them as P1-P19).
Here each one is declared once, with the claim it makes, where EMPA had it, and what the agent
does instead when it is off, so an ablation report can measure what each shortcut is worth.
Priors that need information the observation lacks name the env's privileged channels they
open; with the prior off, the channel stays closed, so the run's config shows what was given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Prior:
    name: str
    claim: str
    source: str  # EMPA item, P1..P19
    when_off: str
    default: bool = True
    privileged: tuple[str, ...] = ()  # env channels the prior opens


PRIORS: dict[str, Prior] = {p.name: p for p in (
    Prior("object_state", "The agent sees objects with positions and type tokens, and the avatar's inventory.", "P1",
          "Sees RGB pixels only: segments the frame into tiles, clusters tile appearances into types and "
          "tracks objects across frames; the inventory is unseen.", privileged=("inventory",)),
    Prior("event_log", "The engine reports which effect fired between which two types each tick.", "P1",
          "Interactions are inferred from state differences between steps (who vanished, who was blocked, "
          "who was pushed or replaced).", privileged=("events",)),
    Prior("walls_known", "The agent is told which types are walls: static, inert, blocking everything.", "P2",
          "Walls are learned like any other type: their movement is inferred and touching them is explored.",
          privileged=("walls",)),
    Prior("interaction_library", "Interactions are VGDL effects from a fixed library, named by the event log "
          "when it is on.", "P3",
          "Rules are outcome records (removed, blocked, pushed, replaced, relocated) learned from state "
          "changes; effect names in events are not used."),
    Prior("avatar_known", "The agent is told which type is the avatar, its class and what it shoots.", "P4",
          "The controllable object is found by contingency (which object moves with the actions); its "
          "projectile is whatever appears beside it after USE.", privileged=("avatar",)),
    Prior("objective_form", "Winning means the count of some type reaches 0.", "P5",
          "Also considers surviving to the time limit and gaining score as objectives."),
    Prior("deterministic_rules", "An interaction always has the same outcome: one contradicting observation "
          "replaces a rule.", "P6",
          "Rules keep outcome counts; the likelihood tolerates noise, and a rule's outcome is used in "
          "planning in proportion to its estimated probability (harmful ones pessimistically)."),
    Prior("resources_good", "Collecting a resource is good: the planner seeks resources, and a new resource "
          "opens goals to test what it unlocks.", "P7",
          "Resources carry no built-in value: only score, wins and learned preconditions make them worth "
          "fetching."),
    Prior("projectile_rollout", "After a shot, the planner rolls the projectile forward to score the shot.", "P8",
          "Shots are scored only by what the search itself reaches."),
    Prior("color_is_type", "All objects of one appearance are one type: evidence pools across them.", "P9",
          "Movement is learned per object, and a type's interaction counts as known only after two "
          "different objects of it showed it."),
    Prior("default_blocking", "An unknown interaction blocks (stepBack) until seen otherwise, and the screen "
          "edge blocks.", "P10",
          "Unknown interactions are assumed to do nothing (objects pass through each other)."),
    Prior("movement_library", "NPC movement is one of static, random, missile, chaser or fleer with a "
          "parameter grid.", "P11",
          "Every moving type is modelled as a random walker with a learned move rate."),
    Prior("single_map_theory", "The planner uses the single most probable theory.", "P13",
          "Plans are checked against the runner-up theory (unconfirmed harmful rules kept) and a plan "
          "that dies in either is rejected."),
    Prior("tuned_planner", "Planner constants (node budgets, heuristic weights, safe distance) are tuned "
          "values.", "P14", "Untuned default constants (the config file's 'untuned' block)."),
    Prior("danger_replan", "Re-plan at once when a harmful object comes within the safe distance and is not "
          "where predicted.", "P15",
          "Re-plan only when the avatar is not where predicted, the theory changes or the plan runs out."),
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
    """Which priors are on for a run."""

    off: frozenset[str] = frozenset()

    def __getattr__(self, name: str) -> bool:
        if name in PRIORS:
            return name not in self.off
        raise AttributeError(name)

    def privileged(self) -> list[str]:
        """The env's privileged channels this run is given (only those of priors that are on)."""
        return sorted({c for p in PRIORS.values() if p.name not in self.off for c in p.privileged})


def markdown_table() -> str:
    """The registry as a Markdown table (``docs/priors.md`` is this output; a test keeps them equal)."""
    rows = ["| prior | EMPA | claim (on) | what the agent does when off | privileged channels |",
            "|---|---|---|---|---|"]
    for p in PRIORS.values():
        rows.append(f"| `{p.name}` | {p.source} | {p.claim} | {p.when_off} | {', '.join(p.privileged) or '-'} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
