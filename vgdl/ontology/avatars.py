"""Avatar classes: the sprites the player controls.

GVGAI updates the avatar first each tick, with the player's action. An action
the avatar class does not offer becomes ``ACTION_NIL``. Oriented avatars turn in
place before they move (``rotateInPlace``); shooting avatars fire only on a tick
in which they neither moved nor turned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vgdl.ontology.registry import class_fields
from vgdl.ontology.sprites import SPRITE_CLASSES, SpriteClass
from vgdl.physics import MOVE, STILL, active_movement, passive_movement
from vgdl.values import DOWN, LEFT, NONE, RIGHT, UP, Field

if TYPE_CHECKING:
    from vgdl.game import Game
    from vgdl.rules import GameRules
    from vgdl.sprite import Sprite

NIL = "ACTION_NIL"
USE = "ACTION_USE"
#: each movement action's direction; NIL and USE move nowhere
ACTION_DIRECTIONS = {"ACTION_UP": UP, "ACTION_DOWN": DOWN, "ACTION_LEFT": LEFT, "ACTION_RIGHT": RIGHT,
                     USE: NONE, NIL: NONE}
ALL_ACTIONS = tuple(ACTION_DIRECTIONS)


class AvatarClass(SpriteClass):
    """Base of all avatars (GVGAI ``MovingAvatar``): moves one step per action, no passive motion."""

    actions: tuple[str, ...] = ("ACTION_LEFT", "ACTION_RIGHT", "ACTION_DOWN", "ACTION_UP")
    defaults = {"speed": 1.0, "color": (250, 250, 250)}
    is_avatar = True

    def update_avatar(self, g: Game, s: Sprite, action: str) -> int:
        """Apply ``action`` (already filtered to this class's actions); return the movement kind."""
        return active_movement(g, s, ACTION_DIRECTIONS[action], s.speed)


@SPRITE_CLASSES.register("MovingAvatar")
class MovingAvatar(AvatarClass):
    """Moves in four directions."""


@SPRITE_CLASSES.register("HorizontalAvatar")
class HorizontalAvatar(AvatarClass):
    """Moves left and right only."""

    actions = ("ACTION_LEFT", "ACTION_RIGHT")


@SPRITE_CLASSES.register("VerticalAvatar")
class VerticalAvatar(AvatarClass):
    """Moves up and down only."""

    actions = ("ACTION_UP", "ACTION_DOWN")


@SPRITE_CLASSES.register("NullAvatar")
class NullAvatar(HorizontalAvatar):
    """Cannot act at all."""

    actions = (NIL,)
    defaults = {"color": (0, 200, 0)}


def _has_ammo(g: Game, s: Sprite, ammo_itype: int, minimum: int = -1) -> bool:
    held = (s.resources or {}).get(ammo_itype)
    if held is None:
        return False
    return held > minimum if minimum > -1 else held > 0


@SPRITE_CLASSES.register("FlakAvatar")
class FlakAvatar(HorizontalAvatar):
    """Moves left/right; USE spawns ``stype`` on its own cell (the shot's direction is the shot's own)."""

    actions = (USE, "ACTION_LEFT", "ACTION_RIGHT")
    fields = {"stype": Field("str", None), "ammo": Field("str", None), "minAmmo": Field("int", -1),
              "ammoCost": Field("int", 1)}
    defaults = {"color": (0, 200, 0)}

    def compile(self, rules: GameRules) -> None:
        super().compile(rules)
        self.shot = rules.itype_of.get(self.values["stype"], -1)
        self.ammo = rules.itype_of.get(self.values["ammo"], -1) if self.values["ammo"] else None

    def update_avatar(self, g: Game, s: Sprite, action: str) -> int:
        moved = super().update_avatar(g, s, action)
        if moved == STILL and action == USE and self.shot >= 0:
            if self.ammo is None or _has_ammo(g, s, self.ammo, self.values["minAmmo"]):
                shot = g.store.add_sprite(self.shot, s.x, s.y)
                if shot is not None:
                    if self.ammo is not None:
                        g.store.change_resource(s, self.ammo, -self.values["ammoCost"], clamp=False)
                    shot.from_avatar = True
        return moved


@SPRITE_CLASSES.register("OrientedAvatar")
class OrientedAvatar(AvatarClass):
    """Faces its last move; a press in a new direction only turns it (``rotateInPlace``)."""

    defaults = {"orientation": RIGHT, "is_oriented": True, "rotateInPlace": True, "draw_arrow": True}

    def update_avatar(self, g: Game, s: Sprite, action: str) -> int:
        moved = super().update_avatar(g, s, action)
        if moved == MOVE:
            lx, ly = g.store.last_pos(s)
            g.store.set_orientation(s, _unit(s.x - lx, s.y - ly))
        return moved


def _unit(dx: float, dy: float) -> tuple[float, float]:
    """GVGAI's Vector2d.normalise (the zero vector stays zero)."""
    length = (dx * dx + dy * dy) ** 0.5
    if length == 0:
        return (0, 0)
    ux, uy = dx / length, dy / length
    return (int(ux) if ux == int(ux) else ux, int(uy) if uy == int(uy) else uy)


@SPRITE_CLASSES.register("ShootAvatar")
class ShootAvatar(OrientedAvatar):
    """An OrientedAvatar whose USE spawns ``stype`` one cell ahead, facing its way (needs ammo if set)."""

    actions = (USE, "ACTION_LEFT", "ACTION_RIGHT", "ACTION_DOWN", "ACTION_UP")
    fields = {"stype": Field("names", ()), "ammo": Field("names", ())}

    def compile(self, rules: GameRules) -> None:
        super().compile(rules)
        self.shots = [rules.itype_of.get(n, -1) for n in self.values["stype"]]
        self.ammos = [rules.itype_of.get(n, -1) for n in self.values["ammo"]]

    def has_ammo(self, g: Game, s: Sprite, i: int) -> bool:
        if not self.values["ammo"] or i >= len(self.ammos):
            return True
        return _has_ammo(g, s, self.ammos[i])

    def update_avatar(self, g: Game, s: Sprite, action: str) -> int:
        moved = super().update_avatar(g, s, action)
        if moved == STILL and action == USE:
            self.use(g, s)
        return moved

    def use(self, g: Game, s: Sprite) -> None:
        for i in range(len(self.shots)):
            if self.has_ammo(g, s, i):
                self.shoot(g, s, i)
                break

    def shoot(self, g: Game, s: Sprite, i: int) -> None:
        if self.shots[i] < 0:
            return
        ox, oy = _unit(*s.ori)
        bs = g.block_size
        shot = g.store.add_sprite(self.shots[i], s.x + ox * bs, s.y + oy * bs)
        if shot is not None:
            if shot.oriented:
                g.store.set_orientation(shot, (ox, oy))
            if self.values["ammo"] and i < len(self.ammos):
                g.store.change_resource(s, self.ammos[i], -1, clamp=False)
            shot.from_avatar = True


@SPRITE_CLASSES.register("OngoingAvatar")
class OngoingAvatar(OrientedAvatar):
    """Keeps moving along its orientation every tick; actions only steer (any direction)."""

    defaults = {"speed": 1.0, "is_oriented": True}

    def update_avatar(self, g: Game, s: Sprite, action: str) -> int:
        direction = ACTION_DIRECTIONS[action]
        if direction != NONE:
            g.store.update_orientation(s, direction)
        passive_movement(g, s)
        return MOVE


@SPRITE_CLASSES.register("OngoingTurningAvatar")
class OngoingTurningAvatar(OrientedAvatar):
    """An OngoingAvatar that only turns 90 degrees and leaves ``spawnBehind`` where it was."""

    fields = {"spawnBehind": Field("str", None)}
    defaults = {"speed": 1.0, "is_oriented": True}

    def compile(self, rules: GameRules) -> None:
        super().compile(rules)
        # GVGAI leaves the id at 0 (wall) when spawnBehind is unset.
        self.trail = rules.itype_of.get(self.values["spawnBehind"], 0) if self.values["spawnBehind"] else 0

    def update_avatar(self, g: Game, s: Sprite, action: str) -> int:
        direction = ACTION_DIRECTIONS[action]
        if action != NIL and action != USE and direction[0] * s.ori[0] + direction[1] * s.ori[1] == 0:
            g.store.update_orientation(s, direction)
        passive_movement(g, s)
        lx, ly = g.store.last_pos(s)
        bs = g.block_size
        if not (abs(s.x - lx) < bs and abs(s.y - ly) < bs):
            g.store.add_sprite(self.trail, lx, ly)
        return MOVE


@SPRITE_CLASSES.register("OngoingShootAvatar")
class OngoingShootAvatar(ShootAvatar):
    """Keeps moving along its orientation; USE shoots ahead of where it ends up."""

    defaults = {"speed": 1.0, "is_oriented": True}

    def update_avatar(self, g: Game, s: Sprite, action: str) -> int:
        direction = ACTION_DIRECTIONS[action]
        can_shoot = True
        if direction != NONE:
            g.store.update_orientation(s, direction)
            can_shoot = False
        passive_movement(g, s)
        if can_shoot and action == USE:
            self.use(g, s)
        return MOVE


@SPRITE_CLASSES.register("MissileAvatar")
class MissileAvatar(OrientedAvatar):
    """Flies along its orientation; the player's actions are ignored."""

    defaults = {"speed": 1.0, "is_oriented": True}

    def update_avatar(self, g: Game, s: Sprite, action: str) -> int:
        passive_movement(g, s)
        return STILL


@SPRITE_CLASSES.register("ShootOnlyAvatar")
class ShootOnlyAvatar(ShootAvatar):
    """Never moves; each action fires a different ``stype`` (LEFT, UP, RIGHT, DOWN, USE order)."""

    actions = ("ACTION_LEFT", "ACTION_UP", "ACTION_RIGHT", "ACTION_DOWN", USE)

    def update_avatar(self, g: Game, s: Sprite, action: str) -> int:
        if action in self.actions:
            i = self.actions.index(action)
            if i < len(self.shots) and self.has_ammo(g, s, i):
                self.shoot(g, s, i)
        return STILL


def turns_in_place(class_name: str) -> bool:
    """Does a press in a new direction only turn an avatar of this class (``rotateInPlace``)?

    For agents that see no orientation (pixels): such an avatar faces the last direction pressed."""
    if class_name not in SPRITE_CLASSES:
        return False
    cls = SPRITE_CLASSES.lookup(class_name, "<class name>", None, None)
    return bool(class_fields(cls)[1].get("rotateInPlace", False))


_CONTINUOUS = "it needs continuous physics (this engine implements GVGAI's grid physics)"
SPRITE_CLASSES.unsupported.update({
    name: _CONTINUOUS for name in ("Walker", "WalkerJumper", "RandomInertial", "AimedAvatar", "PlatformerAvatar",
                                   "BirdAvatar", "SpaceshipAvatar", "CarAvatar", "WizardAvatar", "LanderAvatar")
})
