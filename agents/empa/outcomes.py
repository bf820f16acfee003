"""The learned outcome vocabulary: one typed table of what a contact can do to a sprite.

Why one table: the learner writes outcomes (read from state differences, or named by the event
log), the theory reasons about them (does it remove the sprite, harm the avatar, displace a
box?) and the simulator compiles them back into VGDL effects. Each outcome is declared here once
with all of that, so a new outcome is one row, and an outcome the simulator cannot run is
visible (``effect=None``) instead of silently compiling to nothing.

A rule's observation stores its outcome as the names of everything that happened to the first
sprite in one tick, joined by ``+`` (``stepBack+reverseDirection``); :func:`kinds` splits it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutcomeKind:
    name: str
    effect: str | None          # the VGDL effect the simulator writes for the first sprite (None: none)
    removes: bool = False       # the first sprite is gone afterwards (so its type may be a win target)
    kills: bool = False         # ... simply vanishes (not replaced): a door that opens, a coin taken
    harms_avatar: bool = False  # happening to the avatar counts as harm
    displaces: bool = False     # the second sprite moves the first (a box the avatar pushes)
    arg: str | None = None      # "type": another type (transform target, cleared type, teleport exit);
    #                             "resource": (resource type, change);
    #                             "spawn": (spawned type, resource spent or None, amount held, amount spent);
    #                             "threshold": (resource, least amount held when it fired): the effect
    #                             named by the row, else the row's plain effect;
    #                             "spend": (resource, amount) the avatar, the second sprite, lost in that
    #                             tick (a door that takes the key it opens for), or None;
    #                             "health": the health points the first sprite lost in that tick, or None


def _table(*rows: OutcomeKind) -> dict[str, OutcomeKind]:
    return {r.name: r for r in rows}


#: Everything the learner may record: its own outcome names (from state differences) first, then
#: the engine's effect names (from the event log, prior ``interaction_library``).
OUTCOMES: dict[str, OutcomeKind] = _table(
    # read from state differences
    OutcomeKind("nothing", None),
    OutcomeKind("kill", "killSprite", removes=True, kills=True, harms_avatar=True, arg="spend"),
    OutcomeKind("block", "stepBack"),
    OutcomeKind("push", "bounceForward", displaces=True),
    OutcomeKind("collect", "collectResource", removes=True, kills=True),
    OutcomeKind("undo", "undoAll"),
    OutcomeKind("transform", "transformTo", removes=True, harms_avatar=True, arg="type"),
    OutcomeKind("reverse", "reverseDirection"),
    OutcomeKind("teleport", "teleportToExit", arg="type"),
    OutcomeKind("drain", "changeResource", arg="resource"),  # the avatar lost some of what it held
    OutcomeKind("clear", "killAll", arg="type"),  # every object of another type went at that contact
    # named by the event log
    OutcomeKind("killSprite", "killSprite", removes=True, kills=True, harms_avatar=True),
    OutcomeKind("killBoth", "killBoth", removes=True, kills=True, harms_avatar=True),
    OutcomeKind("killIfFromAbove", "killIfFromAbove", removes=True, kills=True, harms_avatar=True),
    # conditional kills: simulated as what they did when they fired (killIfHasMore: only holding as much)
    OutcomeKind("killIfHasLess", "killSprite", removes=True, kills=True, harms_avatar=True),
    OutcomeKind("killIfHasMore", "killSprite", removes=True, kills=True, harms_avatar=True, arg="threshold"),
    OutcomeKind("killIfOtherHasMore", "killSprite", removes=True, kills=True, arg="spend"),
    OutcomeKind("killIfOtherHasLess", "killSprite"),
    OutcomeKind("killIfAlive", "killSprite"),
    OutcomeKind("killIfSlow", "killSprite"),
    OutcomeKind("killIfFast", "killSprite"),
    OutcomeKind("killIfFrontal", "killSprite"),
    OutcomeKind("killIfNotFrontal", "killSprite"),
    OutcomeKind("collectResource", "collectResource", removes=True, kills=True),
    OutcomeKind("collectResourceIfHeld", "collectResource"),
    OutcomeKind("transformTo", "transformTo", removes=True, harms_avatar=True, arg="type"),
    OutcomeKind("transformToAll", None, removes=True),
    OutcomeKind("killAll", "killAll", removes=True, arg="type"),
    OutcomeKind("changeResource", "changeResource", arg="resource"),
    OutcomeKind("spawnIfHasMore", "spawnIfHasMore", arg="spawn"),
    # (simulated on the avatar only, and only where its health is observed: see simulator.health_of)
    OutcomeKind("subtractHealthPoints", "subtractHealthPoints", harms_avatar=True, arg="health"),
    OutcomeKind("teleportToExit", "teleportToExit", arg="type"),
    OutcomeKind("stepBack", "stepBack"),
    OutcomeKind("bounceForward", "bounceForward", displaces=True),
    OutcomeKind("undoAll", "undoAll"),
    OutcomeKind("reverseDirection", "reverseDirection"),
    OutcomeKind("wallBounce", "reverseDirection"),
    OutcomeKind("wallReverse", "reverseDirection"),
    OutcomeKind("bounceDirection", "reverseDirection"),
    OutcomeKind("turnAround", "turnAround"),
    OutcomeKind("wallStop", "wallStop"),
    OutcomeKind("wrapAround", "wrapAround"),
    OutcomeKind("flipDirection", "flipDirection"),
    OutcomeKind("pullWithIt", "pullWithIt"),
)


def kind(name: str) -> OutcomeKind:
    """The table's row for one outcome name; an effect it does not know is recorded but not simulated."""
    row = OUTCOMES.get(name)
    return row if row is not None else OutcomeKind(name, None)


def kinds(outcome: str) -> tuple[OutcomeKind, ...]:
    """The rows of a recorded outcome (names joined by ``+``; ``""`` is nothing)."""
    return tuple(kind(n) for n in outcome.split("+") if n)


def removes(outcome: str) -> bool:
    """Does this outcome remove the first sprite?"""
    return any(k.removes for k in kinds(outcome))


def kills(outcome: str) -> bool:
    """Does the first sprite simply vanish (not replaced by another)?"""
    return any(k.kills for k in kinds(outcome))


def harms_avatar(outcome: str) -> bool:
    return any(k.harms_avatar for k in kinds(outcome))


def displaces(outcome: str) -> bool:
    return any(k.displaces for k in kinds(outcome))
