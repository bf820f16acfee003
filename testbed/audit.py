"""Static prior audit: which of the EMPA-like agent's priors hold in a game, read from its VGDL alone.

Why: an ablation says what switching a prior off costs; to read it, one must know in which games the
prior was true to begin with. This module decides that for every prior of
``agents.empa.priors.PRIORS`` from the game's parsed description (the engine's own parser and
compiler: typed parameters, class defaults, line numbers) and the level files beside it (which
characters are used: what can exist). Nothing is run and no game text is ever evaluated.

Each game-side prior has one checker (:data:`CHECKS`); priors about the agent itself are
``None`` with the reason in :data:`AGENT_SIDE`. A ``False`` names the sprite, rule or
termination that breaks the prior with its line in the game file.

    testbed audit --games dev --md audit.md          # once the lead registers audit_command
    python -m testbed.audit --games ../shared/gvgai/games --md leaderboards/priors-gvgai.md
"""

from __future__ import annotations

import datetime
import json
import math
import shlex
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

import typer

from agents.empa.outcomes import OUTCOMES
from agents.empa.priors import PRIORS
from testbed.games import GameRef, GameSelectionError, select_games
from vgdl.description import GameDescription, InteractionRule, SpriteType, TerminationRule
from vgdl.errors import VGDLError
from vgdl.level import MAX_WINDOW_SIZE
from vgdl.loading import load_rules
from vgdl.ontology.avatars import FlakAvatar, HorizontalAvatar, ShootAvatar, VerticalAvatar
from vgdl.ontology.effects import EFFECTS
from vgdl.ontology.registry import typed_values
from vgdl.ontology.sprites import (
    AlternateChaser,
    BomberRandomMissile,
    Chaser,
    Flicker,
    LOSChaser,
    PathAltChaser,
    PathChaser,
    RandomBomber,
    RandomNPC,
    SpawnPoint,
    SpawnPointMultiSprite,
    Spreader,
)
from vgdl.rules import GameRules, SpriteKind
from vgdl.suite import ManifestError
from vgdl.values import COLORS

Verdict = tuple[bool, str]

#: Priors about the agent, not the game: the same in every game (one line each on why).
AGENT_SIDE: dict[str, str] = {
    "object_state": "agent-side: what the agent perceives (object rows and its inventory) is the env's choice, "
                    "the same in every game",
    "event_log": "agent-side: whether the env reports the effects that fired, which it can in every game",
    "single_map_theory": "agent-side: how the planner uses its theories, not a property of the game",
    "tuned_planner": "agent-side: the planner's constants, not a property of the game",
    "danger_replan": "agent-side: when the planner re-plans, not a property of the game",
}

# --- Effect vocabularies (by what an effect does to its first sprite s1 and its partner s2) ---------

#: Effects that can remove or replace s1 (conditional ones included: they *can*).
REMOVES_S1 = frozenset({
    "killSprite", "killBoth", "killIfHasLess", "killIfHasMore", "killIfOtherHasMore", "killIfOtherHasLess",
    "killIfFromAbove", "killIfAlive", "killIfFrontal", "killIfNotFrontal", "killIfSlow", "killIfFast",
    "collectResource", "collectResourceIfHeld", "subtractHealthPoints", "transformTo", "transformIfCount",
    "transformToRandomChild", "transformToSingleton"})
#: Effects that move s1 (push, carry, teleport, wrap, snap).
MOVES_S1 = frozenset({"bounceForward", "pullWithIt", "teleportToExit", "wrapAround", "align", "turnAround",
                      "wallStop", "wallBounce", "wallReverse", "conveySprite", "windGust", "slipForward"})
#: Effects that harm s1 when s1 is the avatar: it can die or lose health (a transformation is a new body, not
#: harm: that is ``avatar_known``'s business).
HARMS_S1 = REMOVES_S1 - {"collectResource", "collectResourceIfHeld", "transformTo", "transformIfCount",
                         "transformToRandomChild", "transformToSingleton"}
#: Effects that select sprites of the type named by ``stype`` anywhere (and destroy, replace or hurt them).
GLOBAL_ON_STYPE = frozenset({"killAll", "transformToAll", "subtractHealthPoints"})
#: Effects that kill s2 too when the named parameter is set (``killBoth`` always does).
KILLS_S2_PARAM = {"transformTo": "killSecond", "transformIfCount": "killSecond", "transformToRandomChild": "killSecond",
                  "transformToAll": "killSecond", "addHealthPoints": "killSecond", "addHealthPointsToMax": "killSecond",
                  "removeScore": "killSecond", "changeResource": "killResource"}
#: Effects whose ``prob`` parameter the engine reads (GVGAI ignores ``prob`` on every other effect).
PROB_EFFECTS = frozenset({"attractGaze", "spawn", "spawnIfHasMore", "spawnIfHasLess", "spawnBehind", "spawnAbove",
                          "spawnBelow", "spawnLeft", "spawnRight"})
#: Effects whose outcome is drawn at random whatever their parameters.
RANDOM_EFFECTS = {"flipDirection": "faces a random direction",
                  "transformToRandomChild": "becomes a random subtype"}
#: Effects that create sprites, and the parameters naming what they create.
CREATES: dict[str, tuple[str, ...]] = {
    "transformTo": ("stype",), "transformToAll": ("stypeTo",), "transformIfCount": ("stype", "estype"),
    "transformToRandomChild": ("stype",), "transformToSingleton": ("stype", "stype_other"),
    "spawn": ("stype",), "spawnIfHasMore": ("stype",), "spawnIfHasLess": ("stype",), "spawnBehind": ("stype",),
    "spawnAbove": ("stype",), "spawnBelow": ("stype",), "spawnLeft": ("stype",), "spawnRight": ("stype",),
    "spawnIfCounterSubTypes": ("stype", "estype"), "updateSpawnType": ("stype",)}

#: EMPA's interaction library as our agent has it: the engine effects its mental simulator writes as
#: they are (agents/empa/outcomes.py rows whose effect is themselves) and the resource-conditioned kills
#: it learns exactly as preconditions (P12).
PRECONDITIONED = frozenset({"killIfOtherHasMore", "killIfHasMore", "killIfHasLess"})
#: Effects the simulator writes only in some cases (so a game using them is outside the library).
PARTIAL = {"subtractHealthPoints": "on the avatar, and only where its health is observed"}
INTERACTION_LIBRARY = frozenset({k.name for k in OUTCOMES.values() if k.effect == k.name} - set(PARTIAL)
                                | PRECONDITIONED)
#: Effects the simulator runs as another (a conditional kill as the kill it was when it fired).
APPROXIMATE = {k.name: k.effect for k in OUTCOMES.values() if k.effect not in (None, k.name)}
#: Parameters the simulator drops: set to other than their default, the effect is not the library's version
#: (``repeat`` on any effect: the simulator applies it once).
LIBRARY_DROPPED_PARAMS: dict[str, tuple[str, ...]] = {
    "transformTo": ("killSecond",), "changeResource": ("killResource",), "killIfOtherHasMore": ("subtract",),
    "undoAll": ("notStype",), "collectResource": ("killResource",)}

#: Avatar classes whose movement is the player's action, one step each (what the agent is told it controls).
PLAIN_AVATARS = frozenset({"MovingAvatar", "HorizontalAvatar", "VerticalAvatar", "OrientedAvatar", "ShootAvatar",
                           "FlakAvatar"})
#: Classes that differ from another only in how a sprite's orientation is chosen.
SAME_CLASS = {"RandomMissile": "Missile", "ErraticMissile": "Missile"}
#: Sprite classes a wall may have and still be static and inert.
STATIC_WALL_CLASSES = frozenset({"Immovable", "Door", "Passive"})
#: NPC classes outside the movement library (static, random, missile, chaser, fleer); checked in MRO order.
OUTSIDE_MOVEMENT = ((LOSChaser, "chases only what is in line with its last step"),
                    (PathChaser, "follows shortest paths"),
                    (AlternateChaser, "picks which of several types to chase, some along paths"))


# --- The game as the checkers see it -------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One (actor, partner) pair of an interaction line, with typed values and the leaf types it touches."""

    ir: InteractionRule
    values: dict[str, Any]
    score: int
    actors: frozenset[str]  # leaf types (or the pseudo-sprite EOS / TIME)
    partners: frozenset[str]

    @property
    def effect(self) -> str:
        return self.ir.effect

    def text(self) -> str:
        params = "".join(f" {k}={p.raw}" for k, p in self.ir.params.items())
        return f"line {self.ir.line}: `{self.ir.actor} {self.ir.partner} > {self.ir.effect}{params}`"

    @property
    def kills_s2(self) -> bool:
        key = KILLS_S2_PARAM.get(self.effect)
        return self.effect == "killBoth" or (key is not None and bool(self.values.get(key, False)))


@dataclass
class GameView:
    """A parsed, compiled game plus the sets every checker needs (leaves, avatars, walls, what can exist)."""

    rules: GameRules
    level_chars: set[str] | None  # characters used by the levels (None: no level files found)
    levels: list[list[str]] = field(default_factory=list)
    interactions: list[Rule] = field(default_factory=list)
    present: set[str] = field(default_factory=set)  # leaf types that can exist in some level

    @property
    def desc(self) -> GameDescription:
        return self.rules.desc

    def kind(self, name: str) -> SpriteKind:
        return self.rules.kinds[self.rules.itype_of[name]]

    def leaves(self, name: str | None) -> frozenset[str]:
        if not name or name not in self.desc.types:
            return frozenset({name}) if name in ("EOS", "TIME") else frozenset()
        return frozenset(self.desc.leaves_of(name))

    def names(self, value: Any) -> frozenset[str]:
        """Leaf types named by a parameter value (one name or a tuple of names)."""
        items = value if isinstance(value, tuple) else (value,) if value else ()
        return frozenset().union(*(self.leaves(str(v)) for v in items)) if items else frozenset()

    def where(self, name: str, *keys: str) -> str:
        """Where a type is defined, plus where each of ``keys`` (parameters, or ``class``) is set when that is
        another line (a parent type's): the line to fix may be the parent's."""
        t: SpriteType = self.desc.types[name]
        out = f"line {t.line}: `{name}`" if t.line else f"built-in `{name}`"
        elsewhere: dict[int, list[str]] = {}
        for key in keys:
            line = self.origin(name, key)
            if line is not None and line != t.line:
                elsewhere.setdefault(line, []).append(key)
        for line, names in elsewhere.items():
            out += f" ({', '.join(names)} set on line {line})"
        return out

    def origin(self, name: str, key: str) -> int | None:
        """The line that sets a type's parameter ``key`` (or its ``class``): its own, or an ancestor's."""
        t = self.desc.types[name]
        if key != "class":
            p = t.params.get(key)
            return p.line if p is not None else None
        for a in t.ancestry:  # GVGAI: an ancestor's class wins over the node's own
            if self.desc.types[a].declared_class == t.vgdl_class:
                return self.desc.types[a].line
        return None

    def cls(self, name: str) -> str:
        return self.desc.types[name].vgdl_class or "no class"

    @property
    def avatars(self) -> set[str]:
        return {n for n in self.present if self.kind(n).is_avatar}

    @property
    def walls(self) -> set[str]:
        """The types the env's ``walls`` channel names: those that are, or descend from, one named ``wall``."""
        return {n for n in self.present if "wall" in self.desc.types[n].ancestry}

    @cached_property
    def block_size(self) -> int:
        """The largest block size (pixels per cell) of the levels: a speed that moves no whole pixel there never
        moves (the engine moves ``int(speed * block_size)`` pixels)."""
        sizes = [self.rules.square_size if self.rules.square_size != -1 else
                 max(2, MAX_WINDOW_SIZE // max(len(rows[0]), len(rows))) for rows in self.levels if rows]
        return max(sizes, default=MAX_WINDOW_SIZE)

    def self_moving(self, name: str) -> bool:
        """Does a sprite of this type move without being pushed (the avatar, NPCs, drifting missiles)?"""
        k = self.kind(name)
        if k.is_avatar:
            return self.cls(name) not in ("NullAvatar", "ShootOnlyAvatar")
        if int(k.speed * self.block_size) == 0:
            return False
        if isinstance(k.behaviour, RandomNPC | RandomBomber):
            return True
        return not k.is_static and not k.only_active and k.is_oriented

    @property
    def movers(self) -> set[str]:
        moved = {a for r in self.interactions if r.effect in MOVES_S1 for a in r.actors}
        return {n for n in self.present if self.self_moving(n) or n in moved}

    def rules_between(self, actors: Iterable[str], partners: Iterable[str]) -> list[Rule]:
        a, p = set(actors), set(partners)
        return [r for r in self.interactions if r.actors & a and r.partners & p]


def _typed_rule(rules: GameRules, ir: InteractionRule) -> Rule:
    spec = EFFECTS.lookup(ir.effect, rules.file, ir.line, ir.column)
    values = typed_values(spec.fields, {}, ir.params, rules.file, ir.effect, [])
    raw = ir.params.get("scoreChange")
    try:
        score = int(raw.raw.split(",")[0]) if raw is not None else 0
    except ValueError:
        score = 0
    leaves = rules.desc.leaves_of
    actors = frozenset({ir.actor}) if ir.actor in ("EOS", "TIME") else frozenset(leaves(ir.actor))
    partners = frozenset({ir.partner}) if ir.partner in ("EOS", "TIME") else frozenset(leaves(ir.partner))
    return Rule(ir, values, score, actors, partners)


def level_files_for(game_file: Path) -> list[Path]:
    """The level files beside a game file, in our layout (``level0.txt``) or GVGAI's (``name_lvl0.txt``)."""
    pattern = "level*.txt" if game_file.name == "game.txt" else f"{game_file.stem}_lvl*.txt"
    found = [p for p in game_file.parent.glob(pattern) if p.stem.rsplit("l", 1)[-1].isdigit()]
    return sorted(found, key=lambda p: int(p.stem.rsplit("l", 1)[-1]))


def _created(g: GameView, name: str) -> frozenset[str]:
    """Types a sprite of ``name`` creates by itself (spawners, shooters, trails)."""
    k = g.kind(name)
    beh, v = k.behaviour, k.values
    if isinstance(beh, BomberRandomMissile):
        return g.names(v.get("stypeMissile"))
    if isinstance(beh, SpawnPointMultiSprite):
        return g.names(v.get("stypes"))
    if isinstance(beh, SpawnPoint | Spreader | ShootAvatar | FlakAvatar):
        return g.names(v.get("stype"))
    if g.cls(name) == "OngoingTurningAvatar":
        return g.names(v.get("spawnBehind") or "wall")
    return frozenset()


def _effect_creates(g: GameView, r: Rule) -> frozenset[str]:
    keys = CREATES.get(r.effect, ())
    if r.effect == "addTimer":
        keys = CREATES.get(str(r.values.get("ftype")), ())
        return frozenset().union(*(g.names(r.ir.params[k].raw) for k in keys if k in r.ir.params))
    return frozenset().union(*(g.names(r.values.get(k)) for k in keys)) if keys else frozenset()


def _present(g: GameView) -> set[str]:
    """Leaf types that can exist: those the levels place, closed under spawning, shooting and transforming."""
    mapping = g.desc.level_mapping
    chars = g.level_chars if g.level_chars is not None else set(mapping)
    present = {leaf for c in chars if c in mapping for n in mapping[c].types for leaf in g.leaves(n)}
    while True:
        new = set().union(*(_created(g, n) for n in present))
        for r in g.interactions:
            if (r.actors & present or r.actors <= {"EOS", "TIME"}) and (r.partners & present
                                                                       or r.partners <= {"EOS", "TIME"}):
                new |= _effect_creates(g, r)
        if new <= present:
            return present
        present |= new


def load(game_file: str | Path, level_files: Sequence[str | Path] | None = None) -> GameView:
    """Parse and compile ``game_file``; read its levels (given, or found beside it) for what they place."""
    path = Path(game_file)
    rules = load_rules(path)
    files = [Path(p) for p in level_files] if level_files is not None else level_files_for(path)
    levels = [p.read_text(encoding="utf-8-sig").splitlines() for p in files]
    chars = {c for rows in levels for row in rows for c in row} if levels else None
    g = GameView(rules, chars, levels)
    g.interactions = [_typed_rule(rules, ir) for ir in rules.desc.interactions]
    g.present = _present(g)
    return g


# --- Checkers: one per game-side prior --------------------------------------------------------------


#: Effects that stop a mover at a wall: undo its step, or bounce it back (a bounce stops only what moves along
#: its orientation, not the avatar or an NPC that picks its own steps). Removing it stops it too (REMOVES_S1).
STOPS = frozenset({"stepBack", "undoAll", "wallStop", "turnAround"})
BOUNCES = frozenset({"reverseDirection", "wallBounce", "wallReverse", "bounceDirection"})


def _stops(g: GameView, mover: str, wall: str) -> bool:
    """Does some rule stop (or remove) ``mover`` when it meets ``wall``?"""
    k = g.kind(mover)
    steers = k.is_avatar or isinstance(k.behaviour, RandomNPC | RandomBomber)
    stops = STOPS | REMOVES_S1 | (frozenset() if steers else BOUNCES)
    return any(r.effect in stops for r in g.rules_between({mover}, {wall})) or any(
        r.kills_s2 for r in g.rules_between({wall}, {mover}))


def _cells(g: GameView) -> Iterable[tuple[int, int, int, frozenset[str]]]:
    """(level index, row, column, leaf types placed there) for every mapped cell of every level."""
    mapping = g.desc.level_mapping
    for i, rows in enumerate(g.levels):
        for y, row in enumerate(rows):
            for x, c in enumerate(row):
                if c in mapping:
                    yield i, y, x, frozenset().union(*(g.leaves(n) for n in mapping[c].types))


def _lane_hits(g: GameView, mover: str, walls: set[str]) -> set[str]:
    """Walls that a sprite moving straight along its orientation meets, from where the levels place it.

    The lane ends at the first cell holding a type the mover has a rule with (it may turn or stop there):
    a wall there is met.
    """
    dx, dy = (int(round(v)) for v in g.kind(mover).orientation)
    if (dx, dy) == (0, 0) or not g.levels:
        return set()
    grid = {(i, y, x): types for i, y, x, types in _cells(g)}
    touched = {p for r in g.interactions if mover in r.actors for p in r.partners} | walls
    hit: set[str] = set()
    for (i, y, x), types in grid.items():
        if mover not in types:
            continue
        rows = g.levels[i]
        cx, cy = x, y
        while 0 <= cy < len(rows) and 0 <= cx < len(rows[cy]):
            here = (grid.get((i, cy, cx), frozenset()) - {mover}) & touched
            if here:
                hit |= here & walls
                break
            cx, cy = cx + dx, cy + dy
    return hit


def _unblocked(g: GameView, walls: set[str]) -> Iterable[tuple[str, str, str]]:
    """(mover, wall, how) for movers that walls do not stop: no rule between them, or none that stops it.

    Checked for the movers known to reach walls from the VGDL and levels alone: the avatar and its
    shots (they go wherever the player aims), what the avatar pushes, NPCs that pick their own steps
    (random walkers and greedy chasers wander or cut corners into them; path followers go round),
    sprites moving straight whose lane in a level runs into a wall, and movers a level places on a
    wall's cell.
    """
    avatars = g.avatars
    stacked = {(m, w) for _, _, _, types in _cells(g) for m in types for w in types & walls}
    pushed = {a for r in g.interactions if r.effect in MOVES_S1 and r.partners & avatars for a in r.actors}
    wander = {n for n in g.present if isinstance(g.kind(n).behaviour, RandomNPC | RandomBomber)
              and not isinstance(g.kind(n).behaviour, PathChaser | PathAltChaser)}  # paths go round obstacles
    everywhere = avatars | {s for a in avatars for s in _created(g, a)} | pushed | wander
    movers = g.movers - walls
    for m in sorted(movers, key=lambda n: (g.desc.types[n].line, n)):
        reach = walls if m in everywhere else _lane_hits(g, m, walls) | {w for n, w in stacked if n == m}
        for w in sorted(reach):
            if _stops(g, m, w):
                continue
            rules = g.rules_between({m}, {w}) + g.rules_between({w}, {m})
            how = f"has only {rules[0].text()} with" if rules else \
                "starts on the cell of" if (m, w) in stacked else "moves and has no interaction with"
            yield m, w, how


def check_walls_known(g: GameView) -> Verdict:
    """Walls (what the env would name as walls) must be static and inert: they never change, never harm the
    avatar, and block every mover."""
    walls = g.walls
    if not walls:
        return True, "no wall types: EMPA is told nothing"
    for w in sorted(walls, key=lambda n: g.desc.types[n].line):
        k = g.kind(w)
        if g.cls(w) not in STATIC_WALL_CLASSES or g.self_moving(w):
            return False, f"{g.where(w, 'class')} is a wall of class {g.cls(w)}: not static"
        if k.ttl > -1:
            return False, f"{g.where(w, 'timeToLive')} is a wall with timeToLive={k.ttl}: it vanishes"
    avatars = g.avatars
    for r in g.interactions:
        if r.actors & walls and r.effect in REMOVES_S1 | MOVES_S1:
            return False, f"{r.text()} changes a wall (it is destroyed, transformed or moved)"
        if r.partners & walls and r.kills_s2:
            return False, f"{r.text()} destroys a wall"
        if r.effect in GLOBAL_ON_STYPE and g.names(r.values.get("stype")) & walls:
            return False, f"{r.text()} destroys or replaces walls"
        if r.actors & avatars and r.partners & walls and (r.effect in HARMS_S1 or r.score < 0):
            return False, f"{r.text()}: touching a wall harms the avatar (walls are not inert)"
        if r.actors & walls and r.partners & avatars and r.score < 0:
            return False, f"{r.text()}: touching a wall costs score (walls are not inert)"
    for m, w, why in _unblocked(g, walls):
        return False, f"{g.where(m)} ({g.cls(m)}) {why} wall `{w}`: walls do not stop it"
    return True, f"walls ({', '.join(sorted(walls))}) are static, never change, block movers and harm nothing"


def check_interaction_library(g: GameView) -> Verdict:
    """Every effect must be one the agent's theory can express and its simulator write back."""
    for r in g.interactions:
        if "TIME" in r.actors | r.partners:
            return False, f"{r.text()} is a timed effect (TIME): not in the library"
        if r.effect not in INTERACTION_LIBRARY:
            how = f" (simulated as {APPROXIMATE[r.effect]})" if r.effect in APPROXIMATE else \
                f" (simulated {PARTIAL[r.effect]})" if r.effect in PARTIAL else ""
            return False, f"{r.text()}: `{r.effect}` is not in the interaction library{how}"
        fields = EFFECTS.lookup(r.effect, g.rules.file, r.ir.line, r.ir.column).fields
        for key in (*LIBRARY_DROPPED_PARAMS.get(r.effect, ()), "repeat"):
            if key in r.ir.params and r.values.get(key) != fields[key].default:
                return False, f"{r.text()}: `{r.effect}` with {key}={r.ir.params[key].raw} is not in the library " \
                              "(the simulator drops it)"
    return True, "every effect is in the library"


def check_avatar_known(g: GameView) -> Verdict:
    """Exactly one avatar type, of a plain class (it moves one step per action), shooting at most one type."""
    avatars = g.avatars
    if not avatars:
        where = ", ".join(g.where(n) for n in g.desc.types if g.kind(n).is_avatar and g.desc.types[n].is_leaf)
        return False, f"no avatar can exist in any level (avatar types: {where or 'none'})"
    if len(avatars) > 1:
        for r in g.interactions:
            passed = _effect_creates(g, r) & avatars
            if any(passed - {a} for a in r.actors):  # the actor may be a parent type of the new avatar too
                return False, f"{r.text()} passes control to another avatar type ({', '.join(sorted(passed))})"
        names = sorted(avatars, key=lambda n: g.desc.types[n].line)
        return False, f"several avatar types: {', '.join(g.where(n) for n in names)}"
    (a,) = avatars
    cls = g.cls(a)
    if cls not in PLAIN_AVATARS:
        return False, f"{g.where(a, 'class')} is a {cls}: not an avatar that moves one step per action"
    k = g.kind(a)
    if k.speed not in (0, 1) or k.cooldown > 1:  # speed 0 means 1 for an avatar; cooldown 1 waits no tick
        key = "speed" if k.speed not in (0, 1) else "cooldown"
        return False, f"{g.where(a, key)} has {key}={k.values[key]}: it does not move one cell per action"
    shots = _created(g, a)
    if len(shots) > 1:
        return False, f"{g.where(a)} shoots {len(shots)} types ({', '.join(sorted(shots))}); EMPA is told one"
    return True, f"one {cls} avatar `{a}`" + (f" shooting `{next(iter(shots))}`" if shots else "")


def _count_to_zero(t: TerminationRule, term: Any) -> bool:
    if term.count_score:
        return False
    if t.kind == "SpriteCounter":
        return term.limit == 0
    return t.kind == "MultiSpriteCounter" and term.limit == 0 and not term.values.get("min")


def _placed(g: GameView) -> set[str]:
    """Leaf types the levels place (all that the mapping names when there are no level files)."""
    mapping = g.desc.level_mapping
    chars = g.level_chars if g.level_chars is not None else set(mapping)
    return {leaf for c in chars if c in mapping for n in mapping[c].types for leaf in g.leaves(n)}


def _removable(g: GameView, name: str) -> bool:
    """Can a sprite of this type disappear: die of age, spend itself, or be killed, collected or replaced?"""
    k = g.kind(name)
    if k.ttl > -1 or isinstance(k.behaviour, Flicker) or (isinstance(k.behaviour, SpawnPoint)
                                                          and int(k.values.get("total", 0)) > 0):
        return True
    for r in g.interactions:
        if name in r.actors and r.effect in REMOVES_S1 or name in r.partners and r.kills_s2:
            return True
        if r.effect in GLOBAL_ON_STYPE | {"transformToSingleton"} and name in g.names(r.values.get("stype")):
            return True
    return False


def _stuck(g: GameView, t: TerminationRule) -> list[str]:
    """Types a counter counts that the levels place and that nothing can remove: its count never reaches 0."""
    keys = ("stype",) if t.kind == "SpriteCounter" else ("stype1", "stype2", "stype3")
    counted = frozenset().union(*(g.leaves(t.params[k].raw) for k in keys if k in t.params))
    return sorted(n for n in counted & _placed(g) if not _removable(g, n))


def check_objective_form(g: GameView) -> Verdict:
    """Some win must be "the count of a type (or of several together) reaches 0", and that count must be able
    to fall to 0 (every type it counts that a level places can be removed)."""
    ends = list(zip(g.desc.terminations, g.rules.terminations, strict=True))
    wins = [(t, term) for t, term in ends if term.win or term.count_score]  # count_score: the higher score wins
    counts = [(t, term) for t, term in wins if _count_to_zero(t, term)]
    for t, _ in counts:
        if not _stuck(g, t):
            return True, f"line {t.line}: a win when a count reaches 0"
    if not wins:
        lines = [str(t.line) for t in g.desc.terminations]
        where = f"line{'s' if len(lines) > 1 else ''} {', '.join(lines)}: " if lines else ""
        return False, f"{where}no termination wins the game"
    stuck = "".join(f" (line {t.line}: `{t.kind}` counts {', '.join(f'`{n}`' for n in _stuck(g, t))}, which "
                    "nothing removes: that count never reaches 0)" for t, _ in counts)
    others = [(t, term) for t, term in wins if not _count_to_zero(t, term)]
    if not others:
        t = counts[0][0]
        return False, f"line {t.line}: `{t.kind} {_params(t)}`: the only win is a count that never reaches 0{stuck}"
    t, term = others[0]
    what = "the winner is decided by score" if term.count_score else \
        "the only win is surviving a timer" if t.kind == "Timeout" and len(others) == 1 else \
        "a win that is not a count reaching 0"
    return False, f"line {t.line}: `{t.kind} {_params(t)}`: {what}{stuck}"


def _params(t: TerminationRule) -> str:
    return " ".join(f"{k}={p.raw}" for k, p in t.params.items())


def _teleport_exits(g: GameView, r: Rule) -> tuple[int | None, frozenset[str]]:
    """The most exits any level holds for this teleport's portals (None: unknown), and the exit types."""
    exits = frozenset().union(*(g.names(g.kind(p).values.get("stype")) for p in r.partners if p in g.desc.types))
    if not g.levels:
        return None, exits
    mapping = g.desc.level_mapping
    most = 0
    for rows in g.levels:
        n = sum(sum(1 for name in mapping[c].types if g.leaves(name) & exits)
                for row in rows for c in row if c in mapping)
        most = max(most, n)
    return most, exits


def _singleton_made(g: GameView, r: Rule) -> frozenset[str]:
    """Types a rule makes while keeping only one of them (``transformToSingleton``'s ``stype``)."""
    return g.names(r.values.get("stype")) if r.effect == "transformToSingleton" else frozenset()


def check_deterministic_rules(g: GameView) -> Verdict:
    """No interaction outcome, spawn or transformation may be drawn at random (random NPC movement is fine)."""
    for r in g.interactions:
        effect = str(r.values.get("ftype")) if r.effect == "addTimer" else r.effect
        if effect in PROB_EFFECTS and 0 < float(r.values.get("prob", 1.0)) < 1:
            return False, f"{r.text()} happens with probability {r.values['prob']}"
        if effect in RANDOM_EFFECTS:
            return False, f"{r.text()}: {RANDOM_EFFECTS[effect]}"
        if effect == "teleportToExit":
            most, exits = _teleport_exits(g, r)
            singleton = all(g.kind(e).singleton for e in exits) and exits
            spawned = any(_effect_creates(g, q) & exits - _singleton_made(g, q) for q in g.interactions) or any(
                _created(g, n) & exits for n in g.present)
            if not singleton and (most is None or most > 1 or spawned):
                many = "exits are created in play" if spawned else \
                    f"a level has {most} exits" if most else "no levels to count exits"
                return False, f"{r.text()} lands on a random exit ({many})"
    for n in sorted(g.present, key=lambda n: g.desc.types[n].line):
        k = g.kind(n)
        if isinstance(k.behaviour, SpawnPoint) and 0 < float(k.values.get("prob", 1.0)) < 1:
            return False, f"{g.where(n, 'prob')} ({g.cls(n)}) spawns with prob={k.values['prob']}"
        if isinstance(k.behaviour, BomberRandomMissile) and len(_created(g, n)) > 1:
            many = len(_created(g, n))
            return False, f"{g.where(n, 'stypeMissile')} ({g.cls(n)}) spawns a random one of {many} types"
        if isinstance(k.behaviour, Spreader) and 0 < float(k.values.get("spreadprob", 1.0)) < 1:
            return False, f"{g.where(n, 'spreadprob')} (Spreader) spreads with spreadprob={k.values['spreadprob']}"
    return True, "every interaction, spawn and transformation is deterministic"


def check_resources_good(g: GameView) -> Verdict:
    """Holding or collecting a resource must never kill the avatar or cost score."""
    avatars = g.avatars
    resources = {n for n in g.present if g.kind(n).is_resource}
    resources |= {n for r in g.interactions for n in g.names(r.values.get("resource"))}
    if not resources:
        return True, "no resources"
    for r in g.interactions:
        if r.actors & avatars and r.effect == "killIfHasMore":
            return False, f"{r.text()}: holding `{r.values.get('resource')}` kills the avatar"
        on_avatar = (r.actors & avatars and r.partners & resources) or (r.actors & resources and r.partners & avatars)
        if on_avatar and r.score < 0:
            return False, f"{r.text()}: picking up or touching a resource costs score"
        if r.actors & avatars and r.partners & resources and r.effect in HARMS_S1:
            return False, f"{r.text()}: touching a resource harms the avatar"
        if r.actors & resources and r.partners & avatars and r.effect == "killBoth":
            return False, f"{r.text()}: touching a resource kills the avatar"
        if r.actors & avatars and r.effect == "changeResource" and int(r.values.get("value", 0)) > 0 \
                and r.score < 0:
            return False, f"{r.text()}: gaining a resource costs score"
        made = g.names(r.values.get("stype")) if r.actors & avatars and r.effect == "spawnIfHasMore" else set()
        if any(q.effect in HARMS_S1 for q in g.rules_between(avatars, made)) or any(
                q.kills_s2 for q in g.rules_between(made, avatars)):
            return False, f"{r.text()}: holding `{r.values.get('resource')}` makes what harms the avatar"
    return True, f"resources ({', '.join(sorted(resources))}) never harm the avatar"


def check_projectile_rollout(g: GameView) -> Verdict:
    """The avatar's shot must never hurt its shooter, and must die when it hits a wall."""
    avatars = g.avatars
    shots = {s: a for a in sorted(avatars) for s in _created(g, a) if g.cls(a) != "OngoingTurningAvatar"}
    if not shots:
        return True, "no avatar shoots: the prior is never used"
    walls = g.walls
    for s in sorted(shots):
        for r in g.rules_between(avatars, {s}):
            if r.effect in HARMS_S1 or r.score < 0:
                return False, f"{r.text()}: the shot `{s}` hurts its shooter"
        for r in g.rules_between({s}, avatars):
            if r.kills_s2 or r.score < 0:
                return False, f"{r.text()}: the shot `{s}` hurts its shooter"
        for r in g.interactions:
            if s in r.actors | r.partners and r.effect in GLOBAL_ON_STYPE and g.names(r.values.get("stype")) & avatars:
                return False, f"{r.text()}: what the shot `{s}` hits hurts its shooter"
        if not g.self_moving(s):
            continue
        for w in sorted(walls):
            hits = g.rules_between({s}, {w})
            dies = any(r.effect in REMOVES_S1 for r in hits) or any(
                r.effect == "killBoth" for r in g.rules_between({w}, {s}))
            if not dies:
                why = f"{hits[0].text()} does not remove it" if hits else f"no rule with `{w}`: it passes through"
                return False, f"{g.where(s)}, the avatar's shot, outlives hitting wall `{w}` ({why})"
    return True, f"the shot ({', '.join(sorted(shots))}) dies on walls and never hurts its shooter"


def _appearance(g: GameView, name: str) -> tuple[Any, ...]:
    """How the renderer (``vgdl/render.py``) draws a type: a square of the colour the file gives it (an image
    name is then unused), else a glyph of its image name, else a square of its class's default colour (or of
    a colour made from its name); shrunk by ``shrinkfactor``; not at all when invisible."""
    k = g.kind(name)
    if k.invisible:
        return ("invisible",)
    if "color" not in g.desc.types[name].params and k.img:
        return ("img", k.img, k.shrink)
    return ("color", k.color if k.color is not None else f"glyph:{name}", k.shrink)


def _look(g: GameView, name: str) -> str:
    k = g.kind(name)
    if k.invisible:
        return "invisible"
    color = g.desc.types[name].params.get("color")
    if color is None and k.img:
        return f"image {k.img} (line {g.origin(name, 'img')})"
    if color is None or color.raw not in COLORS:  # an unknown colour name leaves the class's default colour
        return f"{g.cls(name)}'s default color" + (f" (line {color.line}: unknown color {color.raw})" if color else "")
    return f"color {color.raw} (line {color.line})"


#: Parameters that only say how a type is drawn (or which way it starts facing): no part of its role.
LOOKS = frozenset({"orientation", "color", "img", "shrinkfactor", "autotiling", "randomtiling", "frameRate",
                   "invisible", "hidden", "draw_arrow"})


def _role(g: GameView, name: str) -> tuple[Any, ...]:
    """Everything the rules say about a type, its orientation aside: class, parameters, and where it is named.

    Two types drawn alike with the same role differ only in their starting orientation (``cloudleft`` and
    ``cloudright`` under one ``cloud``): pooling their evidence is exactly right, so they do not break
    ``color_is_type``.
    """
    k = g.kind(name)
    values = tuple(sorted((key, repr(v)) for key, v in k.values.items() if key not in LOOKS))
    named = []
    for r in g.interactions:  # where it is an actor, a partner or a parameter (what makes it is no matter)
        refs = frozenset().union(*(g.names(v) for key, v in r.values.items()
                                   if isinstance(v, str | tuple) and key not in CREATES.get(r.effect, ())))
        named.append((name in r.actors, name in r.partners, name in refs))
    for t in g.desc.terminations:
        named.append(any(name in g.leaves(p.raw) for p in t.params.values()))
    for other in sorted(g.present):  # chased, fled or an exit (being spawned or shot is no matter)
        ov = g.kind(other).values
        refs = frozenset().union(*(g.names(v) for v in ov.values() if isinstance(v, str | tuple)))
        named.append(name in refs - _created(g, other))
    return SAME_CLASS.get(g.cls(name), g.cls(name)), values, tuple(named)


def check_color_is_type(g: GameView) -> Verdict:
    """No two types that can exist may be drawn alike (as ``vgdl/render.py`` draws them: same colour square, or
    same image glyph when no colour is given, at the same size; or both invisible), unless they differ only in
    how they look and which way they start facing."""
    by_look: dict[tuple[Any, ...], list[str]] = {}
    for n in sorted(g.present, key=lambda n: (g.desc.types[n].line, n)):
        by_look.setdefault(_appearance(g, n), []).append(n)
    clashes = []
    for names in by_look.values():
        roles: dict[tuple[Any, ...], str] = {}
        for n in names:
            roles.setdefault(_role(g, n), n)
        if len(roles) > 1:
            clashes.append(list(roles.values()))
    if not clashes:
        return True, f"{len(g.present)} types, each drawn differently"
    a, b = clashes[0][:2]
    more = sum(len(c) - 1 for c in clashes) - 1
    extra = f" (+{more} more)" if more else ""
    return False, f"{g.where(a)} and {g.where(b)} are drawn alike ({_look(g, a)}){extra}"


def check_movement_library(g: GameView) -> Verdict:
    """Every NPC must move as static, random, missile, or a chaser/fleer of the avatar."""
    avatars = g.avatars
    for n in sorted(g.present, key=lambda n: g.desc.types[n].line):
        k = g.kind(n)
        if k.is_avatar:
            continue
        for cls, why in OUTSIDE_MOVEMENT:
            if isinstance(k.behaviour, cls):
                return False, f"{g.where(n, 'class')} is a {g.cls(n)} ({why}): not in the movement library"
        if isinstance(k.behaviour, Chaser):
            target = g.names(k.values.get("stype"))
            if not target or not target <= avatars:
                verb = "flees" if k.values.get("fleeing") else "chases"
                return False, f"{g.where(n, 'class', 'stype')} ({g.cls(n)}) {verb} `{k.values.get('stype')}`, " \
                              "not the avatar: the library's chasers and fleers target the avatar"
    return True, "every NPC is static, random, a missile, or chases or flees the avatar"


def check_default_blocking(g: GameView) -> Verdict:
    """The screen edge must block: the simulator always writes ``EOS > stepBack``, so any other edge effect
    (wrapping, killing, turning) is never learned. Unknown pairs that turn out not to block are learned."""
    for r in g.interactions:
        if "EOS" in r.partners | r.actors and r.effect != "stepBack":
            return False, f"{r.text()}: the screen edge does not just block"
    for a in sorted(g.avatars - {a for r in g.interactions if "EOS" in r.partners for a in r.actors}):
        level = _walks_off(g, a)
        if level is not None:
            return False, f"{g.where(a)} has no rule with EOS and can reach the edge of level {level} through " \
                          "cells of nothing it interacts with: it walks off the screen"
    return True, "the screen edge only blocks (or is never reached)"


def _walks_off(g: GameView, mover: str) -> int | None:
    """The first level in which ``mover`` can walk from where it is placed off the screen, along the directions
    its class moves in, through cells of nothing it interacts with (anything else may stop it, end the game
    or kill it first: None, no such level)."""
    if not g.self_moving(mover):
        return None
    dirs = ((0, -1), (0, 1)) if isinstance(g.kind(mover).behaviour, HorizontalAvatar) else \
        ((-1, 0), (1, 0)) if isinstance(g.kind(mover).behaviour, VerticalAvatar) else \
        ((-1, 0), (1, 0), (0, -1), (0, 1))
    grid: dict[tuple[int, int, int], frozenset[str]] = {(i, y, x): t for i, y, x, t in _cells(g)}
    blocked = {n: bool(g.rules_between({mover}, {n}) or g.rules_between({n}, {mover})) for n in g.present}
    for i, rows in enumerate(g.levels):
        height, width = len(rows), max((len(r) for r in rows), default=0)
        todo = [(y, x) for y, row in enumerate(rows) for x in range(len(row)) if mover in grid.get((i, y, x), ())]
        seen = set(todo)
        while todo:
            y, x = todo.pop()
            for dy, dx in dirs:
                ny, nx = y + dy, x + dx
                if not (0 <= ny < height and 0 <= nx < width):
                    return i
                if (ny, nx) not in seen and not any(blocked.get(n) for n in grid.get((i, ny, nx), ())):
                    seen.add((ny, nx))
                    todo.append((ny, nx))
    return None


#: Game-side priors and their checkers.
CHECKS: dict[str, Callable[[GameView], Verdict]] = {
    "walls_known": check_walls_known,
    "interaction_library": check_interaction_library,
    "avatar_known": check_avatar_known,
    "objective_form": check_objective_form,
    "deterministic_rules": check_deterministic_rules,
    "resources_good": check_resources_good,
    "projectile_rollout": check_projectile_rollout,
    "color_is_type": check_color_is_type,
    "default_blocking": check_default_blocking,
    "movement_library": check_movement_library,
}
GAME_SIDE = tuple(p for p in PRIORS if p in CHECKS)


# --- Public API ---------------------------------------------------------------------------------


def audit_game(game_file: str | Path, level_files: Sequence[str | Path] | None = None) -> dict[str, dict]:
    """``{prior: {"holds": True | False | None, "reason": str}}`` for every prior of the registry.

    Levels (given, or found beside the game file) tell which types can exist and how many teleport
    exits there are. Raises :class:`VGDLError` for a game the engine cannot load.
    """
    unknown = set(PRIORS) - set(CHECKS) - set(AGENT_SIDE)
    if unknown:
        raise KeyError(f"the audit does not cover priors {sorted(unknown)}")
    g = load(game_file, level_files)
    out: dict[str, dict] = {}
    for name in PRIORS:
        if name in AGENT_SIDE:
            out[name] = {"holds": None, "reason": AGENT_SIDE[name]}
        else:
            holds, reason = CHECKS[name](g)
            out[name] = {"holds": holds, "reason": reason}
    return out


def steps_before_any_win(game_file: str | Path, level_files: Sequence[str | Path] | None = None) -> float | None:
    """The fewest steps a win can take where the description alone fixes it: a game whose only wins are
    Timeouts (``win=True``, or the score deciding at the end) is won no sooner than its first such tick,
    ``limit + 1`` steps as GVGAI counts (the tick counter starts at 0); a game with no winning termination
    at all, never (``math.inf``). None: some other win may come at any step.

    Why: a budget of steps per level at or under that bound makes the level unwinnable for every agent, so
    a board's share of levels won must be read against what the budget leaves winnable."""
    g = load(game_file, level_files)
    wins = [(t, term) for t, term in zip(g.desc.terminations, g.rules.terminations, strict=True)
            if term.win or term.count_score]
    if not wins:
        return math.inf
    if any(t.kind != "Timeout" for t, _ in wins):
        return None
    return min(term.limit for _, term in wins) + 1


def unwinnable_games(refs: Iterable[GameRef], budget: int) -> dict[str, float]:
    """``{game: steps}`` for the games no agent can win within ``budget`` steps per level: every win waits
    for a Timeout past it (``steps`` is the first winnable step), or nothing wins (``math.inf``)."""
    bounds = {ref.name: steps_before_any_win(ref.game_file, ref.level_files) for ref in refs}
    return {game: n for game, n in bounds.items() if n is not None and n > budget}


def audit_games(refs: Iterable[GameRef]) -> dict[str, dict]:
    """``{game: audit_game(...)}`` over tournament game references (their own level files)."""
    return {ref.name: audit_game(ref.game_file, ref.level_files) for ref in refs}


def _counts(results: dict[str, dict], prior: str) -> tuple[int, int, int]:
    values = [r[prior]["holds"] for r in results.values()]
    return values.count(True), values.count(False), values.count(None)


def all_game_side(result: dict[str, dict]) -> bool:
    return all(result[p]["holds"] for p in GAME_SIDE)


def markdown(results: dict[str, dict], title: str, command: str | None = None,
             out_of_budget: tuple[int, dict[str, float]] | None = None) -> str:
    """Per prior: holds / false / n.a. counts; games satisfying every game-side prior; a per-game table;
    with ``out_of_budget`` (a budget and :func:`unwinnable_games`), the games it leaves unwinnable."""
    n = len(results)
    lines = [f"# {title}", ""]
    if command:
        lines += [f"Made by `{command}` on {datetime.date.today().isoformat()} (static audit of the VGDL "
                  "descriptions, `testbed/audit.py`).", ""]
    lines += [f"{n} games. A prior is n.a. where it is about the agent, not the game.", "",
              "| prior | side | holds | false | n.a. |", "|---|---|---|---|---|"]
    for p in PRIORS:
        h, f, na = _counts(results, p)
        lines.append(f"| `{p}` | {'game' if p in CHECKS else 'agent'} | {h} | {f} | {na} |")
    ok = [game for game, r in results.items() if all_game_side(r)]
    names = f" ({', '.join(ok)})" if ok else ""
    lines += ["", f"**{len(ok)} of {n} games satisfy all {len(GAME_SIDE)} game-side priors**{names}.", "",
              "| game | " + " | ".join(f"`{p}`" for p in GAME_SIDE) + " | all |",
              "|---|" + "---|" * (len(GAME_SIDE) + 1)]
    for game, r in results.items():
        marks = ["✓" if r[p]["holds"] else "✗" for p in GAME_SIDE]
        lines.append(f"| {game} | " + " | ".join(marks) + f" | {'✓' if all_game_side(r) else '✗'} |")
    if out_of_budget is not None:
        lines += ["", _out_of_budget_text(n, *out_of_budget)]
    return "\n".join(lines) + "\n"


def _out_of_budget_text(n: int, budget: int, games: dict[str, float]) -> str:
    listed = ", ".join(f"{g} ({'no win' if math.isinf(steps) else f'{steps:.0f} steps'})"
                       for g, steps in sorted(games.items()))
    return (f"At {budget} steps per level, {len(games)} of {n} games cannot be won by any agent: every win "
            f"they have waits for a Timeout past the budget, or nothing wins" + (f": {listed}." if games else "."))


def summary_text(results: dict[str, dict]) -> str:
    """One line per prior: how many games it holds in, is false in, or does not apply to."""
    width = max(len(p) for p in PRIORS)
    rows = [f"{'prior':<{width}}  holds  false  n.a."]
    for p in PRIORS:
        h, f, na = _counts(results, p)
        rows.append(f"{p:<{width}}  {h:>5}  {f:>5}  {na:>4}")
    ok = sum(all_game_side(r) for r in results.values())
    rows.append(f"{ok} of {len(results)} games satisfy all {len(GAME_SIDE)} game-side priors")
    return "\n".join(rows)


def _fail(message: str) -> None:
    """One line on stderr, exit status 2 (bad input; nothing written), as ``testbed.cli.fail`` does."""
    typer.echo(f"testbed: {message}", err=True)
    raise typer.Exit(2)


def audit_command(
    games: Annotated[str, typer.Option(help="dev | heldout | all | names,... | a directory of VGDL games")],
    json_out: Annotated[Path | None, typer.Option("--json", help="write {game: {prior: {holds, reason}}}")] = None,
    md: Annotated[Path | None, typer.Option(help="write the Markdown table here")] = None,
    budget: Annotated[int | None, typer.Option(min=1, help="steps per level: also name the games it leaves "
                                                            "unwinnable (won only by a later Timeout, or "
                                                            "never)")] = None,
) -> None:
    """Audit which priors hold in each game, statically from its VGDL; print a summary, write JSON/Markdown."""
    try:
        refs = select_games(games)
        results = audit_games(refs)
        out_of_budget = (budget, unwinnable_games(refs, budget)) if budget is not None else None
    except (GameSelectionError, ManifestError, VGDLError, OSError) as exc:
        _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    typer.echo(summary_text(results))
    if out_of_budget is not None:
        typer.echo(_out_of_budget_text(len(results), *out_of_budget))
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        typer.echo(f"wrote {json_out}", err=True)
    if md is not None:
        md.parent.mkdir(parents=True, exist_ok=True)
        args = sys.argv[1:][1:] if sys.argv[1:2] == ["audit"] else sys.argv[1:]  # `testbed audit` or `-m testbed.audit`
        command = "testbed audit " + " ".join(shlex.quote(a) for a in args)
        md.write_text(markdown(results, f"Prior audit: {games}", command, out_of_budget))
        typer.echo(f"wrote {md}", err=True)


if __name__ == "__main__":
    typer.run(audit_command)
