"""Interaction effects: what happens when two sprites overlap (or one leaves the screen, or time passes).

Each effect is one function registered under its VGDL name, with the parameters
it reads. It is called as ``effect(game, s1, s2, rule)``; ``s1`` is the line's
first sprite, ``s2`` its partner (``None`` for ``EOS`` and timed effects).

Score: GVGAI adds the line's ``scoreChange`` after every execution unless the
effect switched scoring off. An effect returns ``None`` (leave the line's
"apply score" switch as the previous execution left it: GVGAI shares one effect
object per line), ``True``/``False`` (set it), or an ``int`` (score this instead,
as ``subtractHealthPoints`` does with ``scoreChangeIfKilled``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vgdl.errors import VGDLError
from vgdl.ontology.registry import Registry
from vgdl.physics import active_movement, update_pos
from vgdl.values import BASE_DIRECTIONS, DOWN, LEFT, RIGHT, UP, Field

if TYPE_CHECKING:
    from vgdl.description import InteractionRule
    from vgdl.game import Game
    from vgdl.rules import EffectRule, GameRules
    from vgdl.sprite import Sprite

EffectFn = Callable[["Game", "Sprite | None", "Sprite | None", "EffectRule"], Any]

#: Parameters every effect accepts (GVGAI's Effect fields).
COMMON_FIELDS: dict[str, Field] = {
    "scoreChange": Field("raw", "0"),
    "prob": Field("float", 1.0, minimum=0),
    "repeat": Field("int", 1, minimum=0),
    "enabled": Field("bool", True),
    "applyScore": Field("bool", True),
    "count": Field("bool", True),
    "counter": Field("raw", "0"),
    "countElse": Field("bool", True),
    "counterElse": Field("raw", "0"),
    "is_stochastic": Field("bool", False),
    "is_kill_effect": Field("bool", False),
}


@dataclass(frozen=True)
class EffectSpec:
    """A registered effect: its function, parameters, which sprites it needs, and its type parameters."""

    name: str
    fn: EffectFn
    fields: dict[str, Field]
    needs: str  # "s1", "s2", "both" or "" (runs without sprites)
    batch: bool = False
    #: parameters naming sprite types: name -> required?
    type_params: dict[str, bool] = field(default_factory=dict)
    #: True when it moves sprites other than s1 (collision lookups must then rescan)
    moves_others: bool = False
    #: extra load-time preparation (e.g. addTimer builds its delayed effect)
    extra_compile: Callable[[GameRules, EffectRule, InteractionRule], None] | None = None

    def compile(self, rules: GameRules, rule: EffectRule, ir: InteractionRule) -> None:
        """Resolve type-name parameters to ids now, so unknown names fail at load time."""
        if self.extra_compile is not None:
            self.extra_compile(rules, rule, ir)
        for pname, required in self.type_params.items():
            raw = rule.values.get(pname)
            param = ir.params.get(pname)
            if isinstance(raw, tuple):
                rule.extra[pname] = tuple(rules.resolve_type(n, param, f"{self.name} {pname}") for n in raw)
            else:
                rule.extra[pname] = rules.resolve_type(raw, param, f"{self.name} {pname}", required)


EFFECTS: Registry[EffectSpec] = Registry("effect")


def effect(name: str, needs: str = "s1", batch: bool = False, types: dict[str, bool] | None = None,
           compile: Callable[[GameRules, EffectRule, InteractionRule], None] | None = None,
           moves_others: bool = False, **fields: Field) -> Callable[[EffectFn], EffectFn]:
    """Register ``fn`` as the VGDL effect ``name``.

    :param needs: which sprites must be present ("s1", "s2", "both", or "" for none); GVGAI's
        effects return early (still scoring) when a needed sprite is missing.
    :param types: parameters that name sprite types, resolved at load time (name -> required).
    """

    def add(fn: EffectFn) -> EffectFn:
        all_fields = dict(COMMON_FIELDS)
        all_fields.update(fields)
        EFFECTS.register(name)(EffectSpec(name, fn, all_fields, needs, batch, dict(types or {}),
                                          moves_others, compile))
        return fn

    return add


# -------------------------------------------------------------------------------------------------
# Movement and position
# -------------------------------------------------------------------------------------------------


def _unit(dx: float, dy: float) -> tuple[float, float]:
    length = math.hypot(dx, dy)
    if length == 0:
        return (0, 0)
    ux, uy = dx / length, dy / length
    return (int(ux) if ux == int(ux) else ux, int(uy) if uy == int(uy) else uy)


def _last_direction(g: Game, s: Sprite) -> tuple[int, int]:
    lx, ly = g.store.last_pos(s)
    return (s.x - lx, s.y - ly)


def _pixel_perfect(g: Game, s1: Sprite, s2: Sprite) -> tuple[int, int]:
    """GVGAI's calculatePixelPerfect: back s1 up just to touching s2, along the way it came."""
    lx, ly = g.store.last_pos(s1)
    bs = g.block_size
    d = _unit(s1.x - lx, s1.y - ly)
    if d == DOWN:
        return s1.x, s1.y - (s1.y + bs - s2.y)
    if d == RIGHT:
        return s1.x - (s1.x + bs - s2.x), s1.y
    if d == UP:
        return s1.x, s2.y + bs
    if d == LEFT:
        return s2.x + bs, s1.y
    return lx, ly


@effect("stepBack", pixelPerfect=Field("bool", False))
def step_back(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> None:
    """Undo s1's whole movement this tick (back to its start-of-tick position)."""
    if e.values["pixelPerfect"] and s2 is not None:
        g.store.move_to(s1, *_pixel_perfect(g, s1, s2))
    else:
        g.store.move_to(s1, *g.store.last_pos(s1))


@effect("undoAll", needs="", moves_others=True, notStype=Field("names", ()))
def undo_all(g: Game, s1: Sprite | None, s2: Sprite | None, e: EffectRule) -> None:
    """Every sprite (except ``notStype`` types) goes back to its start-of-tick position."""
    skip = {g.rules.itype_of.get(n, -1) for n in e.values["notStype"]}
    g.store.undo_all(skip, g.rules.sprite_order)


@effect("turnAround")
def turn_around(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> None:
    """Step back, move down twice ignoring cooldown, then reverse direction (space invaders)."""
    s1 = g.store.move_to(s1, *g.store.last_pos(s1))
    for _ in range(2):
        g.store.set_lastmove(s1, s1.kind.cooldown)
        active_movement(g, s1, DOWN, s1.speed)
    g.store.set_orientation(s1, (-s1.ori[0], -s1.ori[1]))


@effect("reverseDirection")
def reverse_direction(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> None:
    g.store.set_orientation(s1, (-s1.ori[0], -s1.ori[1]))


@effect("flipDirection")
def flip_direction(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> None:
    """Face a random base direction."""
    g.store.set_orientation(s1, g.rng.choice(BASE_DIRECTIONS))


@effect("wrapAround", offset=Field("float", 0.0))
def wrap_around(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> None:
    """Reappear at the opposite screen edge, along s1's orientation (a sprite facing nowhere stays)."""
    ox, oy = s1.ori
    bs = g.block_size
    off = e.values["offset"]
    x, y = s1.x, s1.y
    if ox > 0:
        x = int(off * bs)
    elif ox < 0:
        x = int(g.screen_width - bs * (1 + off))
    elif oy > 0:
        y = int(off * bs)
    elif oy < 0:
        y = int(g.screen_height - bs * (1 + off))
    s1 = g.store.move_to(s1, x, y)
    g.store.set_lastmove(s1, 0)


@effect("bounceForward", needs="both")
def bounce_forward(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> None:
    """Push s1 one step of s2's speed along s2's movement this tick (sokoban boxes)."""
    ldx, ldy = _last_direction(g, s2)
    dx, dy = _unit(ldx, ldy)
    if ldx * s2.ori[0] < 0:
        dx = -dx
    if ldy * s2.ori[1] < 0:
        dy = -dy
    s1 = g.store.own(s1)
    active_movement(g, s1, (dx, dy), s2.speed)
    g.store.set_orientation(s1, (dx, dy))


@effect("pullWithIt", needs="both", pixelPerfect=Field("bool", False))
def pull_with_it(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> None:
    """s1 moves along with s2 (a frog on a log), at most once per tick per s1."""
    pulled = g.effect_state(e, "pulled", g.game_tick)
    if s1.sid in pulled:
        return
    g.set_effect_state(e, "pulled", g.game_tick, pulled | {s1.sid})
    s1 = g.store.own(s1)
    last = g.store.last_pos(s1)
    d = _unit(*_last_direction(g, s2))
    update_pos(g, s1, d, int(s2.speed * g.block_size))
    g.store.set_last_pos(s1, *last)
    if e.values["pixelPerfect"]:
        g.store.move_to(s1, s2.x, s2.y)


@effect("wallStop", needs="both", friction=Field("float", 0.0))
def wall_stop(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> None:
    """Stop against s2: back up to touching it and drop the velocity component into it."""
    s1 = g.store.move_to(s1, *_pixel_perfect(g, s1, s2))
    dx, dy = abs(s1.x - s2.x), abs(s1.y - s2.y)
    v = (0, s1.ori[1]) if dx > dy else (s1.ori[0], 0)
    mag = math.hypot(*v)
    s1 = g.store.set_orientation(s1, _unit(*v))
    g.store.set_speed(s1, max(mag * s1.speed, s1.kind.values["gravity"]))


def _batch_collision(g: Game, s1: Sprite, walls: list[Sprite]) -> tuple[int, tuple[int, int, int, int]]:
    """GVGAI's sortBatch: how many walls count (1 or 2) and the rectangle to bounce off."""
    bs = g.block_size
    if len(walls) == 2:
        b1, b2 = walls
        if b1.x == b2.x:
            return 2, (b1.x, min(b1.y, b2.y), bs, 2 * bs)
        if b1.y == b2.y:
            return 2, (min(b1.x, b2.x), b1.y, 2 * bs, bs)
    if len(walls) >= 2:
        lx, ly = g.store.last_pos(s1)
        walls.sort(key=lambda w: math.hypot(*(a - b for a, b in zip((lx, ly), g.store.last_pos(w), strict=True))))
    w = walls[0]
    return 1, (w.x, w.y, bs, bs)


def _collision_sides(g: Game, s1: Sprite, rect: tuple[int, int, int, int]) -> tuple[bool, bool]:
    """GVGAI's determineCollision: did s1 hit ``rect`` on a horizontal or vertical side?"""
    bs = g.block_size
    x, y, w, h = rect
    ix = min(s1.x + bs, x + w) - max(s1.x, x)
    iy = min(s1.y + bs, y + h) - max(s1.y, y)
    horizontal, vertical = bs == iy, bs == ix
    if horizontal or vertical:
        return horizontal, vertical
    vx, vy = (0.0, 0.0) if s1.speed == 0 else (s1.ori[0] * s1.speed, s1.ori[1] * s1.speed)
    lx, ly = g.store.last_pos(s1)
    dist_x = abs(lx - x) if vx == 0 else (abs(lx + bs - x) if vx > 0 else abs(x + w - lx))
    dist_y = abs(ly - y) if vy == 0 else (abs(ly + bs - y) if vy > 0 else abs(ly - (y + h)))
    tx = abs(dist_x / vx) if vx else (math.inf if dist_x else math.nan)
    ty = abs(dist_y / vy) if vy else (math.inf if dist_y else math.nan)
    return tx < ty, ty < tx


@effect("wallBounce", needs="both", batch=True, moves_others=True, friction=Field("float", 0.0))
def wall_bounce(g: Game, s1: Sprite, walls: list[Sprite], e: EffectRule) -> int:
    """Bounce off one or two walls at once; returns how many walls scored."""
    n, rect = _batch_collision(g, s1, walls)
    horizontal, vertical = _collision_sides(g, s1, rect)
    ox, oy = s1.ori
    s1 = g.store.set_orientation(s1, (ox, -oy) if vertical else (-ox, oy) if horizontal else (-ox, -oy))
    g.store.move_to(s1, *g.store.last_pos(s1))
    for w in walls:
        g.store.move_to(w, *g.store.last_pos(w))
    return n


@effect("wallReverse", needs="both", batch=True, moves_others=True, friction=Field("float", 0.0))
def wall_reverse(g: Game, s1: Sprite, walls: list[Sprite], e: EffectRule) -> int:
    """Reverse horizontally off walls (lemmings); returns how many walls scored."""
    n, rect = _batch_collision(g, s1, walls)
    horizontal, vertical = _collision_sides(g, s1, rect)
    ox = s1.ori[0]
    w = (ox, 0) if vertical else (-ox, 0)
    mag = math.hypot(*w)
    s1 = g.store.set_orientation(s1, _unit(*w))
    speed = mag * s1.speed
    g.store.set_speed(s1, max(speed, s1.kind.values["gravity"]))
    g.store.move_to(s1, *g.store.last_pos(s1))
    for wall in walls:
        g.store.move_to(wall, *g.store.last_pos(wall))
    return n


@effect("bounceDirection", needs="both", maxBounceAngleDeg=Field("float", 60.0))
def bounce_direction(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> None:
    """Bounce off s2 at an angle depending on where it was hit (breakout paddles)."""
    bs = g.block_size
    vx, vy = (0.0, 0.0) if s1.speed == 0 else (s1.ori[0] * s1.speed, s1.ori[1] * s1.speed)
    lx, ly = g.store.last_pos(s1)
    dist_x = min(abs(lx - (s2.x + bs)), abs(lx + bs - s2.x))
    dist_y = min(abs(ly - (s2.y + bs)), abs(ly + bs - s2.y))
    tx = abs(dist_x / vx) if vx else math.inf
    ty = abs(dist_y / vy) if vy else math.inf
    cx1, cy1, cx2, cy2 = s1.x + bs / 2, s1.y + bs / 2, s2.x + bs / 2, s2.y + bs / 2
    max_rad = math.radians(e.values["maxBounceAngleDeg"])
    if ty < tx:
        rel = max(-1.0, min(1.0, (cx1 - cx2) / (0.5 * bs)))
        travel = 1 if cy1 < cy2 else -1
        d = (math.sin(rel * max_rad), -math.cos(rel * max_rad) * travel)
    elif tx < ty:
        rel = max(-1.0, min(1.0, (cy2 - cy1) / (0.5 * bs)))
        travel = 1 if cx1 > cx2 else -1
        d = (math.cos(rel * max_rad) * travel, -math.sin(rel * max_rad))
    else:
        g.store.set_orientation(s1, (-s1.ori[0], s1.ori[1]))
        return
    g.store.set_orientation(s1, _unit(*d))


@effect("align", needs="both", orient=Field("bool", True))
def align(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> None:
    """s1 snaps onto s2 (and takes its orientation)."""
    if e.values["orient"]:
        s1 = g.store.set_orientation(s1, s2.ori)
    g.store.move_to(s1, s2.x, s2.y)


@effect("attractGaze", needs="both", align=Field("bool", False))
def attract_gaze(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> None:
    """With probability ``prob``, s1 takes s2's orientation (both must be oriented)."""
    if s1.oriented and s2.oriented and g.rng.next_double() < e.values["prob"]:
        s1 = g.store.set_orientation(s1, s2.ori)
        if e.values["align"]:
            if s1.ori in (LEFT, RIGHT):
                g.store.move_to(s1, s1.x, s2.y)
            else:
                g.store.move_to(s1, s2.x, s1.y)


@effect("teleportToExit", needs="both")
def teleport_to_exit(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> None:
    """Move s1 onto a random sprite of the portal's exit type (killed if there is none)."""
    exit_itype = getattr(s2.kind.behaviour, "exit_itype", -1)
    if exit_itype < 0:
        g.warn(f"teleportToExit: '{s2.kind.name}' is not a portal")
        return
    exits = list(g.store.group(exit_itype).values())
    if exits:
        dest = exits[g.rng.next_int(len(exits))]
        s1 = g.store.move_to(s1, dest.x, dest.y)
        g.store.set_lastmove(s1, 0)
        if dest.oriented:
            g.store.set_orientation(s1, dest.ori)
    else:
        g.store.kill(s1)


# -------------------------------------------------------------------------------------------------
# Speed
# -------------------------------------------------------------------------------------------------


@effect("halfSpeed")
def half_speed(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> None:
    g.store.set_speed(s1, s1.speed * 0.5)


def _for_all_subtypes(g: Game, itype: int, fn: Callable[[Sprite], None]) -> None:
    for t in g.rules.kinds[itype].subtypes:
        for s in list(g.store.group(t).values()):
            fn(s)


@effect("setSpeedForAll", needs="", types={"stype": True}, stype=Field("str", None), value=Field("float", 0.0))
def set_speed_for_all(g: Game, s1: Sprite | None, s2: Sprite | None, e: EffectRule) -> None:
    _for_all_subtypes(g, e.extra["stype"], lambda s: g.store.set_speed(s, e.values["value"]))


@effect("increaseSpeedToAll", needs="", types={"stype": True}, stype=Field("str", None),
        value=Field("float", 0.1))
def increase_speed_to_all(g: Game, s1: Sprite | None, s2: Sprite | None, e: EffectRule) -> None:
    _for_all_subtypes(g, e.extra["stype"], lambda s: g.store.set_speed(s, s.speed + e.values["value"]))


@effect("decreaseSpeedToAll", needs="", types={"stype": True}, stype=Field("str", None),
        value=Field("float", 0.1))
def decrease_speed_to_all(g: Game, s1: Sprite | None, s2: Sprite | None, e: EffectRule) -> None:
    v = e.values["value"]
    _for_all_subtypes(g, e.extra["stype"], lambda s: g.store.set_speed(s, 0.0 if s.speed - v < 0 else s.speed - v))


# -------------------------------------------------------------------------------------------------
# Killing
# -------------------------------------------------------------------------------------------------


@effect("killSprite")
def kill_sprite(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> None:
    """s1 dies (an avatar is disabled instead, as in GVGAI)."""
    g.store.kill(s1)


@effect("killBoth", needs="both")
def kill_both(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> None:
    g.store.kill(s1)
    g.store.kill(s2)


@effect("killAll", needs="", types={"stype": True}, stype=Field("str", None))
def kill_all(g: Game, s1: Sprite | None, s2: Sprite | None, e: EffectRule) -> None:
    """Every sprite of exactly ``stype`` dies."""
    for s in list(g.store.group(e.extra["stype"]).values()):
        g.store.kill(s)


@effect("killIfAlive", needs="both")
def kill_if_alive(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> None:
    """s1 dies unless s2 already died this tick."""
    if not g.store.is_killed(s2):
        g.store.kill(s1)


def _amount(s: Sprite, rid: int) -> int:
    return (s.resources or {}).get(rid, 0)


@effect("killIfHasLess", types={"resource": True}, resource=Field("str", None), limit=Field("int", 0))
def kill_if_has_less(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> bool:
    if _amount(s1, e.extra["resource"]) <= e.values["limit"]:
        g.store.kill(s1)
        return True
    return False


@effect("killIfHasMore", types={"resource": True}, resource=Field("str", None), limit=Field("int", 0))
def kill_if_has_more(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> bool:
    if _amount(s1, e.extra["resource"]) >= e.values["limit"]:
        g.store.kill(s1)
        return True
    return False


@effect("killIfOtherHasMore", needs="both", types={"resource": True}, resource=Field("str", None),
        limit=Field("int", 0), subtract=Field("bool", False))
def kill_if_other_has_more(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> bool:
    """s1 dies if s2 holds at least ``limit`` of ``resource`` (which ``subtract`` then takes)."""
    rid = e.extra["resource"]
    if _amount(s2, rid) >= e.values["limit"]:
        g.store.kill(s1)
        if e.values["subtract"]:
            g.store.change_resource(s2, rid, -e.values["limit"])
        return True
    return False


@effect("killIfFromAbove", needs="both")
def kill_if_from_above(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> bool:
    """s1 dies if s2 came down onto it from above this tick (boulders)."""
    l1y = g.store.last_pos(s1)[1]
    l2y = g.store.last_pos(s2)[1]
    if l1y > l2y + g.block_size // 2 and s2.y > l2y:
        g.store.kill(s1)
        return True
    return False


def _frontal(g: Game, s1: Sprite, s2: Sprite) -> tuple[bool, bool]:
    a = _unit(*_last_direction(g, s1))
    b = _unit(*_last_direction(g, s2))
    return a == (0, 0), (a[0] + b[0], a[1] + b[1]) == (0, 0)


@effect("killIfFrontal", needs="both")
def kill_if_frontal(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> bool:
    still, head_on = _frontal(g, s1, s2)
    if still or head_on:
        g.store.kill(s1)
        return True
    return False


@effect("killIfNotFrontal", needs="both")
def kill_if_not_frontal(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> bool:
    still, head_on = _frontal(g, s1, s2)
    if still or not head_on:
        g.store.kill(s1)
        return True
    return False


def _relative_speed(s1: Sprite, s2: Sprite) -> float:
    if s1.kind.is_static:
        return s2.speed
    if s2.kind.is_static:
        return s1.speed
    return math.hypot(s1.ori[0] - s2.ori[0], s1.ori[1] - s2.ori[1])


@effect("killIfSlow", needs="both", limspeed=Field("float", 1.0))
def kill_if_slow(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> None:
    if _relative_speed(s1, s2) < e.values["limspeed"]:
        g.store.kill(s1)


@effect("killIfFast", needs="both", limspeed=Field("float", 1.0))
def kill_if_fast(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> None:
    if _relative_speed(s1, s2) > e.values["limspeed"]:
        g.store.kill(s1)


# -------------------------------------------------------------------------------------------------
# Health
# -------------------------------------------------------------------------------------------------


@effect("subtractHealthPoints", types={"stype": False}, value=Field("int", 1), limit=Field("int", 0),
        stype=Field("str", None), scoreChangeIfKilled=Field("raw", "0"))
def subtract_health_points(g: Game, s1: Sprite | None, s2: Sprite | None, e: EffectRule) -> int | None:
    """Lose ``value`` health; die at ``limit`` or below (then score ``scoreChangeIfKilled``)."""
    target = s1
    itype = e.extra["stype"]
    if itype >= 0:
        for t in g.rules.kinds[itype].subtypes:
            group = g.store.group(t)
            if group:
                target = next(iter(group.values()))
    if target is None:
        return None
    target = g.store.set_health(target, target.hp - e.values["value"])
    if target.hp <= e.values["limit"]:
        g.store.kill(target)
        return _int_or_zero(e.values["scoreChangeIfKilled"])
    return e.score


def _int_or_zero(raw: str) -> int:
    try:
        return int(str(raw).split(",")[0])
    except ValueError:
        return 0


@effect("addHealthPoints", value=Field("int", 1), killSecond=Field("bool", False))
def add_health_points(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> bool:
    """Gain ``value`` health, if that stays below the limit (reaching it exactly is refused)."""
    if s1.hp + e.values["value"] < s1.kind.limit_hp:
        g.store.set_health(s1, s1.hp + e.values["value"])
        if e.values["killSecond"] and s2 is not None:
            g.store.kill(s2)
        return True
    return False


@effect("addHealthPointsToMax", value=Field("int", 1), killSecond=Field("bool", False))
def add_health_points_to_max(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> bool:
    new = s1.hp + e.values["value"]
    g.store.set_health(s1, new if new < s1.kind.limit_hp else s1.kind.limit_hp)
    if e.values["killSecond"] and s2 is not None:
        g.store.kill(s2)
    return True


# -------------------------------------------------------------------------------------------------
# Resources
# -------------------------------------------------------------------------------------------------


@effect("collectResource", needs="both", killResource=Field("bool", True))
def collect_resource(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> bool | None:
    """s2 picks up resource s1 (up to the resource's limit); s1 disappears."""
    if not s1.kind.is_resource:
        return None
    rid = s1.kind.itype
    have = _amount(s2, rid)
    limit = g.rules.resource_limits.get(rid, 0)
    if have < limit:
        g.store.change_resource(s2, rid, min(int(s1.kind.values["value"]), limit - have))
        if e.values["killResource"]:
            g.store.kill(s1, transformed=True)
        return True
    return False


@effect("collectResourceIfHeld", needs="both", types={"heldResource": True}, killResource=Field("bool", True),
        heldResource=Field("str", None), value=Field("int", 1))
def collect_resource_if_held(g: Game, s1: Sprite, s2: Sprite, e: EffectRule) -> bool | None:
    if not s1.kind.is_resource:
        return None
    if _amount(s2, e.extra["heldResource"]) < e.values["value"]:
        return False
    rid = s1.kind.itype
    scored = False
    if _amount(s2, rid) + s1.kind.values["value"] <= g.rules.resource_limits.get(rid, 0):
        g.store.change_resource(s2, rid, int(s1.kind.values["value"]))
        scored = True
    if e.values["killResource"]:
        g.store.kill(s1)
    return scored


@effect("changeResource", types={"resource": True}, resource=Field("str", None), value=Field("int", 1),
        killResource=Field("bool", False))
def change_resource(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> bool:
    """s1's ``resource`` changes by ``value`` if the result stays within the resource's limit."""
    rid = e.extra["resource"]
    if _amount(s1, rid) + e.values["value"] <= g.rules.resource_limits.get(rid, 0):
        g.store.change_resource(s1, rid, e.values["value"])
        if e.values["killResource"] and s2 is not None:
            g.store.kill(s2, transformed=True)
        return True
    return False


# -------------------------------------------------------------------------------------------------
# Spawning
# -------------------------------------------------------------------------------------------------


@effect("spawn", types={"stype": True}, stype=Field("str", None))
def spawn(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> None:
    """With probability ``prob``, create ``stype`` on s1's cell."""
    if g.rng.next_double() >= e.values["prob"]:
        return
    g.store.add_sprite(e.extra["stype"], s1.x, s1.y)


@effect("cloneSprite")
def clone_sprite(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> None:
    g.store.add_sprite(s1.kind.itype, s1.x, s1.y)


@effect("spawnIfHasMore", types={"resource": True, "stype": True}, resource=Field("str", None),
        limit=Field("int", 0), stype=Field("str", None), spend=Field("int", 0))
def spawn_if_has_more(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> bool:
    if g.rng.next_double() >= e.values["prob"]:
        return False
    rid = e.extra["resource"]
    if _amount(s1, rid) >= e.values["limit"]:
        g.store.add_sprite(e.extra["stype"], s1.x, s1.y)
        g.store.change_resource(s1, rid, -e.values["spend"])
        return True
    return False


@effect("spawnIfHasLess", types={"resource": True, "stype": True}, resource=Field("str", None),
        limit=Field("int", 0), stype=Field("str", None))
def spawn_if_has_less(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> bool:
    if g.rng.next_double() >= e.values["prob"]:
        return False
    if _amount(s1, e.extra["resource"]) <= e.values["limit"]:
        g.store.add_sprite(e.extra["stype"], s1.x, s1.y)
        return True
    return False


def _last_position(g: Game, s: Sprite) -> tuple[int, int] | None:
    """GVGAI's getLastPosition: the start-of-tick position, only if s moved off it entirely."""
    lx, ly = g.store.last_pos(s)
    bs = g.block_size
    if abs(lx - s.x) < bs and abs(ly - s.y) < bs:
        return None
    return lx, ly


@effect("spawnBehind", needs="s2", types={"stype": True}, stype=Field("str", None))
def spawn_behind(g: Game, s1: Sprite | None, s2: Sprite, e: EffectRule) -> None:
    """Create ``stype`` where s2 was at the start of the tick (if it moved off it)."""
    if g.rng.next_double() >= e.values["prob"]:
        return
    p = _last_position(g, s2)
    if p is not None:
        g.store.add_sprite(e.extra["stype"], *p)


def _spawn_beside(direction: tuple[int, int]) -> EffectFn:
    def fn(g: Game, s1: Sprite | None, s2: Sprite, e: EffectRule) -> None:
        if g.rng.next_double() >= e.values["prob"]:
            return
        base = _last_position(g, s2) if e.values["stepBack"] else (s2.x, s2.y)
        if base is not None and e.extra["stype"] >= 0:
            g.store.add_sprite(e.extra["stype"], base[0] + direction[0] * g.block_size,
                         base[1] + direction[1] * g.block_size)

    fn.__doc__ = f"Create ``stype`` one cell {direction} of s2 (of its last position with ``stepBack``)."
    return fn


for _name, _dir in (("spawnAbove", UP), ("spawnBelow", DOWN), ("spawnLeft", LEFT), ("spawnRight", RIGHT)):
    effect(_name, needs="s2", types={"stype": False}, stype=Field("str", None),
           stepBack=Field("bool", False))(_spawn_beside(_dir))


@effect("spawnIfCounterSubTypes", types={"stype": True, "estype": True, "stypeCount": True},
        stype=Field("str", None), estype=Field("str", None), stypeCount=Field("str", None),
        limit=Field("int", 0), subTypesNum=Field("int", -1))
def spawn_if_counter_sub_types(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> bool:
    citype = e.extra["stypeCount"]
    if g.store.live_count(citype) == e.values["limit"]:
        k = sum(1 for t in g.rules.kinds[citype].subtypes if g.store.live_count(t) > 0 and g.store.group(t))
        if k // 2 == e.values["subTypesNum"]:
            g.store.add_sprite(e.extra["stype"], s1.x, s1.y)
            return True
    g.store.add_sprite(e.extra["estype"], s1.x, s1.y)
    return False


@effect("updateSpawnType", needs="", types={"stype": True, "spawnPoint": True}, stype=Field("str", None),
        spawnPoint=Field("str", None))
def update_spawn_type(g: Game, s1: Sprite | None, s2: Sprite | None, e: EffectRule) -> None:
    """Every spawn point of ``spawnPoint`` now spawns ``stype``."""
    from vgdl.ontology.sprites import SpawnPoint

    for t in g.rules.kinds[e.extra["spawnPoint"]].subtypes:
        for s in list(g.store.group(t).values()):
            if isinstance(s.kind.behaviour, SpawnPoint):
                g.store.own(s).spawn_itype = e.extra["stype"]


# -------------------------------------------------------------------------------------------------
# Transformations
# -------------------------------------------------------------------------------------------------


@effect("transformTo", types={"stype": True}, stype=Field("str", None), killSecond=Field("bool", False),
        forceOrientation=Field("bool", False))
def transform_to(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> None:
    """s1 becomes a new ``stype`` sprite in place (keeping resources, health, and avatar identity)."""
    if not s1.disabled:
        new = g.store.add_sprite(e.extra["stype"], s1.x, s1.y)
        g.store.transform(new, s1, s2, e.values["killSecond"], e.values["forceOrientation"])


@effect("transformToAll", needs="", types={"stype": True, "stypeTo": True}, stype=Field("str", None),
        stypeTo=Field("str", None), killSecond=Field("bool", False), forceOrientation=Field("bool", False))
def transform_to_all(g: Game, s1: Sprite | None, s2: Sprite | None, e: EffectRule) -> None:
    """Every sprite of exactly ``stype`` becomes ``stypeTo``."""
    for s in list(g.store.group(e.extra["stype"]).values()):
        new = g.store.add_sprite(e.extra["stypeTo"], s.x, s.y, force=True)
        g.store.transform(new, s, s2, e.values["killSecond"], e.values["forceOrientation"])


@effect("transformIfCount", needs="both", types={"stype": True, "stypeCount": True, "estype": False},
        stype=Field("str", None), stypeCount=Field("str", None), estype=Field("str", None),
        geq=Field("int", 0), leq=Field("int", 10000), killSecond=Field("bool", False),
        forceOrientation=Field("bool", False))
def transform_if_count(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> bool:
    """Transform into ``stype`` if the count of ``stypeCount`` is in [geq, leq], else into ``estype``."""
    n = g.store.num_sprites(e.extra["stypeCount"])
    kill2, force_ori = e.values["killSecond"], e.values["forceOrientation"]
    if e.values["geq"] <= n <= e.values["leq"]:
        g.store.transform(g.store.add_sprite(e.extra["stype"], s1.x, s1.y, force=True), s1, s2, kill2, force_ori)
        return True
    if e.extra["estype"] >= 0:
        g.store.transform(g.store.add_sprite(e.extra["estype"], s1.x, s1.y, force=True), s1, s2, kill2, force_ori)
    return False


@effect("transformToRandomChild", types={"stype": True}, stype=Field("str", None),
        killSecond=Field("bool", False), forceOrientation=Field("bool", False))
def transform_to_random_child(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> None:
    """Become a random subtype of ``stype`` (GVGAI's candidates include its ancestors too)."""
    itype = e.extra["stype"]
    subs = [t for t in g.rules.kinds[itype].subtypes if t != itype]
    if subs:
        choice = subs[g.rng.next_int(len(subs))]
        if g.rules.kinds[choice].abstract:
            g.warn(f"transformToRandomChild: cannot create the parent type '{g.rules.kinds[choice].name}'")
            return
        new = g.store.add_sprite(choice, s1.x, s1.y)
        g.store.transform(new, s1, s2, e.values["killSecond"], e.values["forceOrientation"])


@effect("transformToSingleton", needs="both", types={"stype": True, "stype_other": True},
        stype=Field("str", None), stype_other=Field("str", None), takeOrientation=Field("bool", False))
def transform_to_singleton(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> None:
    """s1 becomes the only ``stype``; the previous holders become ``stype_other``."""
    itype, other = e.extra["stype"], e.extra["stype_other"]
    for holder in list(g.store.group(itype).values()):
        new = g.store.add_sprite(other, holder.x, holder.y)
        if new is not None:
            g.store.transform(new, holder, None, False, False, singleton_rules=True)
    new = g.store.add_sprite(itype, s1.x, s1.y)
    if new is not None:
        new = g.store.transform(new, s1, None, False, False, singleton_rules=True)
        if e.values["takeOrientation"] and s2 is not None:
            g.store.set_orientation(new, (-s2.ori[0], -s2.ori[1]), make_oriented=True)


# -------------------------------------------------------------------------------------------------
# Score, shields and timers
# -------------------------------------------------------------------------------------------------


@effect("removeScore", types={"stype": False}, stype=Field("str", None), killSecond=Field("bool", False))
def remove_score(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> None:
    """Reset the avatar's score to 0 (then this line's scoreChange is added)."""
    itype = e.extra["stype"]
    holders = [s1] if itype < 0 else list(g.store.group(itype).values())
    for s in holders:
        if s.kind.is_avatar:
            g.raw_score = 0
            if e.values["killSecond"] and s2 is not None:
                g.store.kill(s2, transformed=True)


@effect("shieldFrom", types={"stype": True}, stype=Field("str", None), ftype=Field("str", None))
def shield_from(g: Game, s1: Sprite, s2: Sprite | None, e: EffectRule) -> None:
    """For the rest of this tick, effects named ``ftype`` between s1's type and ``stype`` are skipped."""
    g.add_shield(s1.kind.itype, e.extra["stype"], e.values["ftype"])


def _compile_add_timer(rules: GameRules, rule: EffectRule, ir: InteractionRule) -> None:
    """Build the delayed effect from the same line, named by ``ftype`` (GVGAI passes it every parameter)."""
    from dataclasses import replace

    ftype = rule.values.get("ftype")
    param = ir.params.get("ftype")
    if not ftype:
        raise VGDLError("addTimer needs ftype=<effect name>", rules.file, ir.line, ir.column)
    rule.extra["delegate"] = rules.add_effect_rule(
        replace(ir, effect=ftype, column=param.column if param else ir.column), quiet=True)


@effect("addTimer", needs="", compile=_compile_add_timer, ftype=Field("str", None), timer=Field("int", 0, minimum=0),
        repeating=Field("bool", False))
def add_timer(g: Game, s1: Sprite | None, s2: Sprite | None, e: EffectRule) -> None:
    """Schedule the effect ``ftype`` (with this line's other parameters) ``timer`` ticks from now."""
    g.add_timer(e.extra["delegate"], e.values["timer"], e.values["repeating"], e.score)

EFFECTS.unsupported.update({
    "waterPhysics": "it needs continuous physics (gravity)",
    "killIfNotUpright": "it needs continuous physics (rotation)",
})
