"""The mental simulator: the current theory written out as VGDL and run in our own engine.

Why: EMPA planned in "a game-engine simulator of the theory" (prior P18): the learned rules are
written back out as a VGDL game and the perceived state as a level, so planning is plain
``copy()`` + ``step()`` on :func:`vgdl.load_game`. Compiled rules are cached by game text.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agents.empa.outcomes import harms_avatar, kills, kind, kinds
from agents.empa.perception import Frame
from agents.empa.theory import Inventory, Movement, Theory
from vgdl import load_game
from vgdl.game import Game
from vgdl.loading import load_rules
from vgdl.rules import GameRules

DIRECTIONS = {(0, -1): "UP", (0, 1): "DOWN", (-1, 0): "LEFT", (1, 0): "RIGHT"}
LEVEL_CHARS = "abcdefghijklmnopqrstuvxyzBCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_=+[]{};:,<>/?|~'\""
#: the mental game's cell size in pixels: divisible by 2, 3, 4, 5, 6, 8 and 10, so the usual fractional speeds
#: (and the positions they lead to) are whole pixels
CELL_PIXELS = 120
PUSH_FIRST = re.compile(r"> (bounceForward|transformTo stype=t\d+m$|killIfOtherHasMore )")
_RULES_CACHE: OrderedDict[str, GameRules] = OrderedDict()


def name(token: int, orientation: tuple[int, int] | None = None, sliding: bool | None = None) -> str:
    """A mental type's name: ``t3``; a missile facing left ``t3l``; a slider at rest ``t3s``, in motion
    ``t3m`` (set going by a push) or ``t3ml`` (already going left)."""
    base = f"t{token}" if sliding is None else f"t{token}{'m' if sliding else 's'}"
    return base if orientation is None else f"{base}{DIRECTIONS[orientation][0].lower()}"


def _speed(m: Movement) -> str:
    """The ``speed=`` option of a learned movement ('' at one cell per move)."""
    if m.speed == 1:
        return ""
    # a quarter pixel over the whole number of pixels, so the engine's int() lands on it exactly
    px = max(1, round(m.speed * CELL_PIXELS))
    return f" speed={(px + 0.25) / CELL_PIXELS:.6f}"


def _cardinal(d: tuple[int, int]) -> tuple[int, int]:
    """One of the four VGDL orientations (tracking can see a diagonal jump)."""
    if d in DIRECTIONS:
        return d
    if d[0]:
        return (1 if d[0] > 0 else -1), 0
    return 0, (-1 if d[1] < 0 else 1)


@dataclass
class Compiled:
    game_text: str
    level_text: str
    token_of: dict[str, int]  # mental type name -> type token
    #: objects between cells: (mental type name, level cell, position in cells) -> placed after loading
    placements: list[tuple[str, tuple[int, int], tuple[float, float]]] = field(default_factory=list)
    #: spawn points: mental type name -> steps to its next spawn (0: the next step)
    spawn_due: dict[str, int] = field(default_factory=dict)


def portal_exits(theory: Theory) -> dict[int, int]:
    """Types that sent something elsewhere (a learned teleport) -> the type found where it arrived."""
    out: dict[int, int] = {}
    for (_, b), r in theory.rules.items():
        for o in r.seen:
            if any(k.effect == "teleportToExit" for k in kinds(o.outcome)) and o.arg in theory.seen_types:
                out[b] = o.arg
    return out


#: the most types a ``MultiSpriteCounter`` counts; more forms of the avatar are counted through a parent type
MAX_COUNTED = 3
FORMS = "tforms"


def is_avatar_form(theory: Theory, t: int) -> bool:
    """Is (or has been) ``t`` the avatar?"""
    return t == theory.avatar_type or t in theory.avatar_classes


def avatar_forms(theory: Theory, tokens: list[int]) -> list[int]:
    """The types among ``tokens`` that are (or have been) the avatar: the game goes on while one is left."""
    return [t for t in tokens if is_avatar_form(theory, t)]


def health_of(theory: Theory, frame: Frame) -> int | None:
    """The avatar's health in the mental game: what it has now, where it is observed and a contact was seen
    to take some (else None: the mental avatar has none, and contacts that take health are not simulated).

    Why: a contact that takes health kills only once the health is spent, so a planner that ignores it walks
    into the same laser again and again, and one that takes it for a kill never crosses a fire it could."""
    health = frame.avatar_health()
    if health is None:
        return None
    takes = any(is_avatar_form(theory, a) and any(k.arg == "health" for o in r.seen for k in kinds(o.outcome))
                for (a, _), r in theory.rules.items())
    return health if takes else None


def _avatar_line(theory: Theory, t: int, health: int | None = None) -> str:
    """A form of the avatar's sprite declaration, in the class it was seen to have (and its health)."""
    cls = theory.avatar_class if t == theory.avatar_type else theory.avatar_classes[t]
    extra = "" if health is None else f" healthPoints={health} limitHealthPoints={max(health, 1000)}"
    if "Shoot" in cls or "Flak" in cls:
        # a leaf type (a VGDL parent type's sprites never update), turned by the avatar as it shoots
        shot = theory.projectile
        extra += f" stype={_spawned_name(theory, shot) if shot is not None else 'tshot'}"
    return f"{name(t)} > {cls}{extra}"


def _sprite_lines(theory: Theory, tokens: list[int], movers: set[int], health: int | None) -> list[str]:
    lines = []
    av = theory.avatar_type
    exits = portal_exits(theory)
    forms = avatar_forms(theory, tokens)
    for t in tokens:
        if t in forms:
            if len(forms) <= MAX_COUNTED:
                lines.append(f"        {_avatar_line(theory, t, health)}")
            elif t == forms[0]:  # (no class on the parent: an ancestor's class would override the forms')
                lines.append(f"        {FORMS} >")
                lines.extend(f"            {_avatar_line(theory, f, health)}" for f in forms)
            continue
        m = theory.movement.get(t)
        spawner = theory.spawners.get(t)
        if spawner is not None and (m is None or m.kind == "static") and t not in theory.resources:
            lines.append(f"        {name(t)} > SpawnPoint stype={_spawned_name(theory, spawner.makes)} "
                         f"cooldown={spawner.cooldown} prob={spawner.prob}")
        elif t in theory.resources:
            lines.append(f"        {name(t)} > Resource limit={theory.resource_limits.get(t, 100)}")
        elif t in exits and (m is None or m.kind == "static"):
            lines.append(f"        {name(t)} > Portal stype={name(exits[t])}")
        elif m is None or m.kind == "static" or t in theory.walls:
            lines.append(f"        {name(t)} > Immovable")
        elif m.kind == "missile":
            lines.append(f"        {name(t)} > Missile cooldown={m.cooldown}{_speed(m)}")
            for d in DIRECTIONS:
                lines.append(f"            {name(t, d)} > orientation={DIRECTIONS[d]}")
        elif m.kind == "slider":
            # Leaf subtypes (observations list leaves only), all under the type so its rules hold for each:
            # at rest; set going by a push (facing as pushed); already going one way at the start.
            # (The parent declares no class: in VGDL an ancestor's class would override the subtypes'.)
            lines.append(f"        {name(t)} >")
            lines.append(f"            {name(t, sliding=False)} > Immovable")
            lines.append(f"            {name(t, sliding=True)} > Missile cooldown={m.cooldown}"
                         f"{_speed(m) or ' speed=1'}")
            for d in DIRECTIONS:
                lines.append(f"            {name(t, d, True)} > Missile cooldown={m.cooldown}{_speed(m)} "
                             f"orientation={DIRECTIONS[d]}")
        elif m.kind == "chaser" and m.routes and av is not None:  # (round what blocks: the game's obs types)
            lines.append(f"        {name(t)} > PathChaser stype={name(av)} cooldown={m.cooldown}{_speed(m)}")
        elif m.kind in ("chaser", "fleer") and av is not None:
            cls = "Chaser" if m.kind == "chaser" else "Fleeing"
            lines.append(f"        {name(t)} > {cls} stype={name(av)} cooldown={m.cooldown}{_speed(m)}")
        else:
            lines.append(f"        {name(t)} > RandomNPC cooldown={m.cooldown}{_speed(m)}")
        if m is not None and m.kind != "static" and t not in theory.walls:
            movers.add(t)
    if av is not None and ("Shoot" in theory.avatar_class or "Flak" in theory.avatar_class) \
            and theory.projectile is None:
        lines.append("        tshot > Missile")
    return lines


def _route_obstacles(theory: Theory, tokens: list[int]) -> str:
    """The game's ``obs`` parameter (what route followers go round): the still types that block the avatar."""
    if not any(m.routes for m in theory.movement.values()):
        return ""
    blockers = theory.still_blockers()
    walls = [t for t in tokens if t in blockers]
    return f" obs={','.join(name(t) for t in walls)}" if walls else ""


def _spawned_name(theory: Theory, t: int) -> str:
    """The mental type a spawner makes: a missile facing its usual way, a slider at rest."""
    m = theory.movement.get(t)
    if m is not None and t not in theory.resources and t not in theory.walls:
        if m.kind == "missile":
            return name(t, _cardinal(m.orientation))
        if m.kind == "slider":
            return name(t, sliding=False)
    return name(t)


def _one_effect(theory: Theory, a: int, outcome: str, arg: Any, health: int | None = None) -> str | None:
    """One outcome name as a VGDL effect line's right-hand side (None: the simulator cannot run it).
    ``health``: the mental avatar's health (None: it has none)."""
    row = kind(outcome)
    effect = row.effect
    if effect is None:
        return None
    if row.arg == "health":  # on the avatar, with its health known; as much as it was seen to take (else 1)
        if health is None or not is_avatar_form(theory, a):
            return None
        return f"{effect} value={arg}" if isinstance(arg, int) and arg > 0 else effect
    if row.arg == "type":
        known = arg is not None and arg in theory.seen_types
        if effect == "transformTo":
            return f"transformTo stype={name(arg)}" if known else "killSprite"
        if effect == "killAll":
            return f"killAll stype={name(arg)}" if known else None
        return effect if known else None  # teleportToExit: the portal's sprite line names the exit
    if row.arg == "resource":
        if isinstance(arg, tuple) and arg[0] in theory.seen_types:
            return f"changeResource resource={name(arg[0])} value={arg[1]}"
        return None
    if row.arg == "threshold":
        if isinstance(arg, tuple) and arg[0] in theory.resources:
            return f"{row.name} resource={name(arg[0])} limit={arg[1]}"
        return effect
    if row.arg == "spend":  # a door that takes a key: it opens for as much as it took
        if isinstance(arg, tuple) and arg[0] in theory.resources:
            return f"killIfOtherHasMore resource={name(arg[0])} limit={arg[1]} subtract=True"
        return effect
    if row.arg == "spawn":
        if not isinstance(arg, tuple) or arg[0] not in theory.seen_types:
            return None
        made, res, held, spend = arg
        if res is None or res not in theory.resources:
            return f"spawn stype={name(made)}"
        return f"spawnIfHasMore resource={name(res)} limit={held} stype={name(made)} spend={spend}"
    if effect == "collectResource" and a not in theory.resources:
        return "killSprite"
    return effect


def _parts(outcome: str) -> list[str]:
    return [n for n in outcome.split("+") if n]


def _effects(theory: Theory, a: int, b: int, inventory: Inventory, deterministic: bool,
             default_blocking: bool, floors: tuple[float, float], health: int | None) -> list[str]:
    """Right-hand sides of the VGDL effect lines for ``a b`` (none: nothing happens)."""
    r = theory.rules.get((a, b))
    if r is None or not r.seen:
        return ["stepBack"] if default_blocking else []
    pre = r.precondition()
    if pre is not None:
        res = f"resource={name(pre.resource)}"
        with_kills, without_kills = kills(pre.with_resource), kills(pre.without)
        if with_kills and not without_kills:  # e.g. a door that opens for a key holder
            line = None
            if b == theory.avatar_type:
                spent = any(o.outcome == pre.with_resource and isinstance(o.arg, tuple) and o.arg[0] == pre.resource
                            for o in r.seen)
                line = f"killIfOtherHasMore {res} limit={pre.amount}" + (" subtract=True" if spent else "")
            if a == theory.avatar_type:
                line = f"killIfHasMore {res} limit={pre.amount}"
            if line is not None:
                rest = [e for e in (_one_effect(theory, a, x, None, health) for x in _parts(pre.without)) if e]
                return [line, *[e for e in rest if e != "stepBack"]]
        if without_kills and not with_kills and a == theory.avatar_type:  # deadly unless holding it
            arg = next((o.arg for o in r.seen if o.outcome == pre.with_resource), None)
            rest = [e for e in (_one_effect(theory, a, x, arg, health) for x in _parts(pre.with_resource)) if e]
            return [f"killIfHasLess {res} limit={pre.amount - 1}", *rest]
    outcome, arg, p = r.outcome(inventory, deterministic)
    harmful = a == theory.avatar_type and harms_avatar(outcome)
    if not deterministic and p < (floors[0] if harmful else floors[1]):
        return []
    return [e for e in (_one_effect(theory, a, x, arg, health) for x in _parts(outcome)) if e]


CONDITIONS = ("killIfHasMore", "killIfHasLess")  # effects that test what the avatar holds


def _pickups_before_conditions(lines: list[str], avatar: str) -> list[str]:
    """A condition on what the avatar holds, met on touching a thing it picks up, runs after the pick-up:
    the learner records the amount held as the engine checked it, pick-ups of that tick included."""
    out = list(lines)
    for line in lines:
        head, _, effect = line.strip().partition(" > ")
        first, _, second = head.partition(" ")
        if first != avatar or not effect.startswith(CONDITIONS):
            continue
        pickup = f"{second} {avatar} > collectResource"
        after = [i for i, other in enumerate(out) if other.strip().startswith(pickup)]
        if after and after[0] > out.index(line):
            out.remove(line)
            out.insert(after[0], line)  # (the pick-up moved up by one: this lands just after it)
    return out


def compile_theory(theory: Theory, frame: Frame, orientations: dict[int, tuple[int, int]],
                   deterministic: bool = True, default_blocking: bool = True,
                   floors: tuple[float, float] = (0.1, 0.5), moving: set[int] | None = None,
                   spawn_due: dict[int, int] | None = None) -> Compiled:
    """VGDL text of the theory and a level holding the frame's objects.

    ``floors``: with noisy rules, the probability a harmful (other) outcome needs to be simulated.
    ``moving``: objects that moved last step (a slider among them is still sliding).
    ``spawn_due``: spawner type -> steps to its next spawn (else its mental twin starts a cooldown now).
    """
    moving = moving or set()
    tokens = sorted(theory.seen_types | set(frame.counts()))
    movers: set[int] = set()
    health = health_of(theory, frame) if theory.avatar_type is not None else None
    sprites = _sprite_lines(theory, tokens, movers, health)
    av = theory.avatar_type
    if av is not None:
        movers.add(av)
    if theory.projectile is not None:
        movers.add(theory.projectile)
    inventory = frame.inventory_key()
    sliders = {t for t in tokens if theory.movement.get(t) is not None and theory.movement[t].kind == "slider"
               and t != av and t not in theory.resources and t not in theory.walls}
    interactions = []
    guessed: set[str] = set()  # lines of the default_blocking guess (contacts never seen)
    # Movers that harm the avatar run into it rather than stop at it (what it does to them is never seen).
    deadly = theory.harmful(deterministic, inventory) if av is not None else set()
    for a in tokens:
        if a in movers:
            interactions.append(f"        {name(a)} EOS > {theory.edges.get(a, 'stepBack')}")
        for b in tokens:
            if a in theory.walls or (a == b and not theory.known(a, b)):
                continue  # two of a kind meet by the rule seen between them, never by a guess
            if b == av and a in deadly and not theory.known(a, b):
                continue
            if b in theory.walls and a in movers and not theory.known(a, b):
                interactions.append(f"        {name(a)} {name(b)} > stepBack")
                continue
            if a not in movers and not theory.known(a, b):
                continue  # static things meeting static things: nothing happens
            score = theory.rules[(a, b)].score if (a, b) in theory.rules else None
            effects = _effects(theory, a, b, inventory, deterministic, default_blocking, floors, health)
            if a in sliders and "bounceForward" in effects:
                # A push sets it sliding: it becomes the moving subtype, which the push then turns and moves.
                effects.insert(effects.index("bounceForward"), f"transformTo stype={name(a, sliding=True)}")
            unseen = (a, b) not in theory.rules or not theory.rules[(a, b)].seen
            for i, effect in enumerate(effects):
                bonus = f" scoreChange={int(score)}" if score and i == 0 else ""
                interactions.append(f"        {name(a)} {name(b)} > {effect}{bonus}")
                if unseen:
                    guessed.add(interactions[-1])
    # Pushes first: a pushed thing must leave the cell before the pusher's own contact rule (a stepBack) runs;
    # so must a door that was seen to open for what the avatar holds (run after the stepBack, it never would).
    # Guesses last: a contact assumed to block must not shield the avatar from a kill it has seen (a road
    # never touched stepping the avatar back before the truck on it runs it over).
    interactions.sort(key=lambda line: (not PUSH_FIRST.search(line), line in guessed))
    if av is not None:
        interactions = _pickups_before_conditions(interactions, name(av))
    # Level: one character per distinct stack of types in a cell.
    width, height = frame.size()
    grid = [["."] * width for _ in range(height)]
    stacks: dict[tuple[str, ...], str] = {}
    placements: list[tuple[str, tuple[int, int], tuple[float, float]]] = []
    missile = {t for t in tokens if theory.movement.get(t) is not None and theory.movement[t].kind == "missile"
               and t != av and t not in theory.resources and t not in theory.walls}
    for (x, y), ids in frame.cells.items():
        if x < 0 or y < 0:
            continue  # off the screen (e.g. a sprite leaving it): not part of the level
        names = []
        for oid in ids:
            t = frame.objects[oid][0]
            if t in missile:
                names.append(name(t, _cardinal(orientations.get(oid, theory.movement[t].orientation))))
            elif t in sliders:
                going = oid in moving and oid in orientations
                names.append(name(t, _cardinal(orientations[oid]), True) if going else name(t, sliding=False))
            else:
                names.append(name(t))
            if oid in frame.exact:
                placements.append((names[-1], (x, y), frame.exact[oid]))
        key = tuple(sorted(names))
        if key not in stacks:
            if len(stacks) >= len(LEVEL_CHARS):
                continue  # out of characters: leave the cell empty (rare, large mixed levels)
            stacks[key] = LEVEL_CHARS[len(stacks)]
        grid[y][x] = stacks[key]
    mapping = [f"        {c} > {' '.join(k)}" for k, c in stacks.items()]
    forms = avatar_forms(theory, tokens) if av is not None else []
    if len(forms) == 1:
        terminations = [f"        SpriteCounter stype={name(av)} limit=0 win=False"]
    elif len(forms) > MAX_COUNTED:  # any form of the avatar left keeps the game going
        terminations = [f"        SpriteCounter stype={FORMS} limit=0 win=False"]
    else:
        counted = " ".join(f"stype{i + 1}={name(t)}" for i, t in enumerate(forms))
        terminations = [f"        MultiSpriteCounter {counted} limit=0 win=False"] if forms else []
    header = f"BasicGame square_size={CELL_PIXELS}{_route_obstacles(theory, tokens)}"
    text = "\n".join([header, "    SpriteSet", *sprites, "    LevelMapping",
                      *mapping, "    InteractionSet", *interactions, "    TerminationSet", *terminations]) + "\n"
    level = "\n".join("".join(row) for row in grid) + "\n"
    token_of = {name(t): t for t in tokens}
    token_of.update({name(t, d): t for t in missile for d in DIRECTIONS})
    token_of.update({n: t for t in sliders
                     for n in [name(t, sliding=False), name(t, sliding=True)] + [name(t, d, True) for d in DIRECTIONS]})
    due = {name(t): n for t, n in (spawn_due or {}).items() if t in theory.spawners}
    return Compiled(text, level, token_of, placements, due)


def mental_game(compiled: Compiled, frame: Frame, avatar_orientation: tuple[float, float] | None,
                seed: int) -> Game:
    """Load the compiled theory with the frame's state (the avatar's inventory and facing included)."""
    rules = _RULES_CACHE.get(compiled.game_text)
    if rules is None:
        rules = load_rules("<theory>", text=compiled.game_text)
        _RULES_CACHE[compiled.game_text] = rules
        if len(_RULES_CACHE) > 64:
            _RULES_CACHE.popitem(last=False)
    game = load_game(rules, compiled.level_text, seed=seed)
    if compiled.placements:
        _place(game, compiled.placements)
    game.settle()  # the objects are in mid-play: missiles drift on the first tick, as the real ones do
    if compiled.spawn_due:
        for s in list(game.sprites()):
            due = compiled.spawn_due.get(s.kind.name)
            if due is not None:
                game.set_spawn_phase(s, due)
    avatar = game.avatar()
    if avatar is not None:
        if avatar_orientation is not None and any(avatar_orientation):
            game.set_orientation(avatar, avatar_orientation)
        for res, n in frame.inventory.items():
            rid = rules.itype_of.get(name(res))
            if rid is not None and n > 0:
                game.change_resource(game.avatar(), rid, int(n))
    return game


def _place(game: Game, placements: list[tuple[str, tuple[int, int], tuple[float, float]]]) -> None:
    """Move the objects that sit between cells from their level cell to where they are."""
    bs = game.block_size
    at: dict[tuple[str, int, int], list[Any]] = {}
    for s in game.sprites():
        at.setdefault((s.kind.name, s.x, s.y), []).append(s)
    for type_name, (cx, cy), (x, y) in placements:
        found = at.get((type_name, cx * bs, cy * bs))
        if found:
            game.place(found.pop(0), round(x * bs), round(y * bs))


def channel_tokens(game: Game, compiled: Compiled) -> np.ndarray:
    """Type token of each of the mental game's observation channels (-1: not a theory type)."""
    return np.array([compiled.token_of.get(n, -1) for n in game.type_names], dtype=np.int64)
