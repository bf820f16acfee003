"""A running VGDL game: the public facade and GVGAI's game loop.

One :class:`Game` is one level being played. ``step(action)`` runs one GVGAI
game cycle (``docs/semantics.md`` section 3), and reading :meth:`Game.step`
top to bottom gives GVGAI's order: the avatar moves first, then every other
sprite in reverse SpriteSet order; then timed effects, end-of-screen effects,
and pairwise collision effects grouped by type pair; then killed sprites are
removed and terminations are checked in file order.

The work is split by concern so that each piece can be read (and trusted) alone:

* ``vgdl/store.py`` -- the sprites, copy-on-write between copies, and the
  version stamps every cache relies on; all sprite changes go through it;
* ``vgdl/collisions.py`` -- which sprites overlap, and the EOS and pairwise
  effect phases that use it;
* ``vgdl/physics.py`` -- GVGAI's grid movement rules;
* ``vgdl/ontology/`` -- the sprite classes, effects and terminations by VGDL name.

``copy()`` is cheap: the store shares sprites copy-on-write, the caches are
keyed by stamps and shared, and the random generator's state is one integer,
so a copy replays exactly.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

import numpy as np

from vgdl.collisions import CollisionIndex
from vgdl.ontology.avatars import ALL_ACTIONS, NIL
from vgdl.ontology.pathfinder import PathFinder
from vgdl.physics import MOVE, ROTATE, STILL
from vgdl.render import render
from vgdl.rng import JavaRandom
from vgdl.rules import MAX_TICKS, EffectRule, GameRules, TimedRule
from vgdl.sprite import Sprite
from vgdl.status_bars import with_status_bars
from vgdl.store import EVENTS_PHASE, SpriteStore, SpriteView

__all__ = ["Game", "MOVE", "ROTATE", "STILL"]


class Game:
    """One level of a VGDL game in play.

    :param rules: the compiled game (shared by all copies).
    :param rows: the level's rows of characters.
    :param seed: seed of the game's random generator.
    :param level_name: where the level came from (for messages and records).
    :param max_ticks: the tick at which an unfinished game is lost (GVGAI: 2000).
    """

    #: the collision lookup class (the benchmarks swap in a plain scanning one as a baseline)
    collision_index: type[CollisionIndex] = CollisionIndex

    def __init__(self, rules: GameRules, rows: list[str], seed: int = 0, level_name: str = "<level>",
                 max_ticks: int = MAX_TICKS) -> None:
        from vgdl.level import build_level

        self.rules = rules
        self.seed = seed
        self.level_name = level_name
        self.level_rows = tuple(rows)
        self.max_ticks = max_ticks
        self.store = SpriteStore(rules.kinds)
        self.raw_score: float = 0
        self._ended = False
        self._winner: str | None = None
        self.shields: dict[int, set[tuple[int, str]]] = {}  # (shieldFrom) type -> {(other type, effect)}
        self._apply_score = [True] * len(rules.effect_rules)
        self._effect_state: dict[tuple[int, str], tuple[int, Any]] = {}
        self.can_end = True
        self._events: list[tuple[str, str, str, int, int]] = []
        self.last_action = NIL
        self._time_queue: list[tuple[int, TimedRule]] = []
        #: the renderer's per-game frames by tile size (drawn in place: never shared with copies)
        self.render_state: dict[int, Any] = {}
        self.width, self.height, self.block_size = build_level(self, rows)
        self.screen_width = self.width * self.block_size
        self.screen_height = self.height * self.block_size
        self.collisions = self.collision_index(rules, self.width, self.block_size)  # shared by copies
        for tr in rules.time_effects:
            self._queue_timer(tr.first, tr)
        self._pathfinder: PathFinder | None = None
        if rules.path_obstacles is not None:
            blocked = {(s.x // self.block_size, s.y // self.block_size)
                       for t in rules.path_obstacles if t >= 0 for s in self.store.groups[t].values()
                       if not s.kind.hidden}
            self._pathfinder = PathFinder(self.width, self.height, blocked)
        # GVGAI seeds the game's generator after the level is built: building never draws from it.
        self.rng = JavaRandom(seed)
        # For the draws GVGAI makes with unseeded generators (AlternateChaser's target type):
        # a second, seeded stream keeps the main sequence GVGAI-identical and the game reproducible.
        self.aux_rng = JavaRandom(seed ^ 0x5A17)

    # ============================================================================================
    # Public facade
    # ============================================================================================

    @property
    def actions(self) -> list[str]:
        """The avatar's actions in GVGAI's order, then ``ACTION_NIL`` (its class decides them)."""
        return [*self._avatar_actions(), NIL]

    def _avatar_actions(self) -> tuple[str, ...]:
        store = self.store
        if store.avatar_sid is not None:
            av = store.groups[store.avatar_itype].get(store.avatar_sid)
            if av is not None:
                return av.kind.behaviour.actions  # type: ignore[union-attr]
        return self.rules.actions

    @property
    def game_tick(self) -> int:
        """GVGAI's game tick: -1 before the first step, then the number of the tick last run."""
        return self.store.tick

    @property
    def tick(self) -> int:
        """Steps taken so far (GVGAI's game tick is ``tick - 1``)."""
        return self.store.tick + 1

    @property
    def ended(self) -> bool:
        return self._ended

    @property
    def winner(self) -> str | None:
        """``"WIN"``, ``"LOSE"``, or ``None`` while running (or if it ended with no winner)."""
        return self._winner

    @property
    def score(self) -> float:
        """The score; a won game scores at least 1 (GVGAI's ``handleResult``)."""
        if self._winner == "WIN" and self.raw_score <= 0:
            return 1
        return self.raw_score

    @property
    def runtime_warnings(self) -> list[str]:
        """Warnings raised while playing (at most 100), each prefixed with its tick."""
        return self.store.warnings

    @property
    def warnings(self) -> list[str]:
        """Load-time warnings about the game file, then run-time warnings."""
        return [*self.rules.warnings, *self.store.warnings]

    @property
    def view(self) -> SpriteView:
        """Read-only access to the sprites (what observers use)."""
        return self.store.view

    def step(self, action: str) -> None:
        """Advance one tick with ``action`` (a GVGAI action name). Does nothing once the game has ended.

        An action that is a valid name but not one of this avatar's actions counts as
        ``ACTION_NIL``, as in GVGAI.
        """
        if action not in ALL_ACTIONS:
            raise ValueError(f"unknown action {action!r}; expected one of {', '.join(self.actions)}")
        if self._ended:
            return
        if action not in self._avatar_actions():
            action = NIL
        self.last_action = action
        store = self.store
        store.begin_tick()
        self._events = []
        self._update_avatar(action)                  # 2. the avatar first,
        self._update_sprites()                       #    then the others in reverse sprite order
        store.cursor = EVENTS_PHASE
        self._run_time_effects()                     # 3a. timed effects
        self.collisions.run_eos_effects(self)        # 3b. end-of-screen effects
        self.collisions.run_pair_effects(self)       # 3c. pairwise effects
        store.clear_killed()                         # 4. clearAll
        if self.shields:
            self.shields = {}
        self._check_terminations()                   # 5-6. terminations, time-out

    def copy(self) -> Game:
        """An independent game in the same state, with the same random future."""
        twin = Game.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin.store = self.store.copy()
        if self.shields:
            twin.shields = {k: set(v) for k, v in self.shields.items()}
        twin._apply_score = list(self._apply_score)
        twin._effect_state = dict(self._effect_state)
        # _events is not copied: each step starts a new list before appending to it
        twin._time_queue = list(self._time_queue)
        twin.render_state = {}  # cached frames are drawn in place: never share them
        twin.rng = self.rng.copy()
        twin.aux_rng = self.aux_rng.copy()
        return twin

    def object_table(self) -> np.ndarray:
        """Every live sprite as one float32 row (columns: ``vgdl.observations.TABLE_COLUMNS``).

        The fast form of :meth:`objects` for learning agents: cached per type between changes.
        """
        from vgdl.observations import object_table

        return object_table(self)

    def objects(self) -> list[dict[str, Any]]:
        """Every live sprite (dead avatars excluded) as a plain dict, in update order of creation."""
        from vgdl.observations import objects

        return objects(self)

    def grid(self) -> np.ndarray:
        """``H x W x n_types`` occupancy counts (types in sprite order; see ``type_names``)."""
        from vgdl.observations import grid

        return grid(self)

    def render_rgb(self, tile_size: int = 8, status_bars: bool = False) -> np.ndarray:
        """RGB pixels (``H*tile x W*tile x 3``, uint8) of the current state: a read-only array that
        never changes afterwards (``.copy()`` it to draw on it). ``status_bars``: with the resource
        and health bars GVGAI's screen shows over sprites (``vgdl/status_bars.py``)."""
        frame = render(self, tile_size)
        return with_status_bars(self, frame, tile_size) if status_bars else frame

    def events(self) -> list[dict[str, Any]]:
        """The effects that fired in the last tick (GVGAI's event history): privileged information."""
        return [{"effect": e, "type1": t1, "type2": t2, "id1": a, "id2": b}
                for e, t1, t2, a, b in self._events]

    def timers(self) -> tuple[tuple[int, int], ...]:
        """Queued timed effects as (ticks until due, effect rule index), soonest first."""
        gt = self.store.tick
        return tuple((when - gt, tr.rule.index) for when, tr in self._time_queue)

    @property
    def type_names(self) -> list[str]:
        """Leaf sprite types in sprite (draw) order: the channels of :meth:`grid`."""
        return [self.rules.kinds[i].name for i in self.rules.sprite_order]

    def avatar(self) -> Sprite | None:
        """The avatar sprite (also when disabled), or None once it has been removed."""
        return self.store.avatar()

    def avatar_state(self) -> dict[str, Any] | None:
        av = self.store.avatar()
        if av is None:
            return None
        bs = self.block_size
        names = self.rules.kinds
        return {
            "type": av.kind.name, "x": av.x, "y": av.y, "gx": av.x / bs, "gy": av.y / bs,
            "orientation": list(av.ori), "resources": {names[r].name: n for r, n in (av.resources or {}).items()},
            "health": av.hp, "disabled": av.disabled,
        }

    def sprites(self) -> Iterable[Sprite]:
        """Every sprite in the game (including dead avatars), grouped by type."""
        return self.store.view.all()

    def sprite_count(self) -> int:
        """Every sprite in the game (what GVGAI's MAX_SPRITES caps)."""
        return self.store.size

    def set_orientation(self, s: Sprite, ori: tuple[float, float]) -> Sprite:
        """Turn ``s`` to face ``ori`` (for tools that set up a state, e.g. a planner's mental game)."""
        return self.store.set_orientation(s, ori)

    def place(self, s: Sprite, x: float, y: float) -> Sprite:
        """Put ``s`` at pixel (x, y) (for tools that set up a state: a planner's mental game puts an
        object between cells)."""
        return self.store.move_to(s, x, y)

    def settle(self) -> None:
        """Count every sprite as already in play, so none skips its first tick's drift as new sprites do
        (for tools that set up a mid-game state: a planner's mental game)."""
        self.store.settle()

    def set_spawn_phase(self, s: Sprite, next_in: int) -> Sprite:
        """Make producer ``s`` (a SpawnPoint) next spawn on the ``next_in``-th step from now (0: the
        next step), as one long in play would (for tools that set up a mid-game state)."""
        return self.store.set_spawn_phase(s, next_in)

    def change_resource(self, s: Sprite, rid: int, delta: int, clamp: bool = True) -> Sprite:
        """Add ``delta`` of resource type ``rid`` to what ``s`` holds (never below 0 when ``clamp``)."""
        return self.store.change_resource(s, rid, delta, clamp)

    # ============================================================================================
    # The game cycle
    # ============================================================================================

    def _update_avatar(self, action: str) -> None:
        store = self.store
        av = store.avatar()
        if av is not None and not av.disabled:
            store.cursor = -1
            av = store.own(av)
            av.kind.behaviour.update_avatar(self, av, action)  # type: ignore[union-attr]

    def _update_sprites(self) -> None:
        store = self.store
        groups = store.groups
        kinds = self.rules.kinds
        own = store.own
        for itype in self.rules.update_order:
            group = groups[itype]
            if not group:
                continue
            kind = kinds[itype]
            store.cursor = kind.update_rank
            update = kind.behaviour.update  # type: ignore[union-attr]
            token = store.token
            for s in list(group.values()):
                if s.disabled:
                    continue
                if s.owner is not token:
                    s = own(s)
                update(self, s)  # sprite classes may write the sprite they are handed: it is owned

    def execute(self, e: EffectRule, s1: Sprite | None, s2: Sprite | None, score: int | None = None) -> None:
        """Run one effect and apply its score, as GVGAI's ``executeEffect``."""
        spec = e.spec
        needs = spec.needs
        if (needs == "s1" and s1 is None) or (needs == "s2" and s2 is None) or (
                needs == "both" and (s1 is None or s2 is None)):
            result = None  # GVGAI logs a warning and returns; the score still applies
        else:
            result = spec.fn(self, s1, s2, e)
        if result is None:
            apply = self._apply_score[e.index]
            value = e.score if score is None else score
        elif result is True or result is False:
            apply = self._apply_score[e.index] = result
            value = e.score if score is None else score
        else:  # an int: the score this execution earns (subtractHealthPoints)
            apply = self._apply_score[e.index]
            value = result if score is None else score
        if apply and value:
            self.raw_score += value
        self._events.append((e.spec.name, s1.kind.name if s1 is not None else "TIME",
                             s2.kind.name if s2 is not None else ("EOS" if s1 is not None else "TIME"),
                             s1.sid if s1 is not None else -1, s2.sid if s2 is not None else -1))

    def execute_batch(self, e: EffectRule, s1: Sprite, hits: list[Sprite]) -> None:
        """Run a batch effect (``wallBounce``) once on all of ``s1``'s partners; each scores."""
        n = e.spec.fn(self, s1, hits, e)
        if self._apply_score[e.index]:
            self.raw_score += e.score * n
        for s2 in hits:
            self._events.append((e.spec.name, s1.kind.name, s2.kind.name, s1.sid, s2.sid))

    def _queue_timer(self, when: int, tr: TimedRule) -> None:
        """Insert before every queued timer due at the same tick (GVGAI's TreeSet orders ties LIFO)."""
        keys = [w for w, _ in self._time_queue]
        self._time_queue.insert(bisect.bisect_left(keys, when), (when, tr))

    def _run_time_effects(self) -> None:
        queue = self._time_queue
        tick = self.store.tick
        if not queue or queue[0][0] > tick:
            return
        self._time_queue = queue = list(queue)  # copies share the list: never mutate it in place
        store = self.store
        while queue and queue[0][0] <= tick:
            _, tr = queue.pop(0)
            if not tr.rule.enabled:
                continue
            if tr.itype == -1:
                self.execute(tr.rule, None, None, score=tr.score)
            else:
                for t in self.rules.kinds[tr.itype].subtypes:
                    for s in list(store.groups[t].values()):
                        s = store.current(s)
                        if s.sid not in store.killed and not s.disabled:
                            self.execute(tr.rule, s, None, score=tr.score)
            if tr.repeating:
                self._queue_timer(tick + tr.timer, tr)

    def _check_terminations(self) -> None:
        for t in self.rules.terminations:
            if t.done(self):
                self._ended = True
                if self.store.avatar_sid is not None:
                    self._winner = "WIN" if t.winner(self) else "LOSE"
                break
        if self.store.tick >= self.max_ticks:
            self._ended = True
            if self._winner != "WIN":
                self._winner = "LOSE"

    # ============================================================================================
    # Game-level services for sprite classes and effects (sprite changes go through ``store``)
    # ============================================================================================

    def add_timer(self, rule: EffectRule, timer: int, repeating: bool, score: int) -> None:
        """Schedule ``rule`` to run with no sprites ``timer`` ticks from now (the ``addTimer`` effect)."""
        if repeating and timer <= 0:
            self.warn("addTimer: a repeating timer needs timer > 0; ignored")
            return
        self._queue_timer(self.store.tick + timer, TimedRule(rule, -1, timer, repeating, score))

    def add_shield(self, itype: int, other: int, effect_name: str) -> None:
        """For the rest of this tick, effect ``effect_name`` between ``itype`` and ``other`` is skipped."""
        if not self.shields:
            self.shields = {}  # the empty dict may be shared with copies: never add to it
        self.shields.setdefault(itype, set()).add((other, effect_name))

    def path(self, x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int]] | None:
        """The first step of GVGAI's shortest path between two pixel positions (None: no path)."""
        if self._pathfinder is None:
            return None
        bs = self.block_size
        step = self._pathfinder.first_step((int(x0 / bs), int(y0 / bs)), (int(x1 / bs), int(y1 / bs)))
        return [step] if step is not None else None

    def effect_state(self, e: EffectRule, key: str, tick: int) -> Any:
        """Per-line effect memory valid for one tick (``pullWithIt``'s set of pulled sprites)."""
        entry = self._effect_state.get((e.index, key))
        return entry[1] if entry is not None and entry[0] == tick else frozenset()

    def set_effect_state(self, e: EffectRule, key: str, tick: int, value: Any) -> None:
        self._effect_state[(e.index, key)] = (tick, value)

    def warn(self, message: str) -> None:
        """Record a run-time warning (GVGAI logs these and plays on)."""
        self.store.warn(message)
