"""Sprite classes that are not avatars: static things, missiles, NPCs and spawners.

Each class is GVGAI's class of the same VGDL name (``docs/semantics.md`` cites
the rules); its ``update`` runs once per tick for each of its sprites, in
GVGAI's update order. Random draws come from the game's Java-compatible
generator in GVGAI's order, so stochastic games can replay GVGAI's traces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vgdl.ontology.registry import Registry
from vgdl.physics import active_movement, passive_movement
from vgdl.values import BASE_DIRECTIONS, DOWN, LEFT, NONE, RIGHT, UP, Field

if TYPE_CHECKING:
    from vgdl.game import Game
    from vgdl.rules import GameRules, SpriteKind
    from vgdl.sprite import Sprite

SPRITE_CLASSES: Registry[type[SpriteClass]] = Registry("sprite class")

#: GVGAI's ``DNIL``: "no direction chosen yet" (RandomMissile).
NIL = (-1, -1)



class SpriteClass:
    """Base of every sprite class (GVGAI ``VGDLSprite``): passive motion and time-to-live.

    One instance exists per sprite type; it holds the type's typed parameters.
    Per-sprite state lives in :class:`~vgdl.sprite.Sprite` records. The game hands
    ``update`` a sprite it already owns (see ``vgdl/sprite.py``), so ``update`` may
    write to it directly.
    """

    #: declared parameters common to every sprite (GVGAI's public VGDLSprite fields)
    fields: dict[str, Field] = {
        "speed": Field("float", 0.0, minimum=0),
        "cooldown": Field("int", 0, minimum=0),
        "orientation": Field("dir", NONE),
        "singleton": Field("bool", False),
        "color": Field("color", None),
        "img": Field("str", None),
        "shrinkfactor": Field("float", 1.0, minimum=0),
        "autotiling": Field("bool", False),
        "randomtiling": Field("float", -1.0),
        "frameRate": Field("float", -1.0),
        "invisible": Field("raw", "false"),
        "hidden": Field("raw", "false"),
        "healthPoints": Field("int", 0),
        "limitHealthPoints": Field("int", 1000, minimum=0),
        "maxHealthPoints": Field("int", 0, minimum=0),
        "timeToLive": Field("int", -1),
        "rotateInPlace": Field("bool", False),
        "is_static": Field("bool", False),
        "is_oriented": Field("bool", False),
        "is_npc": Field("bool", False),
        "is_stochastic": Field("bool", False),
        "only_active": Field("bool", False),
        "stationary": Field("bool", False),
        "solid": Field("bool", False),
        "portal": Field("bool", False),
        "draw_arrow": Field("bool", False),
        "mass": Field("float", 1.0, minimum=0),
        "gravity": Field("float", 0.0),
        "friction": Field("float", 0.0),
        "max_speed": Field("float", -1.0),
        "jump_strength": Field("float", 10.0),
    }
    #: GVGAI's ``loadDefaults`` overrides for this class (inherited along the MRO)
    defaults: dict[str, Any] = {}
    is_avatar = False
    is_resource = False
    #: True when ``update`` can be skipped for sprites that never move and have no timer
    trivial_update = False

    def __init__(self, kind: SpriteKind, values: dict[str, Any]) -> None:
        self.kind = kind
        self.values = values

    def needs_update(self) -> bool:
        """False when this type's per-tick update provably does nothing (saves time, same result)."""
        k = self.kind
        if k.ttl > -1:
            return True
        if self.trivial_update:
            return False
        # Base update = passive motion only: nothing to do for a static or unoriented sprite.
        # (Speed is no reason to skip: effects such as setSpeedForAll change it at run time.)
        if type(self).update is SpriteClass.update:
            return not (k.is_static or k.only_active or not k.is_oriented)
        return True

    #: parameters that name sprite types (checked at load time)
    TYPE_FIELDS = ("stype", "stype1", "stype2", "stypes", "stypeMissile", "spawnBehind", "ammo")

    def compile(self, rules: GameRules) -> None:
        """Check type-name parameters once the whole SpriteSet is known."""
        for key in self.TYPE_FIELDS:
            value = self.values.get(key)
            names = value if isinstance(value, tuple) else (value,) if value else ()
            for name in names:
                if name not in rules.itype_of:
                    rules.warnings.append(f"{rules.file}: sprite type '{self.kind.name}': {key}={name} "
                                          "names no sprite type; it is ignored")

    def init_sprite(self, s: Sprite) -> None:
        """Set class-specific per-sprite fields of a new sprite."""

    def update(self, g: Game, s: Sprite) -> None:
        passive_movement(g, s)
        if s.ttl > -1:
            self.time_to_live(g, s)

    @staticmethod
    def time_to_live(g: Game, s: Sprite) -> None:
        if s.ttl > -1:
            if s.ttl > 0:
                s.ttl -= 1
            else:
                g.store.kill(s)


@SPRITE_CLASSES.register("Immovable")
class Immovable(SpriteClass):
    """Never moves by itself."""

    defaults = {"color": (90, 90, 90), "is_static": True}
    trivial_update = True


@SPRITE_CLASSES.register("Passive")
class Passive(SpriteClass):
    """Moves only when effects push it (or along a given orientation)."""

    defaults = {"color": (200, 0, 0)}


@SPRITE_CLASSES.register("Door")
class Door(Immovable):
    """An Immovable flagged as a portal (observation category only)."""

    defaults = {"portal": True}


@SPRITE_CLASSES.register("Flicker")
class Flicker(SpriteClass):
    """Dies after ``limit`` + 1 updates (the age check happens before ageing)."""

    fields = {"limit": Field("int", 1)}
    defaults = {"color": (200, 0, 0)}

    def init_sprite(self, s: Sprite) -> None:
        s.age = 0

    def update(self, g: Game, s: Sprite) -> None:
        SpriteClass.update(self, g, s)
        if s.age > self.values["limit"]:
            g.store.kill(s)
        s.age += 1


@SPRITE_CLASSES.register("OrientedFlicker")
class OrientedFlicker(Flicker):
    """A Flicker with an orientation (e.g. a sword facing the avatar's way)."""

    defaults = {"speed": 0.0, "is_oriented": True, "draw_arrow": True}


@SPRITE_CLASSES.register("Spreader")
class Spreader(Flicker):
    """A Flicker that, on its second update, copies itself (or ``stype``) into the 4 neighbours."""

    fields = {"spreadprob": Field("float", 1.0, minimum=0), "stype": Field("str", None)}

    def update(self, g: Game, s: Sprite) -> None:
        Flicker.update(self, g, s)
        if s.age == 2:
            spawn = self.kind.resolve(self.values["stype"]) if self.values["stype"] else self.kind.itype
            lx, ly = g.store.last_pos(s)
            bs = g.block_size
            for dx, dy in BASE_DIRECTIONS:
                if g.rng.next_double() < self.values["spreadprob"]:
                    g.store.add_sprite(spawn, lx + dx * bs, ly + dy * bs)


@SPRITE_CLASSES.register("Resource")
class Resource(Passive):
    """A collectible; its resource id is its own type. ``limit`` caps what any sprite can hold."""

    fields = {"value": Field("int", 1), "limit": Field("int", 2)}
    defaults = {"color": (250, 250, 0)}
    is_resource = True


@SPRITE_CLASSES.register("ResourcePack")
class ResourcePack(Resource):
    """A static Resource."""

    defaults = {"is_static": True}


@SPRITE_CLASSES.register("Missile")
class Missile(SpriteClass):
    """Moves along its orientation every allowed tick (not on its first)."""

    defaults = {"speed": 1.0, "is_oriented": True}


@SPRITE_CLASSES.register("ErraticMissile")
class ErraticMissile(Missile):
    """GVGAI leaves this as a plain Missile (its ``prob`` is not implemented)."""


@SPRITE_CLASSES.register("RandomMissile")
class RandomMissile(Missile):
    """A Missile that picks a random base direction on its first update, unless given one."""

    defaults = {"orientation": NIL}

    def update(self, g: Game, s: Sprite) -> None:  # no time-to-live, as in GVGAI
        if s.ori == NIL:
            g.store.set_orientation(s, g.rng.choice(BASE_DIRECTIONS))
        passive_movement(g, s)


@SPRITE_CLASSES.register("Conveyor")
class Conveyor(SpriteClass):
    """A static oriented sprite (the push strength is ``jump_strength``)."""

    defaults = {"is_static": True, "color": (0, 0, 200), "jump_strength": 1.0, "is_oriented": True,
                "draw_arrow": True}
    trivial_update = True


class SpriteProducer(SpriteClass):
    """Abstract base of portals and spawners."""


@SPRITE_CLASSES.register("Portal")
class Portal(SpriteProducer):
    """A static exit marker: ``teleportToExit`` moves sprites onto a sprite of ``stype``."""

    fields = {"stype": Field("str", None)}
    defaults = {"is_static": True, "portal": True, "color": (0, 0, 200)}
    trivial_update = True

    @property
    def exit_itype(self) -> int:
        return self.kind.resolve(self.values["stype"]) if self.values["stype"] else -1


# ------------------------------------------------------------------------------------------------
# Random walkers and chasers
# ------------------------------------------------------------------------------------------------


@SPRITE_CLASSES.register("RandomNPC")
class RandomNPC(SpriteClass):
    """Moves in a random base direction; ``cons`` repeats each drawn direction that many more times."""

    fields = {"cons": Field("int", 0)}
    defaults = {"speed": 1.0, "is_npc": True, "is_stochastic": True}

    def init_sprite(self, s: Sprite) -> None:
        s.counter = 0  # GVGAI sets it before parsing ``cons``, so it always starts at 0
        s.prev = None  # GVGAI's initial DNONE object: "no random move drawn yet"

    def random_move(self, g: Game, s: Sprite) -> tuple[float, float]:
        if s.counter < self.values["cons"]:
            s.counter += 1
            return s.prev if s.prev is not None else NONE
        move = g.rng.choice(BASE_DIRECTIONS)
        s.prev = move
        s.counter = 0
        return move

    def update(self, g: Game, s: Sprite) -> None:  # no time-to-live, as in GVGAI
        passive_movement(g, s)
        move = self.random_move(g, s)
        active_movement(g, s, move, s.speed)


def _manhattan(a: Sprite, b: Sprite) -> int:
    return abs(a.y - b.y) + abs(a.x - b.x)


def _steps_toward(s: Sprite, t: Sprite, fleeing: bool, max_distance: float, out: list[tuple[int, int]]) -> None:
    """Append the base directions whose one-pixel step shrinks (fleeing: grows) the distance to ``t``."""
    d = _manhattan(s, t)
    if max_distance != -1 and d > max_distance:
        return
    for dx, dy in BASE_DIRECTIONS:
        nd = abs(s.y + dy - t.y) + abs(s.x + dx - t.x)
        if (fleeing and d < nd) or (not fleeing and d > nd):
            out.append((dx, dy))


@SPRITE_CLASSES.register("Chaser")
class Chaser(RandomNPC):
    """Steps toward (or, fleeing, away from) the nearest sprite of ``stype``; walls are not seen.

    Candidate steps are tested one pixel at a time along UP, LEFT, DOWN, RIGHT; one is
    drawn at random among those that shrink (grow) the Manhattan distance in pixels.
    """

    fields = {"stype": Field("str", None), "fleeing": Field("bool", False), "maxDistance": Field("float", -1.0)}

    def targets(self, g: Game, s: Sprite) -> list[Sprite]:
        itype = self.kind.resolve(self.values["stype"])
        group = g.store.group(itype)
        candidates = list(group.values()) if group else g.store.sub_sprites_twice(itype)
        best = None
        found: list[Sprite] = []
        for t in candidates:
            if not self.sees(s, t):
                continue
            d = _manhattan(s, t)
            if best is None or d < best:
                best = d
                found = [t]
            elif d == best:
                found.append(t)
        return found

    def sees(self, s: Sprite, t: Sprite) -> bool:
        return True

    @staticmethod
    def moves_toward(s: Sprite, t: Sprite, fleeing: bool, max_distance: float, out: list[tuple[int, int]]) -> None:
        _steps_toward(s, t, fleeing, max_distance, out)

    def update(self, g: Game, s: Sprite) -> None:
        passive_movement(g, s)
        moves: list[tuple[int, int]] = []
        for t in self.targets(g, s):
            self.moves_toward(s, t, self.values["fleeing"], self.values["maxDistance"], moves)
        move = self.random_move(g, s) if not moves else g.rng.choice(moves)
        active_movement(g, s, move, s.speed)


@SPRITE_CLASSES.register("Fleeing")
class Fleeing(Chaser):
    """A Chaser that moves away from its target."""

    defaults = {"fleeing": True}


@SPRITE_CLASSES.register("LOSChaser")
class LOSChaser(Chaser):
    """A Chaser that only sees targets in line with its last random direction (walls do not block)."""

    def sees(self, s: Sprite, t: Sprite) -> bool:
        p = s.prev
        if p is None or p == NIL:
            return False
        return ((p == DOWN and t.x == s.x and t.y >= s.y) or (p == UP and t.x == s.x and t.y <= s.y)
                or (p == LEFT and t.y == s.y and t.x <= s.x) or (p == RIGHT and t.y == s.y and t.x >= s.x))

    def targets(self, g: Game, s: Sprite) -> list[Sprite]:
        if s.prev is None or s.prev == NIL:
            return []
        return super().targets(g, s)


@SPRITE_CLASSES.register("AlternateChaser")
class AlternateChaser(RandomNPC):
    """GVGAI's AlternateChaser, bugs included: it chases ``stype1`` and never flees ``stype2``.

    (GVGAI builds the flee list from ``stype1`` and counts both as "chasing".) When
    ``stype1`` names several types, GVGAI picks one with an unseeded generator; we use
    the game's auxiliary generator so the game's main random sequence is unchanged.
    """

    fields = {"stype1": Field("names", ()), "stype2": Field("names", ()), "fleeing": Field("bool", False)}

    def chase_types(self) -> list[int]:
        return [self.kind.resolve(n) for n in self.values["stype1"]]

    def targets(self, g: Game, s: Sprite, random_target: bool) -> tuple[list[Sprite], bool]:
        types = self.chase_types()
        fleeing = self.values["fleeing"]
        n_chasing = 2 * sum(g.store.num_sprites(t) for t in types)  # stype2 is built from stype1 too
        found: list[Sprite] = []
        if n_chasing > 0:
            target = types[g.aux_rng.next_int(len(types))] if len(types) > 1 else types[0]
            fleeing = False
            best = None
            for t in g.store.sub_sprites_twice(target):
                if random_target:
                    found.append(t)
                    continue
                d = _manhattan(s, t)
                if best is None or d < best:
                    best, found = d, [t]
                elif d == best:
                    found.append(t)
        if random_target and found:
            found = [found[g.rng.next_int(len(found))]]
        return found, fleeing

    def update(self, g: Game, s: Sprite) -> None:
        passive_movement(g, s)
        found, fleeing = self.targets(g, s, False)
        moves: list[tuple[int, int]] = []
        for t in found:
            self.moves_toward(s, t, fleeing, moves)
        move = g.rng.choice(BASE_DIRECTIONS) if not moves else g.rng.choice(moves)
        active_movement(g, s, move, s.speed)

    @staticmethod
    def moves_toward(s: Sprite, t: Sprite, fleeing: bool, out: list[tuple[int, int]]) -> None:
        _steps_toward(s, t, fleeing, -1, out)  # GVGAI's AlternateChaser has no maxDistance


class _EpsilonRandom:
    """Mixin: with probability ``epsilon`` move at random, else behave as the parent class (one draw first)."""

    fields = {"epsilon": Field("float", 0.0, minimum=0)}
    values: dict[str, Any]

    def update(self, g: Game, s: Sprite) -> None:
        if g.rng.next_double() < self.values["epsilon"]:
            passive_movement(g, s)
            move = g.rng.choice(BASE_DIRECTIONS)
            active_movement(g, s, move, s.speed)
        else:
            super().update(g, s)  # type: ignore[misc]


@SPRITE_CLASSES.register("RandomAltChaser")
class RandomAltChaser(_EpsilonRandom, AlternateChaser):
    """An AlternateChaser that moves at random with probability ``epsilon``."""


@SPRITE_CLASSES.register("PathChaser")
class PathChaser(RandomNPC):
    """Follows a shortest path (the level's precomputed grid paths) to the nearest ``stype``."""

    fields = {"stype": Field("str", None), "fleeing": Field("bool", False), "maxDistance": Field("float", -1.0)}

    def update(self, g: Game, s: Sprite) -> None:
        passive_movement(g, s)
        found = Chaser.targets(self, g, s)  # type: ignore[arg-type]
        move: tuple[float, float] = NONE
        if found:
            path = g.path(s.x, s.y, found[0].x, found[0].y)
            if path:
                move = path[0]
            s.counter = self.values["cons"]
        else:
            move = self.random_move(g, s)
        active_movement(g, s, move, s.speed)

    def sees(self, s: Sprite, t: Sprite) -> bool:
        return True


@SPRITE_CLASSES.register("PathAltChaser")
class PathAltChaser(AlternateChaser):
    """AlternateChaser with paths; keeps its target until it stands on it (even if it died)."""

    fields = {"randomTarget": Field("bool", False)}

    def init_sprite(self, s: Sprite) -> None:
        super().init_sprite(s)
        # GVGAI keeps a reference to its target; we keep (sid, type, last seen x, y) and the last
        # position it had a path to: a dead target stays where it died.
        s.memory = None

    def update(self, g: Game, s: Sprite) -> None:
        passive_movement(g, s)
        memory = s.memory
        target = None
        if memory is not None:
            alive = g.store.sprite_by_id(memory[0], memory[1])
            target = (memory[0], memory[1], alive.x, alive.y) if alive is not None else memory[:4]
        last_known = memory[4] if memory is not None else None
        fleeing = self.values["fleeing"]
        found: list[Sprite] = []
        if target is None or (s.x == target[2] and s.y == target[3]):
            found, fleeing = self.targets(g, s, self.values["randomTarget"])
            if found:
                target = (found[0].sid, found[0].kind.itype, found[0].x, found[0].y)
        elif (alive := g.store.sprite_by_id(target[0], target[1])) is not None:
            found = [alive]
        move: tuple[float, float] = NONE
        if not fleeing and target is not None:
            path = g.path(s.x, s.y, target[2], target[3])
            if path is None and last_known is not None:
                path = g.path(s.x, s.y, *last_known)
            else:
                last_known = (target[2], target[3])
            s.memory = (*target, last_known)
            if path:
                move = path[0]
        else:
            moves: list[tuple[int, int]] = []
            for t in found:
                self.moves_toward(s, t, fleeing, moves)
            move = g.rng.choice(BASE_DIRECTIONS) if not moves else g.rng.choice(moves)
        active_movement(g, s, move, s.speed)


@SPRITE_CLASSES.register("RandomPathAltChaser")
class RandomPathAltChaser(_EpsilonRandom, PathAltChaser):
    """A PathAltChaser that moves at random with probability ``epsilon``."""


# ------------------------------------------------------------------------------------------------
# Spawners
# ------------------------------------------------------------------------------------------------


@SPRITE_CLASSES.register("SpawnPoint")
class SpawnPoint(SpriteProducer):
    """Spawns ``stype`` on its cell when ``(start + tick) % cooldown == 0`` and a roll passes ``prob``.

    The roll is drawn every update; after ``total`` spawns (0 = unlimited) it dies.
    """

    fields = {"stype": Field("str", None), "prob": Field("float", 1.0, minimum=0), "total": Field("int", 0, minimum=0),
              "spawnorientation": Field("dir", NONE)}
    defaults = {"cooldown": 1, "is_static": True, "color": (0, 0, 0)}

    def init_sprite(self, s: Sprite) -> None:
        s.counter = 0
        s.start = -1
        s.spawn_itype = self.kind.resolve(self.values["stype"]) if self.values["stype"] else -1

    def update(self, g: Game, s: Sprite) -> None:
        self.spawn(g, s)
        if not self.kind.is_static:  # (SpriteClass.update's motion does nothing for a static one)
            passive_movement(g, s)
        if s.ttl > -1:
            self.time_to_live(g, s)
        total = self.values["total"]
        if total > 0 and s.counter >= total:
            g.store.kill(s)

    def spawn(self, g: Game, s: Sprite) -> None:
        tick = g.store.tick  # (GVGAI's game tick)
        if s.start == -1:
            s.start = tick
        roll = g.rng.next_float()
        if (s.start + tick) % self.kind.cooldown == 0 and roll < self.values["prob"]:
            for itype in self.spawn_types(s):
                new = g.store.add_sprite(itype, s.x, s.y)
                if new is not None:
                    s.counter += 1
                    self.orient_spawned(g, s, new)

    def spawn_types(self, s: Sprite) -> tuple[int, ...]:
        return (s.spawn_itype,) if s.spawn_itype >= 0 else ()

    def orient_spawned(self, g: Game, s: Sprite, new: Sprite) -> None:
        spawn_ori = self.values["spawnorientation"]
        if spawn_ori != NONE:
            g.store.set_orientation(new, spawn_ori)
        elif new.ori == NONE:
            g.store.set_orientation(new, s.ori)


@SPRITE_CLASSES.register("Bomber")
class Bomber(SpawnPoint):
    """A moving SpawnPoint (speed 0 unless set): spawns, then drifts along its orientation."""

    defaults = {"color": (250, 160, 0), "is_static": False, "is_oriented": True, "orientation": RIGHT,
                "is_npc": True}


@SPRITE_CLASSES.register("RandomBomber")
class RandomBomber(SpawnPoint):
    """Takes a random step, then spawns like a SpawnPoint."""

    defaults = {"is_static": False, "is_oriented": True, "orientation": RIGHT, "is_npc": True,
                "is_stochastic": True, "speed": 1.0}

    def update(self, g: Game, s: Sprite) -> None:
        move = g.rng.choice(BASE_DIRECTIONS)
        active_movement(g, s, move, s.speed)
        SpawnPoint.update(self, g, s)


@SPRITE_CLASSES.register("BomberRandomMissile")
class BomberRandomMissile(SpawnPoint):
    """A Bomber whose spawned type is drawn each tick from ``stypeMissile``."""

    fields = {"stypeMissile": Field("names", ())}
    defaults = {"color": (250, 160, 0), "is_static": False, "is_oriented": True, "orientation": RIGHT,
                "is_npc": True}

    def init_sprite(self, s: Sprite) -> None:
        super().init_sprite(s)
        s.memory = tuple(self.kind.resolve(n) for n in self.values["stypeMissile"])

    def update(self, g: Game, s: Sprite) -> None:
        missiles = s.memory
        if missiles:
            s.spawn_itype = missiles[g.rng.next_int(len(missiles))]
        SpawnPoint.update(self, g, s)


@SPRITE_CLASSES.register("SpawnPointMultiSprite")
class SpawnPointMultiSprite(SpawnPoint):
    """Spawns every type of ``stypes`` at once; ``total`` counts each sprite made."""

    fields = {"stypes": Field("names", ())}
    defaults = {"is_oriented": True, "orientation": RIGHT, "is_npc": True}

    def spawn_types(self, s: Sprite) -> tuple[int, ...]:
        return tuple(self.kind.resolve(n) for n in self.values["stypes"])
