"""Movement: GVGAI's grid physics (``ontology/physics/GridPhysics.java`` and ``VGDLSprite``).

Why its own module: movement rules are where engines differ most in fine timing
(``docs/semantics.md`` section 4), so they sit in one place with GVGAI's names.
A move is ``int(speed * block_size)`` pixels along a direction, allowed when
the sprite's cooldown has passed since its last move; passive motion (along
the sprite's orientation) skips a sprite's first tick. These functions decide
*whether and where* a sprite moves; the position change itself goes through the
sprite store, which owns the sprite and renews its type's version stamp.

They are called by sprite classes and effects as ``passive_movement(g, s)``,
like every other ontology function taking the game first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vgdl.game import Game
    from vgdl.sprite import Sprite

__all__ = ["MOVE", "ROTATE", "STILL", "active_movement", "passive_movement", "update_pos"]

# Movement outcomes, as GVGAI's Types.MOVEMENT.
STILL, ROTATE, MOVE = 0, 1, 2


def update_pos(g: Game, s: Sprite, d: tuple[float, float], px: int) -> bool:
    """GVGAI's ``_updatePos``: move ``px`` pixels along ``d`` if the cooldown allows."""
    if px == 0:
        px = int(s.speed)
        if px == 0:
            return False
    store = g.store
    if (d[0] or d[1]) and s.kind.cooldown <= store.tick - s.lm:
        store.step(s, int(d[0] * px), int(d[1] * px))
        return True
    return False


def passive_movement(g: Game, s: Sprite) -> int:
    """Drift along the sprite's orientation (not on its first tick, never when static)."""
    kind = s.kind
    if kind.is_static or kind.only_active:
        return STILL
    if s.first_tick:
        g.store.own(s).first_tick = False
        return STILL
    speed = 1 if s.speed == -1 else s.speed
    if speed != 0 and s.oriented:
        # update_pos, inlined: this runs for every drifting sprite on every tick
        d = s.ori
        px = int(speed * g.block_size) or int(s.speed)
        store = g.store
        if px and (d[0] or d[1]) and kind.cooldown <= store.tick - s.lm:
            store.step(s, int(d[0] * px), int(d[1] * px))
            return MOVE
    return STILL


def active_movement(g: Game, s: Sprite, d: tuple[float, float], speed: float) -> int:
    """A chosen step (avatar or NPC): turn first if it rotates in place, else move if allowed."""
    if s.kind.stationary:
        return STILL
    if speed == 0:
        speed = 1 if s.speed <= 0 else s.speed
    if d is not None and (d[0] or d[1]):
        if s.kind.rotate_in_place and g.store.update_orientation(s, d):
            return ROTATE
        if update_pos(g, s, d, int(speed * g.block_size)):
            return MOVE
    return STILL
