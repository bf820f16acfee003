"""A running VGDL game: state, GVGAI's game loop, and the public facade.

One :class:`Game` is one level being played. ``step(action)`` runs one GVGAI
game cycle (``docs/semantics.md`` section 8): the avatar moves first, then every
other sprite in reverse SpriteSet order; then timed effects, end-of-screen
effects, and pairwise collision effects grouped by type pair; then killed
sprites are removed and terminations are checked in file order.

``copy()`` is cheap: sprites are shared copy-on-write (see ``vgdl/sprite.py``)
and the random generator's state is one integer, so a copy replays exactly.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable
from typing import Any

import numpy as np

from vgdl.ontology.avatars import ALL_ACTIONS, NIL
from vgdl.ontology.pathfinder import PathFinder
from vgdl.ontology.sprites import MOVE, ROTATE, STILL
from vgdl.rng import JavaRandom
from vgdl.rules import MAX_SPRITES, MAX_TICKS, EffectRule, GameRules, TimedRule
from vgdl.sprite import Sprite
from vgdl.values import NONE

__all__ = ["Game", "MOVE", "ROTATE", "STILL"]

_EVENTS_PHASE = 1 << 30  # update cursor while no sprite update is running
_SCAN_LIMIT = 8  # groups up to this size are scanned; larger ones use a cell index
_INDEX_AFTER = 3  # build a group's index at the third lookup under the same stamp


def _sid(s: Sprite) -> int:
    return s.sid


class Game:
    """One level of a VGDL game in play.

    :param rules: the compiled game (shared by all copies).
    :param rows: the level's rows of characters.
    :param seed: seed of the game's random generator.
    :param level_name: where the level came from (for messages and records).
    :param max_ticks: the tick at which an unfinished game is lost (GVGAI: 2000).
    """

    #: skip (pair, effect) checks whose sprite types have not changed since they found no contact
    use_contact_cache = True

    def __init__(self, rules: GameRules, rows: list[str], seed: int = 0, level_name: str = "<level>",
                 max_ticks: int = MAX_TICKS) -> None:
        from vgdl.level import build_level

        self.rules = rules
        self.seed = seed
        self.level_name = level_name
        self.level_rows = tuple(rows)
        self.max_ticks = max_ticks
        self._token = object()
        self._groups: list[dict[int, Sprite]] = [{} for _ in rules.kinds]
        self._owned_groups: set[int] = set(range(len(rules.kinds)))  # groups this game may change in place
        self._killed: dict[int, Sprite] = {}
        self._avatar_sid: int | None = None
        self._avatar_itype = -1
        self.raw_score: float = 0
        self._ended = False
        self._winner: str | None = None
        self.game_tick = -1
        self._next_sid = 0
        self._num_sprites = 0
        self._cursor = _EVENTS_PHASE
        self._shields: dict[int, set[tuple[int, str]]] = {}
        self._apply_score = [True] * len(rules.effect_rules)
        self._effect_state: dict[tuple[int, str], tuple[int, Any]] = {}
        self.can_end = True
        self._events: list[tuple[str, str, str, int, int]] = []
        self.last_action = NIL
        self.runtime_warnings: list[str] = []
        self._time_queue: list[tuple[int, TimedRule]] = []
        # Cell indexes of big groups for collision lookups. A type's version is a stamp, unique across
        # this game and all its copies, renewed whenever one of its sprites appears, moves or dies, so
        # an index built for a stamp by any copy is valid for every copy holding that stamp.
        self._stamps = itertools.count(1)
        self._versions = [0] * len(rules.kinds)
        self._details = [0] * len(rules.kinds)  # stamps of orientation / health changes
        self._table_cache: dict[tuple, np.ndarray] = {}  # observation blocks by type and stamps (shared)
        self._index_cache: dict[int, tuple[dict[int, list[tuple[int, int, int]]], bool]] = {}
        self._index_misses: dict[int, int] = {}  # lookups per stamp without an index (shared by copies)
        # per type pair: the stamps under which it last found no overlap (shared by copies)
        self._no_contact: list[tuple[int, ...] | None] = [None] * len(rules.pair_effects)
        self._eos_clear: list[tuple[int, ...] | None] = [None] * len(rules.eos_order)
        self._frames: dict[int, Any] = {}
        self.width, self.height, self.block_size = build_level(self, rows)
        # Index keys are row * stride + column; the margin keeps off-screen neighbours distinct.
        self._stride = self.width + 64
        self.screen_width = self.width * self.block_size
        self.screen_height = self.height * self.block_size
        for tr in rules.time_effects:
            self._queue_timer(tr.first, tr)
        self._pathfinder: PathFinder | None = None
        if rules.path_obstacles is not None:
            blocked = {(s.x // self.block_size, s.y // self.block_size)
                       for t in rules.path_obstacles if t >= 0 for s in self._groups[t].values()
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
        av = self.avatar()
        if av is not None:
            return av.kind.behaviour.actions  # type: ignore[union-attr]
        return self.rules.actions

    @property
    def tick(self) -> int:
        """Steps taken so far (GVGAI's game tick is ``tick - 1``)."""
        return self.game_tick + 1

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
    def warnings(self) -> list[str]:
        """Load-time warnings about the game file, then run-time warnings."""
        return [*self.rules.warnings, *self.runtime_warnings]

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
        self.game_tick += 1
        self._events = []
        self._update_avatar(action)
        self._update_sprites()
        self._cursor = _EVENTS_PHASE
        self._run_time_effects()
        self._run_eos_effects()
        self._run_pair_effects()
        self._clear_killed()
        self._check_terminations()

    def copy(self) -> Game:
        """An independent game in the same state, with the same random future."""
        twin = Game.__new__(Game)
        twin.__dict__.update(self.__dict__)
        # Sprite groups are shared too: each game copies a group's dict the first time it changes it.
        twin._groups = list(self._groups)
        self._owned_groups = set()
        twin._owned_groups = set()
        twin._killed = dict(self._killed)
        twin._shields = {k: set(v) for k, v in self._shields.items()}
        twin._apply_score = list(self._apply_score)
        twin._effect_state = dict(self._effect_state)
        twin._events = list(self._events)
        twin._time_queue = list(self._time_queue)
        twin.runtime_warnings = list(self.runtime_warnings)
        twin._versions = list(self._versions)
        twin._details = list(self._details)
        twin._frames = {}  # cached frames are drawn in place: never share them
        twin.rng = self.rng.copy()
        twin.aux_rng = self.aux_rng.copy()
        # Both games now share every sprite: neither may write one without cloning it first.
        self._token = object()
        twin._token = object()
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

    def render_rgb(self, tile_size: int = 8) -> np.ndarray:
        """RGB pixels (``H*tile x W*tile x 3``, uint8) of the current state."""
        from vgdl.render import render

        return render(self, tile_size)

    def events(self) -> list[dict[str, Any]]:
        """The effects that fired in the last tick (GVGAI's event history): privileged information."""
        return [{"effect": e, "type1": t1, "type2": t2, "id1": a, "id2": b}
                for e, t1, t2, a, b in self._events]

    @property
    def type_names(self) -> list[str]:
        """Leaf sprite types in sprite (draw) order: the channels of :meth:`grid`."""
        return [self.rules.kinds[i].name for i in self.rules.sprite_order]

    def avatar(self) -> Sprite | None:
        """The avatar sprite (also when disabled), or None once it has been removed."""
        if self._avatar_sid is None:
            return None
        return self._groups[self._avatar_itype].get(self._avatar_sid)

    def avatar_state(self) -> dict[str, Any] | None:
        av = self.avatar()
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
        for group in self._groups:
            yield from group.values()

    # ============================================================================================
    # The game cycle
    # ============================================================================================

    def _update_avatar(self, action: str) -> None:
        av = self.avatar()
        if av is not None and not av.disabled:
            self._cursor = -1
            av = self.own(av)
            av.kind.behaviour.update_avatar(self, av, action)  # type: ignore[union-attr]

    def _update_sprites(self) -> None:
        groups = self._groups
        kinds = self.rules.kinds
        for itype in self.rules.update_order:
            group = groups[itype]
            if not group:
                continue
            kind = kinds[itype]
            self._cursor = kind.update_rank
            update = kind.behaviour.update  # type: ignore[union-attr]
            token = self._token
            for s in list(group.values()):
                if s.disabled:
                    continue
                if s.owner is not token:
                    s = self.own(s)
                update(self, s)

    def _execute(self, e: EffectRule, s1: Sprite | None, s2: Sprite | None, score: int | None = None) -> None:
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

    def _queue_timer(self, when: int, tr: TimedRule) -> None:
        """Insert before every queued timer due at the same tick (GVGAI's TreeSet orders ties LIFO)."""
        keys = [w for w, _ in self._time_queue]
        self._time_queue.insert(bisect.bisect_left(keys, when), (when, tr))

    def add_timer(self, rule: EffectRule, timer: int, repeating: bool, score: int) -> None:
        """Schedule ``rule`` to run with no sprites ``timer`` ticks from now (the ``addTimer`` effect)."""
        if repeating and timer <= 0:
            self.warn("addTimer: a repeating timer needs timer > 0; ignored")
            return
        self._queue_timer(self.game_tick + timer, TimedRule(rule, -1, timer, repeating, score))

    def _run_time_effects(self) -> None:
        queue = self._time_queue
        if not queue or queue[0][0] > self.game_tick:
            return
        self._time_queue = queue = list(queue)  # copies share the list: never mutate it in place
        while queue and queue[0][0] <= self.game_tick:
            _, tr = queue.pop(0)
            if not tr.rule.enabled:
                continue
            if tr.itype == -1:
                self._execute(tr.rule, None, None, score=tr.score)
            else:
                for t in self.rules.kinds[tr.itype].subtypes:
                    for s in list(self._groups[t].values()):
                        s = self._current(s)
                        if s.sid not in self._killed and not s.disabled:
                            self._execute(tr.rule, s, None, score=tr.score)
            if tr.repeating:
                self._queue_timer(self.game_tick + tr.timer, tr)

    def _run_eos_effects(self) -> None:
        rules = self.rules
        if not rules.eos_order:
            return
        w, h, bs = self.screen_width, self.screen_height, self.block_size
        groups, versions, clear = self._groups, self._versions, self._eos_clear
        for k, itype in enumerate(rules.eos_order):
            subtypes = rules.kinds[itype].concrete_subtypes
            # nobody was off the screen last time and none of these sprites changed since: skip
            signature = tuple([versions[t] for t in subtypes])
            if clear[k] == signature and self.use_contact_cache:
                continue
            off_screen = False
            for e in rules.eos_effects[itype]:
                if not e.enabled:
                    continue
                for t in subtypes:
                    group = groups[t]
                    if not group:
                        continue
                    size = len(group)
                    for s in list(group.values()):
                        s = self._current(s)
                        if s.x < 0 or s.y < 0 or s.x + bs > w or s.y + bs > h:
                            off_screen = True
                            if s.sid not in self._killed and not s.disabled:
                                self._execute(e, s, None)
                                if len(groups[t]) > size:  # GVGAI: a sprite added to this list ends its loop
                                    self.warn("a sprite was spawned outside of the screen")
                                    break
            if not off_screen:
                clear[k] = signature

    def _members(self, itype: int) -> list[Sprite]:
        """GVGAI's collision list for a type: the sprites of its iSubTypes, in order."""
        groups = self._groups
        out: list[Sprite] = []
        for t in self.rules.kinds[itype].subtypes:
            group = groups[t]
            if group:
                out.extend(group.values())
        return out

    def _current(self, s: Sprite) -> Sprite:
        """The live record for ``s`` (a list snapshot may hold one replaced by copy-on-write)."""
        if s.owner is self._token:
            return s
        return self._groups[s.kind.itype].get(s.sid, s)

    def _index(self, itype: int) -> tuple[dict[int, list[tuple[int, int, int]]], bool]:
        """A cell -> [(sid, x, y)] index of one type's group, and whether all sit exactly on cells.

        Built once per version stamp and shared by all copies of the game (it holds no sprite objects).
        """
        stamp = self._versions[itype]
        cached = self._index_cache.get(stamp)
        if cached is not None:
            return cached
        bs = self.block_size
        stride = self._stride
        index: dict[int, list[tuple[int, int, int]]] = {}
        aligned = True
        for s in self._groups[itype].values():
            x, y = s.x, s.y
            if x % bs or y % bs:
                aligned = False
            key = (y // bs) * stride + x // bs
            bucket = index.get(key)
            if bucket is None:
                index[key] = [(s.sid, x, y)]
            else:
                bucket.append((s.sid, x, y))
        if len(self._index_cache) > 4096:
            self._index_cache.clear()
        if len(self._index_misses) > 65536:
            self._index_misses.clear()
        self._index_cache[stamp] = (index, aligned)
        return index, aligned

    def _near(self, types: tuple[int, ...], x: int, y: int, sid_limit: int) -> list[Sprite]:
        """Sprites of ``types`` overlapping a block at pixel (x, y), in GVGAI's list order."""
        bs = self.block_size
        groups = self._groups
        out: list[Sprite] = []
        for t in types:
            group = groups[t]
            if not group:
                continue
            if len(group) <= _SCAN_LIMIT:
                for s in group.values():
                    if -bs < s.x - x < bs and -bs < s.y - y < bs and s.sid < sid_limit:
                        out.append(s)
                continue
            stamp = self._versions[t]
            cached = self._index_cache.get(stamp)
            if cached is None:
                # Building an index costs a scan; it pays only if this group stays unchanged for a few
                # lookups (a group that changes between lookups, e.g. boulders stepping back one by
                # one, is scanned instead).
                misses = self._index_misses.get(stamp, 0) + 1
                if misses < _INDEX_AFTER:
                    self._index_misses[stamp] = misses
                    for s in group.values():
                        if -bs < s.x - x < bs and -bs < s.y - y < bs and s.sid < sid_limit:
                            out.append(s)
                    continue
                cached = self._index(t)
            index, aligned = cached
            stride = self._stride
            base = (y // bs) * stride + x // bs
            if aligned:
                # Every indexed sprite sits on a cell: only the cells the query block covers can hold one.
                if x % bs == 0:
                    keys: tuple[int, ...] = (base,) if y % bs == 0 else (base, base + stride)
                elif y % bs == 0:
                    keys = (base, base + 1)
                else:
                    keys = (base, base + 1, base + stride, base + stride + 1)
            else:
                keys = (base - stride - 1, base - stride, base - stride + 1, base - 1, base, base + 1,
                        base + stride - 1, base + stride, base + stride + 1)
            found: list[tuple[int, int, int]] = []
            for key in keys:
                bucket = index.get(key)
                if bucket:
                    for entry in bucket:
                        if -bs < entry[1] - x < bs and -bs < entry[2] - y < bs and entry[0] < sid_limit:
                            found.append(entry)
            if found:
                if len(found) > 1:
                    found.sort()
                out.extend(group[entry[0]] for entry in found)
        return out

    def _run_pair_effects(self) -> None:
        bs = self.block_size
        killed = self._killed
        groups = self._groups
        current = self._current
        near_sprites = self._near
        versions = self._versions
        no_contact = self._no_contact
        use_cache = self.use_contact_cache
        shields = self._shields
        token = self._token
        for pair in self.rules.pair_effects:
            first_types, second_types = pair.first_types, pair.second_types
            # A pair that found no overlap last time, with neither side changed since (same stamps,
            # shared by all copies), cannot overlap now.
            if pair.single_first and pair.single_second:
                signature: tuple[int, ...] = (versions[first_types[0]], versions[second_types[0]])
            else:
                signature = tuple([versions[t] for t in pair.all_types])
            if use_cache and no_contact[pair.index] == signature:
                continue
            contact = False
            for e in pair.effects_enabled:
                if shields and (pair.partner, e.spec.name) in shields.get(pair.actor, ()):
                    contact = True  # not looked at: assume some
                    continue
                if pair.single_first:
                    n_first = len(groups[first_types[0]])
                else:
                    n_first = 0
                    for t in first_types:
                        n_first += len(groups[t])
                if not n_first:
                    break
                if pair.single_second:
                    n_second = len(groups[second_types[0]])
                else:
                    n_second = 0
                    for t in second_types:
                        n_second += len(groups[t])
                if not n_second:
                    break
                sid_limit = self._next_sid  # GVGAI snapshots both lists when the effect starts
                if n_second < n_first and pair.disjoint and not e.spec.moves_others:
                    # Few partners: find the first sprites near them instead of scanning all of them.
                    # (Only s1 moves in these effects, so no other s1 can come into contact meanwhile.)
                    near: dict[int, Sprite] = {}
                    for t in second_types:
                        for s2 in groups[t].values():
                            for s1 in near_sprites(first_types, s2.x, s2.y, sid_limit):
                                near[s1.sid] = s1
                    if not near:
                        continue
                    if pair.single_first:
                        first = sorted(near.values(), key=_sid)
                    else:
                        rank = {t: i for i, t in enumerate(first_types)}
                        first = sorted(near.values(), key=lambda s: (rank[s.kind.itype], s.sid))
                elif pair.single_first:
                    first = list(groups[first_types[0]].values())
                else:
                    first = []
                    for t in first_types:
                        first.extend(groups[t].values())
                batch = e.spec.batch
                for s1 in first:
                    if s1.sid >= sid_limit:
                        continue
                    if s1.owner is not token:
                        s1 = current(s1)
                    sid1 = s1.sid
                    if sid1 in killed and not batch:
                        contact = True  # (a killed sprite's overlaps are not looked up: assume some)
                        continue
                    hits = near_sprites(second_types, s1.x, s1.y, sid_limit)
                    if not hits:
                        continue
                    contact = True
                    if batch:
                        hits = [current(s2) for s2 in hits if s2.sid != sid1]
                        if hits:
                            self._execute_batch(e, s1, hits)
                        continue
                    for s2 in hits:
                        if s2.sid == sid1:
                            continue
                        s1 = current(s1)
                        if s1.sid in killed:
                            break
                        s2 = current(s2)
                        if -bs < s1.x - s2.x < bs and -bs < s1.y - s2.y < bs:
                            self._execute(e, s1, s2)
            if not contact:
                no_contact[pair.index] = signature

    def _execute_batch(self, e: EffectRule, s1: Sprite, hits: list[Sprite]) -> None:
        n = e.spec.fn(self, s1, hits, e)
        if self._apply_score[e.index]:
            self.raw_score += e.score * n
        for s2 in hits:
            self._events.append((e.spec.name, s1.kind.name, s2.kind.name, s1.sid, s2.sid))

    def _clear_killed(self) -> None:
        if self._killed:
            groups = self._groups
            versions = self._versions
            for sid, s in self._killed.items():
                if sid in groups[s.kind.itype] and self._writable_group(s.kind.itype).pop(sid, None) is not None:
                    self._num_sprites -= 1
                    versions[s.kind.itype] = next(self._stamps)
                if sid == self._avatar_sid:
                    self._avatar_sid = None
            self._killed = {}
        if self._shields:
            self._shields = {}

    def _check_terminations(self) -> None:
        for t in self.rules.terminations:
            if t.done(self):
                self._ended = True
                if self._avatar_sid is not None:
                    self._winner = "WIN" if t.winner(self) else "LOSE"
                break
        if self.game_tick >= self.max_ticks:
            self._ended = True
            if self._winner != "WIN":
                self._winner = "LOSE"

    # ============================================================================================
    # Queries used by sprite classes, effects and terminations
    # ============================================================================================

    def group(self, itype: int) -> dict[int, Sprite]:
        """The sprites of exactly this type, by id, in creation order (read-only)."""
        return self._groups[itype] if itype >= 0 else {}

    def sub_sprites_twice(self, itype: int) -> list[Sprite]:
        """GVGAI's ``getSubSpritesGroup``: the type's own sprites, then all of its iSubTypes' (so twice)."""
        if itype < 0:
            return []
        out = list(self._groups[itype].values())
        for t in self.rules.kinds[itype].subtypes:
            out.extend(self._groups[t].values())
        return out

    def sprite_count(self) -> int:
        """Every sprite in the game (what GVGAI's MAX_SPRITES caps)."""
        return self._num_sprites

    def num_sprites(self, itype: int) -> int:
        """All sprites of the type and its iSubTypes, dead avatars and this tick's kills included."""
        if itype < 0:
            return 0
        groups = self._groups
        return sum(len(groups[t]) for t in self.rules.kinds[itype].subtypes)

    def live_count(self, itype: int) -> int:
        """``num_sprites`` minus disabled (dead) avatars: what terminations count."""
        if itype < 0:
            return 0
        groups = self._groups
        n = 0
        for t in self.rules.kinds[itype].subtypes:
            group = groups[t]
            if group:
                n += len(group)
                if self.rules.kinds[t].is_avatar:
                    n -= sum(1 for s in group.values() if s.disabled)
        return n

    def is_killed(self, s: Sprite) -> bool:
        return s.sid in self._killed

    def sprite_by_id(self, sid: int, itype: int) -> Sprite | None:
        return self._groups[itype].get(sid)

    def last_pos(self, s: Sprite) -> tuple[int, int]:
        """Where ``s`` was at the start of this tick (GVGAI's ``lastrect``)."""
        if s.lrt == self.game_tick:
            return s.lx, s.ly
        return s.x, s.y

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
        if len(self.runtime_warnings) < 100:
            self.runtime_warnings.append(f"tick {self.game_tick}: {message}")

    # ============================================================================================
    # Mutations (all go through own(): sprites are shared copy-on-write between game copies)
    # ============================================================================================

    def _writable_group(self, itype: int) -> dict[int, Sprite]:
        """The group of ``itype``, copied first if it is still shared with another game."""
        if itype in self._owned_groups:
            return self._groups[itype]
        group = self._groups[itype] = dict(self._groups[itype])
        self._owned_groups.add(itype)
        return group

    def own(self, s: Sprite) -> Sprite:
        """A version of ``s`` this game may write to (a private clone if it is shared)."""
        if s.owner is self._token:
            return s
        itype = s.kind.itype
        current = self._groups[itype].get(s.sid)
        if current is not None and current.owner is self._token:
            return current
        twin = (current or s).clone(self._token)
        if current is not None:
            self._writable_group(itype)[s.sid] = twin
        if s.sid in self._killed:
            self._killed[s.sid] = twin
        return twin

    def _save_last(self, s: Sprite) -> None:
        if s.lrt != self.game_tick:
            s.lx, s.ly, s.lrt = s.x, s.y, self.game_tick

    def move_to(self, s: Sprite, x: float, y: float) -> Sprite:
        x, y = int(x), int(y)
        s = self.own(s)
        self._save_last(s)
        if s.x != x or s.y != y:
            s.x, s.y = x, y
            self._versions[s.kind.itype] = next(self._stamps)
        return s

    def set_last_pos(self, s: Sprite, x: int, y: int) -> Sprite:
        s = self.own(s)
        s.lx, s.ly, s.lrt = int(x), int(y), self.game_tick
        return s

    def set_orientation(self, s: Sprite, ori: tuple[float, float]) -> Sprite:
        s = self.own(s)
        s.ori = ori
        self._details[s.kind.itype] = next(self._stamps)
        return s

    def update_orientation(self, s: Sprite, d: tuple[float, float]) -> bool:
        """GVGAI's ``_updateOrientation``: turn to ``d`` if oriented and not already facing it."""
        if not s.oriented or s.ori == d:
            return False
        self.own(s).ori = d
        self._details[s.kind.itype] = next(self._stamps)
        return True

    def set_speed(self, s: Sprite, speed: float) -> Sprite:
        s = self.own(s)
        s.speed = speed
        return s

    def set_health(self, s: Sprite, hp: int) -> Sprite:
        s = self.own(s)
        s.hp = hp
        if hp > s.max_hp:
            s.max_hp = hp
        self._details[s.kind.itype] = next(self._stamps)
        return s

    def set_lastmove(self, s: Sprite, value: int) -> Sprite:
        s = self.own(s)
        s.lm = self.game_tick - value
        return s

    def change_resource(self, s: Sprite, rid: int, delta: int, clamp: bool = True) -> Sprite:
        """Add ``delta`` of resource ``rid`` (GVGAI never lets it drop below 0, except ammo costs)."""
        s = self.own(s)
        res = dict(s.resources) if s.resources else {}
        value = res.get(rid, 0) + delta
        res[rid] = max(0, value) if clamp else value
        s.resources = res
        return s

    def kill(self, s: Sprite, transformed: bool = False) -> None:
        """Mark ``s`` for removal at the end of the tick; an avatar is only disabled unless transformed."""
        if s.kind.is_avatar and not transformed:
            self.own(s).disabled = True
            self._versions[s.kind.itype] = next(self._stamps)
        else:
            self._killed[s.sid] = s

    def add_shield(self, itype: int, other: int, effect_name: str) -> None:
        self._shields.setdefault(itype, set()).add((other, effect_name))

    def add_sprite(self, itype: int, x: float, y: float, force: bool = False) -> Sprite | None:
        """Create a sprite of type ``itype`` at pixel ``(x, y)``; None if a singleton or limit refuses."""
        if itype < 0:
            return None
        kind = self.rules.kinds[itype]
        if kind.abstract:
            self.warn(f"cannot create a sprite of the parent type '{kind.name}' (it has no class)")
            return None
        if self._num_sprites > MAX_SPRITES:
            self.warn("sprite limit reached")
            return None
        if not force:
            kinds = self.rules.kinds
            for t in kind.ancestry:
                if kinds[t].singleton and self.num_sprites(t) > 0:
                    return None
        gt = self.game_tick
        s = Sprite.__new__(Sprite)
        s.sid = self._next_sid
        self._next_sid += 1
        s.kind = kind
        s.x = s.lx = int(x)
        s.y = s.ly = int(y)
        s.lrt = gt
        s.ori = kind.orientation
        s.oriented = kind.is_oriented
        s.speed = kind.speed
        # lastmove reaches 1 at the sprite's first pre-movement: this tick if its type updates later.
        s.lm = gt - 1 if kind.update_rank > self._cursor else gt
        s.first_tick = True
        s.resources = None
        s.hp = kind.hp
        s.max_hp = kind.max_hp
        s.ttl = kind.ttl
        s.age = s.counter = 0
        s.start = -1
        s.prev = None
        s.memory = None
        s.spawn_itype = -1
        s.disabled = False
        s.from_avatar = False
        s.owner = self._token
        kind.behaviour.init_sprite(s)  # type: ignore[union-attr]
        self._writable_group(itype)[s.sid] = s
        self._num_sprites += 1
        self._versions[itype] = next(self._stamps)
        return s

    def transform(self, new: Sprite | None, s1: Sprite, s2: Sprite | None, kill_second: bool,
                  force_orientation: bool, singleton_rules: bool = False) -> Sprite | None:
        """GVGAI's ``TransformTo.transformTo``: ``new`` takes over from ``s1`` (which dies)."""
        if new is None:
            return None
        new = self.own(new)
        if singleton_rules:
            if new.oriented and s1.oriented:
                new.ori = s1.ori
        elif force_orientation or (new.oriented and s1.oriented and new.ori == NONE):
            new.ori = s1.ori
        self._details[new.kind.itype] = next(self._stamps)
        new.lx, new.ly = self.last_pos(s1)
        new.lrt = self.game_tick
        if s1.resources:
            for rid in sorted(s1.resources):
                self.change_resource(new, rid, s1.resources[rid])
        transformed = True
        if s1.kind.is_avatar:
            if new.kind.is_avatar:
                if s1.sid == self._avatar_sid:
                    self._avatar_sid, self._avatar_itype = new.sid, new.kind.itype
            else:
                transformed = False
        if not singleton_rules:
            new.hp = s1.hp
        self.kill(s1, transformed)
        if kill_second and s2 is not None:
            self.kill(s2, transformed=True)
        return new

    def undo_all(self, skip: set[int]) -> None:
        """Every sprite of the update-order types (except ``skip``) returns to its start-of-tick place."""
        gt = self.game_tick
        for itype in self.rules.sprite_order:
            if itype in skip:
                continue
            for s in list(self._groups[itype].values()):
                if s.lrt == gt and (s.x != s.lx or s.y != s.ly):
                    s = self.own(s)
                    s.x, s.y = s.lx, s.ly
                    self._versions[itype] = next(self._stamps)

    # ---------------------------------------------------------------------------------------------
    # Physics (GVGAI's GridPhysics)
    # ---------------------------------------------------------------------------------------------

    def update_pos(self, s: Sprite, d: tuple[float, float], px: int) -> bool:
        """GVGAI's ``_updatePos``: move ``px`` pixels along ``d`` if the cooldown allows."""
        if px == 0:
            px = int(s.speed)
            if px == 0:
                return False
        if (d[0] or d[1]) and s.kind.cooldown <= self.game_tick - s.lm:
            s = self.own(s)
            if s.lrt != self.game_tick:
                s.lx, s.ly, s.lrt = s.x, s.y, self.game_tick
            s.x += int(d[0] * px)
            s.y += int(d[1] * px)
            s.lm = self.game_tick
            self._versions[s.kind.itype] = next(self._stamps)
            return True
        return False

    def passive_movement(self, s: Sprite) -> int:
        """Drift along the sprite's orientation (not on its first tick, never when static)."""
        kind = s.kind
        if kind.is_static or kind.only_active:
            return STILL
        if s.first_tick:
            self.own(s).first_tick = False
            return STILL
        speed = 1 if s.speed == -1 else s.speed
        if speed != 0 and s.oriented and self.update_pos(s, s.ori, int(speed * self.block_size)):
            return MOVE
        return STILL

    def active_movement(self, s: Sprite, d: tuple[float, float], speed: float) -> int:
        """A chosen step (avatar or NPC): turn first if it rotates in place, else move if allowed."""
        if s.kind.stationary:
            return STILL
        if speed == 0:
            speed = 1 if s.speed <= 0 else s.speed
        if d is not None and (d[0] or d[1]):
            if s.kind.rotate_in_place and self.update_orientation(s, d):
                return ROTATE
            if self.update_pos(s, d, int(speed * self.block_size)):
                return MOVE
        return STILL
