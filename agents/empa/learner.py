"""Theory induction from observed transitions.

Why: the agent learns each game from scratch, from state differences between steps (who
vanished, who was blocked, pushed or replaced, what the score and inventory did), or, with the
prior ``event_log`` on, from the engine's list of effects that fired. Movement models are fitted
per type (or per object with ``color_is_type`` off) from displacements away from contacts.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from agents.empa.outcomes import displaces, kind, removes
from agents.empa.perception import MOVES, Frame
from agents.empa.priors import Behaviour
from agents.empa.spawns import SpawnTracker
from agents.empa.theory import Inventory, Movement, Theory


def _dist(a: tuple[float, float], b: tuple[float, float]) -> float:
    return abs(a[0] - b[0]) + abs(a[1] - b[1])


@lru_cache(maxsize=4096)
def _beyond_chance(hits: int, trials: int, alpha: float) -> bool:
    """Whether ``hits`` of ``trials`` is more than a fair coin gives, at significance ``alpha`` (one-sided
    binomial tail; exact up to 64 trials, the normal approximation with continuity correction beyond)."""
    if trials == 0 or 2 * hits <= trials:
        return False
    if trials <= 64:
        return sum(math.comb(trials, i) for i in range(hits, trials + 1)) / 2 ** trials < alpha
    z = (hits - 0.5 - trials / 2) / math.sqrt(trials / 4)
    return 0.5 * math.erfc(z / math.sqrt(2)) < alpha


def _wrapped(before: float, after: float, extent: int) -> bool:
    """A jump from one edge of the level to the other in one step (a wrap-around, not a move)."""
    low, high = min(before, after), max(before, after)
    return high - low >= max(2, extent - 2) and low <= 1 and high >= extent - 2


def _sign(v: float) -> int:
    return (v > 0) - (v < 0)


def _exit_type(prev: Frame, nxt: Frame, origin: tuple[int, int], arrival: tuple[int, int], mover: int) -> int | None:
    """Where a teleport led: the rarest type at the arrival cell that was not also under the mover before
    (on pixels the mover covers it on arrival: then what stood there the frame before)."""
    arrived = nxt.types_at(arrival) - prev.types_at(origin) - {mover}
    if not arrived:
        arrived = prev.types_at(arrival) - prev.types_at(origin) - {mover}
    if not arrived:
        return None
    counts = nxt.counts()
    return min(arrived, key=lambda t: (counts[t], t))


def _new_type_near(prev: Frame, nxt: Frame, cell: tuple[int, int], old: int) -> int | None:
    """What a sprite at ``cell`` became: a type whose count grew, found on or beside that cell."""
    before, after = prev.counts(), nxt.counts()
    grew = {t for t, n in after.items() if n > before.get(t, 0)} - {old}
    near = set().union(*(nxt.types_at((cell[0] + dx, cell[1] + dy))
                         for dx, dy in ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1))))
    found = (grew & nxt.types_at(cell)) or (grew & near) or (nxt.types_at(cell) - prev.types_at(cell) - {old})
    return min(found) if found else None


def _spent(prev: Frame, nxt: Frame) -> tuple[int, int] | None:
    """What the avatar lost in one tick: (resource, amount) when exactly one of its resources fell."""
    fell = [(r, n - nxt.inventory.get(r, 0)) for r, n in prev.inventory.items() if nxt.inventory.get(r, 0) < n]
    return fell[0] if len(fell) == 1 else None


def _ground_kinds(frame: Frame) -> set[int]:
    """Kinds covering a quarter of the level or more (counting one more, hidden under the avatar): floors."""
    width, height = frame.size()
    return {t for t, n in frame.counts().items() if (n + 1) * 4 >= width * height}


def _speed(speeds: Counter[float]) -> float:
    """Cells per move: the commonest step length (a jump or a teleport is a rare, longer one)."""
    if not speeds:
        return 1.0
    n = max(speeds.values())
    return min(v for v, k in speeds.items() if k == n)


#: avatar_known off: the class an avatar that is seen to go on by itself takes, and back
_ONGOING = {"MovingAvatar": "OngoingAvatar", "ShootAvatar": "OngoingShootAvatar"}
_ONGOING_FLIP = {**_ONGOING, **{v: k for k, v in _ONGOING.items()}}


@dataclass
class MoveStats:
    seen: int = 0
    moves: int = 0
    straight: int = 0  # moves continuing the object's previous direction (or reversing it)
    pairs: int = 0
    toward: int = 0
    away: int = 0
    route_toward: int = 0  # moves that shortened the walkable route to the avatar (movement_library off)
    directions: Counter[tuple[int, int]] = field(default_factory=Counter)
    gaps: Counter[int] = field(default_factory=Counter)  # ticks between consecutive moves of one object
    starts: int = 0  # moves right after being seen still with nothing near (a mover's own start)
    speeds: Counter[float] = field(default_factory=Counter)  # cells covered per move


class Learner:
    """Updates a :class:`Theory` from one transition at a time."""

    def __init__(self, theory: Theory, behaviour: Behaviour, constants: dict[str, Any],
                 remember_pickups: bool = False) -> None:
        self.theory = theory
        self.b = behaviour
        self.c = constants
        self.stats: dict[Any, MoveStats] = defaultdict(MoveStats)
        self.last_dir: dict[int, tuple[int, int]] = {}
        self.last_move: dict[int, int] = {}  # object -> step of its last observed move
        self.steps = 0
        self.present: set[int] = set()  # types present at some point this episode
        self.initial: set[int] = set()
        self.moved: set[int] = set()  # objects whose cell changed in the last step (sliding ones among them)
        self.still: dict[int, bool] = {}  # object -> seen still, untouched, last step
        #: object -> the way its cell last changed, whatever moved it (where a vanished mover was heading)
        self.went: dict[int, tuple[int, int]] = {}
        self.crossed: dict[int, set[int]] = defaultdict(set)  # type -> types it moved onto unharmed
        self.spawns = SpawnTracker(theory)
        self.edge_seen: dict[int, Counter[str]] = {}  # type -> what was seen happen at the screen's edge
        #: contacts whose object the avatar covered (pixels): id -> (its type, the avatar's type, inventory,
        #: reward of that step); judged when the cell shows again, or by a win
        self.covered: dict[int, tuple[int, int, Inventory, float]] = {}
        self.reward = 0.0
        self.changed = False
        self.unexplained: set[int] = set()  # last step: objects where the avatar died of no known cause
        #: pixels without status bars show no inventory: what the avatar took this attempt (an object gone
        #: from under it) is what it holds, by memory; the agent reads it into each frame's inventory
        self.remember_pickups = remember_pickups
        self.took: Counter[int] = Counter()
        self.stood: Counter[int] = Counter()  # this attempt: kind -> ticks the avatar stood on one
        self.stood_on: set[int] = set()  # kinds the avatar covered before the step being learned from
        self.counted: set[int] = set()  # covered objects already counted as taken (known pick-ups)
        #: remembering pick-ups: something went while the avatar was not yet found this attempt (it may have
        #: been taken, uncounted), or went from under a mover then (hidden: ``unjudged``)
        self.missed = False
        self.unjudged: set[int] = set()
        #: avatar_known off: steps with no direction pressed right after the avatar moved, as (it went on
        #: the same way, it stopped); and the way it moved last step (None: it did not move one cell)
        self.goes_on = [0, 0]
        self._avatar_went: tuple[int, int] | None = None
        #: movement per object: the way each object went first, by (level, type, start cell), so the next
        #: attempt (the same layout) knows which way a train goes before it has moved
        self.start_heading: dict[tuple[Any, int, int, int], tuple[int, int]] = {}
        self._starts: dict[int, tuple[Any, int, int, int]] = {}  # this attempt: unmoved object -> its key

    # -------------------------------------------------------------------------------------------
    def start_episode(self, frame: Frame, level: Any = None) -> None:
        self._avatar_went = None
        self._starts = {oid: (level, t, x, y) for oid, (t, x, y) in frame.objects.items()} \
            if self.b.movement_per_object else {}
        self.took.clear()
        self.stood.clear()
        self.counted.clear()
        self.missed = False
        self.unjudged = set()
        if self.remember_pickups:
            frame.inventory = {}
        self.spawns.start_episode()
        self.last_dir.clear()
        self.went.clear()
        self.last_move.clear()
        self.still.clear()
        self.moved = set()
        self.covered.clear()
        self.present = set(frame.counts())
        self.initial = set(self.present)  # types in the level's first frame (not spawned ones)
        self.theory.seen_types |= self.present
        self._overlaps(frame)

    def _overlaps(self, frame: Frame, ids: Any = None) -> None:
        """Types sharing a cell evidently let each other stand there (floors, carpets, a crate on ice)."""
        th = self.theory
        cells = frame.cells if ids is None else {
            (frame.objects[o][1], frame.objects[o][2]) for o in ids if o in frame.objects}
        inv = frame.inventory_key()
        for cell in cells:
            stack = [o for o in frame.cells.get(cell, ()) if o not in frame.hidden]  # covered: maybe gone
            if len(stack) < 2:
                continue
            for oid in stack:
                a = frame.objects[oid][0]
                for other in stack:
                    b = frame.objects[other][0]
                    if a != b and (a, b) not in th.rules:
                        self._record(a, b, "nothing", inv, None, oid, other)

    def update(self, prev: Frame, action: str, nxt: Frame, reward: float, terminated: bool,
               winner: str | None, events: list[dict[str, Any]] | None) -> bool:
        """Learn from one step; True when the theory changed (the agent then re-plans)."""
        self.changed = False
        self.reward = reward
        self.unexplained = set()
        th = self.theory
        self.stood_on = {t for oid, (t, *_) in self.covered.items() if oid in prev.hidden}  # (before judged)
        self._uncovered(prev, nxt)
        if self.remember_pickups:
            self._missed(prev, nxt)
        new_types = set(nxt.counts()) - th.seen_types
        if new_types:
            th.seen_types |= new_types
            self.changed = True
        self.present |= set(nxt.counts())
        touched = self._movement(prev, nxt)
        if not self.b.told_avatar:
            self._goes_on(prev, action, nxt)
        if self.b.effect_names and events is not None:
            fired = self._from_events(prev, nxt, events)
            self._silent_contacts(prev, action, nxt, events)
        else:
            partners = self._event_partners(events) if self.b.read_events and events is not None else None
            fired = self._from_state(prev, action, nxt, partners)
        fired |= self._passive_contacts(prev, action, nxt, touched)
        if self.remember_pickups:
            self._stand(nxt)
        self._projectile(prev, action, nxt)
        if self.spawns.update(prev, nxt):
            self.changed = True
        self._endings(fired, terminated and winner == "LOSE" and nxt.avatar_cell() is not None)
        moved = [o for o, (_, x, y) in nxt.objects.items() if prev.objects.get(o, (0, -1, -1))[1:] != (x, y)]
        self._overlaps(nxt, moved)
        self.moved = set(moved)
        if reward and fired:
            mine = {th.avatar_type, th.projectile}
            involved = sorted(p for p in fired if p[0] in mine or p[1] in mine) or sorted(fired)
            if len(involved) == 1:
                rule = th.rules.get(involved[0])
                if rule is not None and rule.score != reward:
                    rule.score = reward
                    self.changed = True
        self._objective(nxt, terminated, winner)
        if terminated and winner == "WIN":
            self._covered_at_a_win(nxt)
        if self.changed:
            th.version += 1
        return self.changed

    def blame(self, prev: Frame, kinds: set[int]) -> None:
        """The avatar's death in ``prev``'s step was these kinds' doing (look-alikes split off a safe type)."""
        av = prev.avatar
        if av is None or av not in prev.objects or not kinds:
            return
        at, inv = prev.objects[av][0], prev.inventory_key()
        self.theory.seen_types |= kinds
        self.theory.singular |= kinds
        for k in sorted(kinds):
            self._record(at, k, "kill", inv, None, av)
        self.theory.version += 1

    # -------------------------------------------------------------------------------------------
    def _record(self, a: int, b: int, outcome: str, inv: Inventory, arg: Any, obj: int,
                partner: int | None = None) -> None:
        if self.remember_pickups and self.missed and a == self.theory.avatar_type:
            return  # what the avatar holds is unknown this attempt, so its contacts are no evidence
        rule = self.theory.rule(a, b)
        if partner is not None:
            rule.partners.add(partner)
        before = rule.outcome(inv, self.b.deterministic)[:2] if rule.seen else None
        known_before = len(rule.objects)
        rule.add(outcome, inv, arg, obj)
        after = rule.outcome(inv, self.b.deterministic)[:2]
        if before != after or (known_before < 2 <= len(rule.objects)):
            self.changed = True

    @staticmethod
    def _event_partners(events: list[dict[str, Any]]) -> dict[int, set[int]]:
        out: dict[int, set[int]] = defaultdict(set)
        for e in events:
            out[e["channel1"]].add(e["channel2"])
        return out

    def _from_events(self, prev: Frame, nxt: Frame, events: list[dict[str, Any]]) -> set[tuple[int, int]]:
        """Prior ``event_log`` (+ ``interaction_library``): rules are the effects the engine reports.

        The effects one sprite got from one partner in a tick form one outcome (``stepBack+reverseDirection``);
        a removing effect whose sprite survived (a condition that did not hold) counts as ``nothing``.
        """
        fired: set[tuple[int, int]] = set()
        # What the avatar holds when an effect runs: the engine checks a condition mid-tick, after the
        # pick-ups logged before it (a third curse kills as it is picked up, not when two are held).
        held = dict(prev.inventory)
        inventories: dict[tuple[int, int, int], Inventory] = {}
        grouped: dict[tuple[int, int, int], list[str]] = {}
        args: dict[tuple[int, int, int], Any] = {}
        for e in events:
            a, b, effect = e["channel1"], e["channel2"], e["effect"]
            if a < 0 or b < 0:
                continue
            key = (a, b, e["id1"])
            inventories.setdefault(key, tuple(sorted((r, n) for r, n in held.items() if n > 0)))
            if effect == "collectResource" and b == self.theory.avatar_type and e["id1"] not in nxt.objects:
                held[a] = held.get(a, 0) + 1
            if removes(effect) and e["id1"] in nxt.objects and effect != "collectResource":
                grouped.setdefault(key, [])
                continue
            if kind(effect).arg == "threshold" and a == self.theory.avatar_type:
                args[key] = self._threshold(inventories[key], self.theory.rules.get((a, b)), effect)
            if effect.startswith("transformTo"):
                pos = prev.objects.get(e["id1"])
                if pos is not None:
                    args[key] = _new_type_near(prev, nxt, (pos[1], pos[2]), a)
            if effect == "teleportToExit":  # its argument: the exit type, where the sprite arrived
                pos, old = nxt.objects.get(e["id1"]), prev.objects.get(e["id1"])
                if pos is not None and old is not None:
                    args[key] = _exit_type(prev, nxt, (old[1], old[2]), (pos[1], pos[2]), a)
            if effect == "killAll":  # its argument: the type that vanished everywhere at once
                gone = set(prev.counts()) - set(nxt.counts()) - {a, b}
                args[key] = min(gone) if len(gone) == 1 else None
            if kind(effect).arg == "spend" and b == self.theory.avatar_type:
                args[key] = _spent(prev, nxt)
            if effect == "changeResource":
                delta = {r: nxt.inventory.get(r, 0) - prev.inventory.get(r, 0)
                         for r in set(prev.inventory) | set(nxt.inventory)}
                changed = sorted((r, n) for r, n in delta.items() if n)
                args[key] = changed[0] if len(changed) == 1 else None
            if kind(effect).arg == "health":
                args[key] = self._health_taken(prev, nxt, e["id1"], self.theory.rules.get((a, b)))
            if effect == "collectResource":
                self._collected(a, b, e["id1"] in nxt.objects, prev.inventory.get(a, 0))
            if effect == "spawnIfHasMore":  # its argument: what appeared, and what it cost
                args[key] = self._spawned(prev, nxt, e["id1"], self.theory.rules.get((a, b)))
                if args[key] is None:  # its condition did not hold: no evidence of what it does (but the
                    self.theory.rule(a, b)  # pair is not a plain overlap either: see _overlaps)
                    continue
            if effect not in grouped.setdefault(key, []):
                grouped[key].append(effect)
        for (a, b, oid), effects in grouped.items():
            self._record(a, b, "+".join(effects) or "nothing", inventories[(a, b, oid)], args.get((a, b, oid)), oid)
            if effects:
                fired.add((a, b))
        return fired

    @staticmethod
    def _health_taken(prev: Frame, nxt: Frame, oid: int, rule: Any) -> int | None:
        """The argument of a contact that takes health: what the sprite lost (None: health not observed).
        A sprite it killed lost at least what it had left, and as much as the contact took before."""
        if oid not in prev.health:
            return None
        if oid in nxt.health:
            lost = prev.health[oid] - nxt.health[oid]
            return lost if lost > 0 else None
        before = [o.arg for o in rule.seen if isinstance(o.arg, int)] if rule is not None else []
        return max([prev.health[oid], *before]) or None

    def _collected(self, resource: int, taker: int, stayed: bool, held: int) -> None:
        """A pick-up: the type is a resource; one left in place while the avatar holds some (``held``) shows
        the limit."""
        th = self.theory
        if resource not in th.resources:
            th.resources.add(resource)
            self.changed = True
        if stayed and taker == th.avatar_type and held > 0 and th.resource_limits.get(resource) != held:
            th.resource_limits[resource] = held
            self.changed = True

    @staticmethod
    def _threshold(inventory: Inventory, rule: Any, effect: str) -> tuple[int, int] | None:
        """A resource condition's argument: the one resource the avatar held when it fired, and the
        least amount of it ever held when it did (None: it held none, or several kinds)."""
        if len(inventory) != 1:  # (an Inventory holds only amounts above 0)
            return None
        res, n = inventory[0]
        if rule is not None:
            n = min([n] + [o.arg[1] for o in rule.seen if o.outcome == effect and isinstance(o.arg, tuple)
                           and o.arg[0] == res])
        return res, n

    @staticmethod
    def _spawned(prev: Frame, nxt: Frame, oid: int, rule: Any) -> tuple[int, int | None, int, int] | None:
        """What a conditional spawn made on its sprite's cell (before or after its move) and what it
        spent: (type, resource, held, spent), held being the least amount ever seen to work; None when
        nothing appeared."""
        cells = {(p[1], p[2]) for p in (prev.objects.get(oid), nxt.objects.get(oid)) if p is not None}
        made = {t for o, (t, x, y) in nxt.objects.items() if o not in prev.objects and (x, y) in cells}
        if not made:
            return None
        spent = sorted((r, n - nxt.inventory.get(r, 0)) for r, n in prev.inventory.items()
                       if nxt.inventory.get(r, 0) < n)
        res, spend = spent[0] if len(spent) == 1 else (None, 0)
        held = prev.inventory.get(res, 0) if res is not None else 0
        if rule is not None:  # the least amount it has worked with
            held = min([held] + [o.arg[2] for o in rule.seen if isinstance(o.arg, tuple) and len(o.arg) == 4
                                 and o.arg[1] == res])
        return min(made), res, held, spend

    def _silent_contacts(self, prev: Frame, action: str, nxt: Frame, events: list[dict[str, Any]]) -> None:
        """With the event log: a type the avatar ran into with no effect on the avatar does nothing to it
        (a key it picked up included)."""
        th = self.theory
        cell, d = prev.avatar_cell(), MOVES.get(action)
        if cell is None or d is None or th.avatar_type is None:
            return
        target = (cell[0] + d[0], cell[1] + d[1])
        if nxt.avatar_cell() != target:
            return  # it did not get there (an oriented avatar may only have turned): no evidence
        hit = {e["channel2"] for e in events if e["channel1"] == th.avatar_type}
        met = {e["id1"] for e in events if e["channel2"] == th.avatar_type}  # the avatar did something to it
        for oid in prev.cells.get(target, ()):
            t = prev.objects[oid][0]
            if (oid not in nxt.objects or nxt.objects[oid][1:] != target) and oid not in met:
                continue  # it left the cell as the avatar came (they passed each other): never met
            if t not in hit and t != th.avatar_type:
                self._record(th.avatar_type, t, "nothing", prev.inventory_key(), None, oid)

    def _from_state(self, prev: Frame, action: str, nxt: Frame,
                    partners: dict[int, set[int]] | None) -> set[tuple[int, int]]:
        """Outcomes of the avatar's move read from the state difference (no effect names)."""
        th = self.theory
        fired: set[tuple[int, int]] = set()
        av = prev.avatar
        if av is None or th.avatar_type is None or av not in prev.objects:
            return fired
        inv = prev.inventory_key()
        at = prev.objects[av][0]  # the form it had (the told type may already be its next form)
        pa = prev.avatar_cell()
        assert pa is not None
        d = MOVES.get(action)
        target = (pa[0] + d[0], pa[1] + d[1]) if d else None
        na = nxt.objects.get(av)
        # what stands in the target cell; a hidden thing under it (a floor under a crate) is not what
        # blocks or is pushed, and is judged when shown
        contact_ids = {o for o in prev.cells.get(target, ()) if o not in prev.hidden} if target else set()

        def narrow(types: set[int]) -> set[int]:
            if partners is not None and partners.get(at):
                types = (types & partners[at]) or types
            return types

        became = nxt.objects[nxt.avatar][0] if nxt.avatar is not None and nxt.avatar in nxt.objects else None
        if na is None and became is not None and became != at and (target is None or nxt.avatar_cell() in (pa, target)):
            # the avatar changed form where it stood or stepped (a rider on a turtle): what it touched did it
            touched = (prev.types_at(target) if target else set()) - {at}
            for t in {t for t in touched if not self._passable(at, t)} or touched:
                self._record(at, t, "transform", inv, became, av)
                fired.add((at, t))
            return fired
        if na is None:  # the avatar is gone: something it touched killed it
            cells = [pa] + ([target] if target else [])
            cands = set()
            for c in cells:
                cands |= prev.types_at(c, exclude=av) | nxt.types_at(c)
            cands = narrow(cands - {at})
            # Blame what the avatar has not safely stood on; if nothing is left, leave it unexplained
            # (and say which objects were there: one may be a look-alike of a safe type). What came into
            # those cells this step is blamed alone (a train running onto the rail the avatar stands on,
            # not the rail as well, which stays deadly in the record ever after)
            blamed = {t for t in cands if not self._passable(at, t)}
            if self.b.split_lookalikes:
                blamed -= self._odd_lookalikes(prev, nxt, cells, at, av)
            came = {nxt.objects[o][0] for c in cells for o in nxt.cells.get(c, ())
                    if o != av and (o not in prev.objects or prev.objects[o][1:] != nxt.objects[o][1:])}
            blamed = (blamed & came) or blamed
            for t in blamed:
                self._record(at, t, "kill", inv, None, av)
                fired.add((at, t))
            if not blamed:
                spent = self._hidden_drain(prev, nxt, cells[-1], at, av)
                if spent is not None:
                    fired.add((at, spent))
                    return fired
                blamed = self._overloaded(prev, nxt, cells[-1], at, av)
                for t in blamed:
                    self._record(at, t, "kill", inv, None, av)
                    fired.add((at, t))
                if not blamed:
                    self.unexplained = {o for c in cells for f in (prev, nxt) for o in f.cells.get(c, ()) if o != av}
            return fired
        new_cell = (na[1], na[2])
        turned = prev.avatar_orientation != nxt.avatar_orientation
        if target is not None and contact_ids and not turned:
            if new_cell == pa:  # did not move: blocked by what stands there (unless that was pushed on)
                for oid in contact_ids:
                    t = prev.objects[oid][0]
                    beyond = (target[0] + d[0], target[1] + d[1])
                    rule = th.rules.get((t, at))
                    if rule is not None and rule.seen and displaces(rule.outcome(inv, True)[0]):
                        for bt in prev.types_at(beyond):
                            self._record(t, bt, "undo", inv, None, oid)
                            fired.add((t, bt))
                    elif oid not in nxt.objects:  # it went as the avatar stepped back: a door opening
                        self._record(t, at, "kill", inv, _spent(prev, nxt) or self._price(at, t, prev, nxt), oid)
                        fired.add((t, at))
                    elif not self._passable(at, t):
                        self._record(at, t, "block", inv, None, av, oid)
                        fired.add((at, t))
            elif new_cell == target:
                self._record_contacts(prev, nxt, contact_ids, at, av, target, d, inv, fired)
            elif _dist(new_cell, pa) > 1:
                exit_type = _exit_type(prev, nxt, pa, new_cell, at)
                for oid in contact_ids:
                    self._record(at, prev.objects[oid][0], "teleport", inv, exit_type, av, oid)
                    fired.add((at, prev.objects[oid][0]))
        return fired

    def _hidden_drain(self, prev: Frame, nxt: Frame, cell: tuple[int, int], at: int, av: int) -> int | None:
        """Remembering pick-ups (what is spent is not seen): the avatar died on a kind (at ``cell``, where it
        went) it also stood on the tick before, safely, and only ever while holding one resource, for at
        least as many ticks this attempt as it held of it (fuel burnt on lava, a tick at a time; not a floor,
        a quarter of the level or more): each tick there spent one, and with none left it kills. Its safe
        contacts become drains, this death a kill holding none; returns that kind (None: no single such)."""
        held = [(r, n) for r, n in prev.inventory.items() if n > 0]
        if not self.remember_pickups or len(held) != 1:
            return None
        res, n = held[0]
        th = self.theory
        found = []
        ground = _ground_kinds(prev)
        here = prev.types_at(cell, exclude=av) | nxt.types_at(cell)
        for x in (here & self.stood_on) - {at}:
            if x in ground:
                continue  # a ground kind (a floor) is not what burns
            rule = th.rules.get((at, x))
            safe = [o for o in rule.seen if o.outcome == "nothing"] if rule is not None else []
            if safe and all(dict(o.inventory).get(res, 0) > 0 for o in safe) and self.stood[x] >= n:
                found.append(x)
        if len(found) != 1:
            return None
        x = found[0]
        rule = th.rules[(at, x)]
        seen, rule.seen = rule.seen, []
        for o in seen:  # (what was held then is not known: one is the least a tick there needs)
            if o.outcome == "nothing":
                o.outcome, o.arg, o.inventory = "drain", (res, -1), tuple(sorted({**dict(o.inventory), res: 1}.items()))
            key = (o.outcome, o.inventory, o.arg)
            same = next((m for m in rule.seen if (m.outcome, m.inventory, m.arg) == key), None)
            if same is not None:
                same.count += o.count
            else:
                rule.seen.append(o)
        self._record(at, x, "kill", tuple(p for p in prev.inventory_key() if p[0] != res), None, av)
        self.changed = True
        return x

    def _overloaded(self, prev: Frame, nxt: Frame, cell: tuple[int, int], at: int, av: int) -> set[int]:
        """Remembering pick-ups: the kinds in ``cell`` (where the avatar died) it met safely before, but
        only ever holding less of a resource than now (water that bears one key and sinks under two).
        Their death is that load's: recorded with the inventory, the rule learns the threshold.

        Not a kind taken on the fatal step (what is taken counts toward what the engine checks, and an
        unseen reset may lie between: a fountain that lifts curses), nor a ground kind (a quarter of the
        level or more: a floor)."""
        held = {r: n for r, n in prev.inventory.items() if n > 0}
        if not self.remember_pickups or not held:
            return set()
        th = self.theory
        ground = _ground_kinds(prev)
        stayed = nxt.types_at(cell)
        out = set()
        for x in (prev.types_at(cell, exclude=av) & stayed) - {at}:
            if x in th.resources or x in ground:
                continue
            rule = th.rules.get((at, x))
            safe = [dict(o.inventory) for o in rule.seen if o.outcome == "nothing"] if rule is not None else []
            if safe and any(all(h.get(r, 0) < n for h in safe) for r, n in held.items()):
                out.add(x)
        return out

    def _stand(self, nxt: Frame) -> None:
        """Remembering pick-ups: count the ticks the avatar stands on each kind (under it: covered), and
        spend what a kind it stands on is believed to drain each tick."""
        at = nxt.objects[nxt.avatar][0] if nxt.avatar in nxt.objects else None
        if at is None:
            return
        for x in {t for oid, (t, *_) in self.covered.items() if oid in nxt.hidden}:
            self.stood[x] += 1
            spends = self._drain_of(at, x, nxt.inventory_key())
            if spends is not None and nxt.inventory.get(spends[0], 0) > 0:
                self._take(spends[0], (nxt,), spends[1])

    def _drain_of(self, at: int, x: int, inv: Inventory) -> tuple[int, int] | None:
        """What standing on ``x`` is believed to spend each tick, holding ``inv``: (resource, change), or None."""
        rule = self.theory.rules.get((at, x))
        if rule is None or not rule.seen:
            return None
        outcome, arg, _ = rule.outcome(inv, self.b.deterministic)
        return arg if outcome == "drain" and isinstance(arg, tuple) else None

    def _goes_on(self, prev: Frame, action: str, nxt: Frame) -> None:
        """Does the avatar keep going by itself (an OngoingAvatar)? Learned from the steps right after it
        moved with no direction pressed: it moved on the same way (at least ``goes_on_steps`` times, and
        ``goes_on_share`` of them) or stopped. Plans that wait while it rolls on into a train die."""
        th = self.theory
        pa, na = prev.avatar_cell(), nxt.avatar_cell()
        same = pa is not None and na is not None and prev.avatar == nxt.avatar
        went = (na[0] - pa[0], na[1] - pa[1]) if same else None  # type: ignore[index]
        went = went if went in MOVES.values() else None
        if same and action not in MOVES and self._avatar_went is not None:
            self.goes_on[0 if went == self._avatar_went else 1] += 1
            on, off = self.goes_on
            ongoing = on >= int(self.c["goes_on_steps"]) and on >= self.c["goes_on_share"] * (on + off)
            cls = th.avatar_class
            if cls in _ONGOING_FLIP and (cls in _ONGOING) == ongoing and th.avatar_type is not None:
                th.avatar_class = th.avatar_classes[th.avatar_type] = _ONGOING_FLIP[cls]
                self.changed = True
        self._avatar_went = went

    def _odd_lookalikes(self, prev: Frame, nxt: Frame, cells: list[tuple[int, int]], at: int, av: int) -> set[int]:
        """Kinds not to blame for a death where an object of theirs stayed: the avatar takes that kind and has
        met it unharmed, so this one behaved unlike its look-alikes (a mimic among coins). Left unexplained,
        the death splits that object off as a kind of its own (``agents/empa/lookalikes.py``); blamed, the
        kind's record mixes takes and kills, every coin seems as deadly as the mimic, and no split is made
        again. (A thing taken as the avatar died, a third curse, is still blamed: its count may kill.)"""
        stayed = {nxt.objects[o][0] for c in cells for o in nxt.cells.get(c, ()) if o != av and o in prev.objects}
        return {t for t in stayed
                if at in self.theory.killers_of(t) and any(o.outcome == "nothing" for o in self._seen(at, t))}

    def _seen(self, a: int, b: int) -> list:
        """What ``a`` was seen to get from ``b`` (none: never met)."""
        r = self.theory.rules.get((a, b))
        return r.seen if r is not None else []

    def _passable(self, a: int, b: int) -> bool:
        """Has ``a`` been seen sharing a cell with ``b`` unharmed (a floor, not a wall)? Not if ``a`` moved it
        on (a box pushed: they never shared a cell; a mover that only seemed pushed, met again, may kill)."""
        seen = self._seen(a, b)
        return any(o.outcome == "nothing" for o in seen) and \
            not any(o.outcome in ("kill", "block") for o in seen) and \
            not any(displaces(o.outcome) for o in self._seen(b, a))

    def _record_contacts(self, prev: Frame, nxt: Frame, contact_ids: set[int], at: int, av: int,
                         target: tuple[int, int], d: tuple[int, int], inv: Inventory,
                         fired: set[tuple[int, int]]) -> None:
        """The avatar entered ``target``: what happened to each object standing there.

        What the avatar lost of one resource as it entered (fuel burnt on lava) is a ``drain`` by what it
        met there that it has not safely stood on before (a floor under the lava is not blamed)."""
        fell = [(r, nxt.inventory.get(r, 0) - n) for r, n in prev.inventory.items() if nxt.inventory.get(r, 0) < n]
        drained: set[int] = set()
        if len(fell) == 1:
            met = {prev.objects[o][0] for o in contact_ids} - {at}
            drained = {t for t in met if not self._passable(at, t)} or met
        for oid in contact_ids:
            t = prev.objects[oid][0]
            after = nxt.objects.get(oid)
            # a thing the avatar pushes that did not go on ahead (gone, or taken for covered on pixels) met
            # what lay beyond it as it was shoved (a crate smashed into a cracked wall, both gone); seen from
            # the avatar it looks picked up, but the interaction is the thing's
            hit = self._shoved_into(prev, nxt, oid, t, at, target, d, inv) \
                if after is None or oid in nxt.hidden else None
            if hit is not None:
                other, b = hit
                self._record(t, at, "push", inv, None, oid)
                self._record(t, b, "kill", inv, None, oid)
                fired.add((t, b))
                if other is not None:
                    self._record(b, t, "kill", inv, None, other)
                    fired.add((b, t))
                self._record(at, t, "nothing", inv, None, av, oid)
                fired.add((t, at))
                continue
            if oid in nxt.hidden:  # covered by the avatar: whether it survived shows when the avatar leaves
                self.covered[oid] = (t, at, inv, self.reward)
                spends = self._drain_of(at, t, inv)
                if spends is not None:  # (unseen on pixels: what it is believed to spend)
                    self._record(at, t, "drain", inv, spends, av, oid)
                else:
                    self._record(at, t, "nothing", inv, None, av, oid)
                rule = self.theory.rules.get((t, at))
                if self.remember_pickups and rule is not None and rule.seen and \
                        rule.outcome(inv, self.b.deterministic)[0] == "collect":
                    self._take(t, (nxt,))  # a known pick-up: held at once (undone if it shows again)
                    self.counted.add(oid)
                continue
            if after is None:
                gained = nxt.inventory.get(t, 0) > prev.inventory.get(t, 0)
                replaced = nxt.types_at(target) - {at} - prev.types_at(target)
                if self.remember_pickups and not replaced and t not in drained:
                    gained = True  # seen to go as the avatar came: taken (see _uncovered)
                    self._take(t, (nxt,))
                if gained:
                    self.theory.resources.add(t)
                    outcome, arg = "collect", None
                elif replaced:
                    outcome, arg = "transform", min(replaced)
                else:  # (what the avatar lost is the door's price, unless its entering drained it)
                    outcome, arg = "kill", None if t in drained else _spent(prev, nxt)
                self._record(t, at, outcome, inv, arg, oid)
            elif (after[1], after[2]) != target and self.theory.movement.get(t, Movement()).kind != "static" \
                    and ((oid in self.moved or self.theory.movement[t].kind == "missile")
                         and self._heading(oid) == d
                         or (after[1], after[2]) != (target[0] + d[0], target[1] + d[1])):
                # a mover that went its own way as the avatar came in (on ahead of it: moving that way, or a
                # missile heading that way between its moves): they never met
                continue
            elif (after[1], after[2]) == (target[0] + d[0], target[1] + d[1]):
                self._record(t, at, "push", inv, None, oid)
            elif t in self.theory.resources and prev.inventory.get(t, 0) > 0:
                self._collected(t, at, True, prev.inventory.get(t, 0))  # left in place: held its limit
            else:
                self._record(t, at, "nothing", inv, None, oid)
            if t in drained:
                self._record(at, t, "drain", inv, fell[0], av, oid)
            else:
                self._record(at, t, "nothing", inv, None, av, oid)
            fired.add((t, at))

    def _uncovered(self, prev: Frame, nxt: Frame) -> None:
        """Judge the covered contacts whose cell shows again: the object is there (nothing) or gone (kill;
        taken, when pick-ups are remembered: held from the step that covered it, so ``prev`` holds it too)."""
        for oid in [o for o in self.covered if o not in nxt.hidden]:
            t, at, inv, reward = self.covered.pop(oid)
            gone = oid not in nxt.objects
            self._judge_covered(oid, t, at, inv, reward, gone=gone)
            if oid in self.counted:  # counted when covered, as a known pick-up
                self.counted.discard(oid)
                if not gone:  # it stayed (the avatar held its limit): not taken after all
                    self._take(t, (prev, nxt), -1)
            elif gone and self.remember_pickups:
                self._take(t, (prev, nxt))

    def _missed(self, prev: Frame, nxt: Frame) -> None:
        """Did something go, uncounted, while the avatar was not yet found (a key it took)?"""
        if prev.avatar is None:
            self.unjudged |= nxt.hidden
            if any(o not in nxt.objects and o not in nxt.hidden for o in prev.objects):
                self.missed = True
        if self.unjudged:
            if any(o not in nxt.objects and o not in nxt.hidden for o in self.unjudged):
                self.missed = True
            self.unjudged = {o for o in self.unjudged if o in nxt.hidden}

    def _price(self, at: int, t: int, prev: Frame, nxt: Frame) -> tuple[int, int] | None:
        """Remembering pick-ups (what is spent is not seen): a door that opened for a resource it once
        stood shut without takes one of it, the least price (held by memory from then on)."""
        if not self.remember_pickups:
            return None
        held = [r for r, n in prev.inventory.items() if n > 0]
        shut = self.theory.rules.get((at, t))
        if len(held) != 1 or shut is None or not any(o.outcome == "block" and held[0] not in dict(o.inventory)
                                                     for o in shut.seen):
            return None
        self._take(held[0], (nxt,), -1)
        return held[0], 1

    def _take(self, t: int, frames: tuple[Frame, ...], n: int = 1) -> None:
        """Remembered pick-ups: ``n`` more of ``t`` held from now on (and in ``frames``, where it already was)."""
        self.took[t] = max(0, self.took[t] + n)
        for frame in frames:
            frame.inventory[t] = max(0, frame.inventory.get(t, 0) + n)
            if not frame.inventory[t]:
                del frame.inventory[t]

    def _judge_covered(self, oid: int, t: int, at: int, inv: Inventory, reward: float, gone: bool) -> None:
        """A covered contact's verdict, with the reward of the step that covered it. Remembering pick-ups,
        what went is taken (a resource); what stayed while some was held shows how much can be held."""
        if self.remember_pickups and (gone or t in self.theory.resources):
            self._collected(t, at, not gone, dict(inv).get(t, 0))
        self._record(t, at, ("collect" if self.remember_pickups else "kill") if gone else "nothing", inv, None, oid)
        rule = self.theory.rules[(t, at)]
        if gone and reward and rule.score != reward:
            rule.score = reward  # the covering step's reward: the contact's own
            self.changed = True

    def _covered_at_a_win(self, nxt: Frame) -> None:
        """The game was won with things still covered: no cell shows again, but the win says which
        went (a type none of whose objects is shown any more: the exit door the avatar stepped on)."""
        shown = nxt.shown_counts()
        for oid, (t, at, inv, reward) in list(self.covered.items()):
            if shown.get(t, 0) == 0:
                del self.covered[oid]
                self._judge_covered(oid, t, at, inv, reward, gone=True)

    def _passive_contacts(self, prev: Frame, action: str, nxt: Frame, touched: set[int]) -> set[tuple[int, int]]:
        """Non-avatar objects that vanished, without the event log: a mover that vanished was killed by
        what it ran into (both ways when that vanished too: a shot and its target); anything else by a
        moving thing that reached it (a shot, a pushed box; a new object of a still kind is what the
        vanished one showed, not what killed it)."""
        fired: set[tuple[int, int]] = set()
        if self.b.effect_names:
            return fired
        th = self.theory
        inv = prev.inventory_key()
        reached = nxt.avatar_cell()
        gone = [(oid, t, x, y) for oid, (t, x, y) in prev.objects.items()
                if oid not in nxt.objects and oid != prev.avatar and oid not in prev.hidden and oid not in nxt.hidden]
        done: set[int] = set()
        for oid, t, x, y in gone:
            if oid in done or not (oid in self.went or oid in self.last_dir) or self._still(t) or (x, y) == reached:
                continue  # (the avatar's own contacts: see _from_state; a still kind's moves are mis-tracks)
            hit = self._ran_into(prev, nxt, oid, t, (x, y))
            if hit is None:
                continue
            other, b = hit
            self._record(t, b, "kill", inv, None, oid)
            fired.add((t, b))
            done.add(oid)
            if other is not None:  # it went too: what the mover did to it (and to a whole type at once)
                cleared = self._cleared(prev, nxt, {t, b})
                self._record(b, t, "kill+clear" if cleared is not None else "kill", inv, cleared, other)
                fired.add((b, t))
                done.add(other)
        moved = {o for o, (t, x, y) in nxt.objects.items()
                 if o != nxt.avatar and (prev.objects[o][1:] != (x, y) if o in prev.objects else not self._still(t))}
        if not moved:
            return fired
        for oid, t, x, y in gone:
            if oid in done:
                continue
            near = {nxt.objects[o][0] for o in moved if abs(nxt.objects[o][1] - x) + abs(nxt.objects[o][2] - y) <= 1}
            near -= {t, th.avatar_type if th.avatar_type is not None else -1}
            if len(near) == 1:
                b = next(iter(near))
                self._record(t, b, "kill", inv, None, oid)
                fired.add((t, b))
        return fired

    def _shoved_into(self, prev: Frame, nxt: Frame, oid: int, t: int, at: int, cell: tuple[int, int],
                     d: tuple[int, int], inv: Inventory) -> tuple[int | None, int] | None:
        """What a thing the avatar is known to push (last seen so) ran into as it vanished when shoved along
        ``d`` from ``cell`` (see :meth:`_ran_into`); None when it is not such a thing or has no single suspect.

        Why: seen from the avatar, a pushed box that breaks on what lay beyond it looks like one it
        picked up (the avatar stands where it was, it is gone); the interaction is the box's."""
        rule = self.theory.rules.get((t, at))
        if rule is None or not rule.seen or rule.outcome(inv, True)[0] != "push":
            return None
        return self._ran_into(prev, nxt, oid, t, cell, heading=d, ahead_only=True)

    def _ran_into(self, prev: Frame, nxt: Frame, oid: int, t: int,
                  cell: tuple[int, int], heading: tuple[int, int] | None = None,
                  ahead_only: bool = False) -> tuple[int | None, int] | None:
        """What a vanished mover ran into: (the object if it vanished too, else None; its type), looked for in
        the cell ahead (its heading), else beside it. Not what it was seen to cross unharmed (a floor), nor the
        avatar; beside it (the heading is old), not what blocks the avatar either (a mover beside a wall and a
        pen went into the pen). None: no single suspect."""
        th = self.theory
        x, y = cell
        dx, dy = heading or self.went.get(oid) or self.last_dir[oid]
        blocks = {b for (a, b), r in th.rules.items()
                  if a == th.avatar_type and r.seen and r.seen[-1].outcome == "block"}
        places = [([(x + dx, y + dy)], set()), ([(x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)], blocks)]
        for cells, skip in places[:1] if ahead_only else places:
            there = [o for c in cells for o in prev.cells.get(c, ())
                     if o != prev.avatar and o not in prev.hidden and prev.objects[o][0] not in (t, th.avatar_type)]
            went = {prev.objects[o][0]: o for o in there if o not in nxt.objects and o not in nxt.hidden
                    and not self._covered_by_mover(prev, nxt, prev.objects[o][1:])}
            if len(went) == 1:
                b, other = next(iter(went.items()))
                return other, b
            stayed = {prev.objects[o][0] for o in there if o in nxt.objects} - skip
            stayed = {b for b in stayed if b not in self.crossed[t] and not self._passable(t, b)}
            if len(stayed) == 1:
                return None, next(iter(stayed))
        return None

    def _covered_by_mover(self, prev: Frame, nxt: Frame, cell: tuple[int, int]) -> bool:
        """Pixels: something of a moving kind came onto ``cell`` (what vanished there is under it, not gone)."""
        return any(o not in prev.objects or prev.objects[o][1:] != nxt.objects[o][1:]
                   for o in nxt.cells.get(cell, ()) if not self._still(nxt.objects[o][0]))

    def _cleared(self, prev: Frame, nxt: Frame, skip: set[int]) -> int | None:
        """The one type (besides ``skip`` and the avatar) all of whose objects went in this step: what a
        contact cleared at once (a switch that turns every beam off)."""
        after = nxt.counts()
        gone = {k for k, n in prev.counts().items() if n and not after.get(k)} - skip - {self.theory.avatar_type}
        return min(gone) if len(gone) == 1 else None

    def _still(self, t: int) -> bool:
        """A kind known not to move (a wall, or seen and never moving): a new one is a reveal (the floor
        under something gone), not a mover that came in."""
        model = self.theory.movement.get(t)
        return t in self.theory.walls or (model is not None and model.kind == "static")

    def _endings(self, fired: set[tuple[int, int]], lost: bool) -> None:
        """Count, per pair whose outcome removed something, whether the game was lost on that step. A loss
        with the avatar alive and nothing removed is the clock's (or a drain's): waiting loses."""
        th = self.theory
        before = th.fatal()
        counted = False
        for pair in fired:
            rule = th.rules.get(pair)
            if pair[0] == th.avatar_type or rule is None or not rule.seen or not removes(rule.seen[-1].outcome):
                continue
            th.ending.setdefault(pair, [0, 0])[0 if lost else 1] += 1
            counted = True
        if th.fatal() != before:
            self.changed = True
        if lost and not counted:
            th.waiting_loses = True  # (read when deciding to restart; nothing to re-plan for)

    def _projectile(self, prev: Frame, action: str, nxt: Frame) -> None:
        """With ``avatar_known`` off (or on, on pixels): what appears beside the avatar right after USE, of a
        kind not in the attempt's first frame, is its projectile (a floor shown where a shot beam vanished is
        no shot). A new shot flies the way the avatar faces (until it is seen to move)."""
        th = self.theory
        facing = nxt.avatar_orientation
        if th.projectile is not None and action == "ACTION_USE" and any(facing):
            for oid, (t, _, _) in nxt.objects.items():
                if t == th.projectile and oid not in prev.objects:
                    self.last_dir[oid] = (int(facing[0]), int(facing[1]))
        if th.projectile is not None or action != "ACTION_USE" or (self.b.told_avatar and self.b.perceive_objects):
            return  # (told on pixels: the shot's look is not told, so it is learned the same way)
        pa = prev.avatar_cell()
        if pa is None:
            return
        for oid, (t, x, y) in nxt.objects.items():
            if oid not in prev.objects and _dist((x, y), pa) <= 2 and t != th.avatar_type and t not in self.initial:
                th.projectile = t
                self.changed = True
                return

    # -------------------------------------------------------------------------------------------
    def _movement(self, prev: Frame, nxt: Frame) -> set[int]:
        """Fit movement models from displacements of objects not touching the avatar; returns touched ids."""
        th = self.theory
        pa, na = prev.avatar_cell(), nxt.avatar_cell()
        touched = set()
        per_object = self.b.movement_per_object
        self.steps += 1
        width, height = prev.size()
        routes: dict[tuple[int, int], int] | None = None  # cell -> steps to the avatar round blockers (when needed)
        for oid, (t, x, y) in prev.objects.items():
            if oid == prev.avatar or t == th.avatar_type or t in th.walls:
                continue
            after = nxt.objects.get(oid)
            near = (pa is not None and _dist((x, y), pa) <= 1) or (na is not None and _dist((x, y), na) <= 1)
            if near:
                touched.add(oid)
            if after is not None and after[1:] != (x, y):
                self.went[oid] = (_sign(after[1] - x), _sign(after[2] - y))
            if after is None and not near and oid in self.last_dir:
                d = self.last_dir[oid]
                if not (0 <= x + d[0] < width and 0 <= y + d[1] < height):
                    self._edge(t, "killSprite")  # it went on over the edge and was gone
            if after is None or (near and not (t == th.projectile and self.b.learn_shot_flight)):
                self.last_move.pop(oid, None)  # unobserved moves would stretch the next gap
                self.still.pop(oid, None)  # a move after a touch is not the object's own start
                continue
            s = self.stats[(t, oid) if per_object else t]
            s.seen += 1
            # displacement in cells, fractions included (a mover slower than a cell per move)
            (x0, y0), (x1, y1) = prev.position(oid), nxt.position(oid)
            dx, dy = x1 - x0, y1 - y0
            if _wrapped(x0, x1, width) or _wrapped(y0, y1, height):
                self._edge(t, "wrapAround")  # across the whole level in one step: it came back the other side
                self.last_move.pop(oid, None)
                continue
            if (dx, dy) == (0, 0):
                self.still[oid] = True
                continue
            if self.still.pop(oid, False):
                s.starts += 1
            step = (_sign(dx), _sign(dy))
            start = self._starts.pop(oid, None)
            if start is not None:
                self.start_heading[start] = step
            s.moves += 1
            self.crossed[t] |= prev.types_at((round(x1), round(y1)), exclude=oid)
            s.speeds[round(max(abs(dx), abs(dy)), 3)] += 1
            if oid in self.last_move:
                s.gaps[self.steps - self.last_move[oid]] += 1
            self.last_move[oid] = self.steps
            s.directions[step] += 1
            last = self.last_dir.get(oid)
            if last is not None:
                s.pairs += 1
                if step == last or step == (-last[0], -last[1]):
                    s.straight += 1
                if step == (-last[0], -last[1]) and not self.b.read_events:
                    self._turned_back(prev, oid, t, (round(x0), round(y0)), last)
            self.last_dir[oid] = step
            if pa is not None:
                before_d, after_d = _dist((x0, y0), pa), _dist((x1, y1), pa)
                s.toward += after_d < before_d
                s.away += after_d > before_d
                if not self.b.library_movement:
                    if routes is None:
                        routes = self._routes_to(prev, pa)
                    r0, r1 = routes.get((round(x0), round(y0))), routes.get((round(x1), round(y1)))
                    s.route_toward += r0 is not None and r1 is not None and r1 < r0
        self._fit()
        return touched

    def _turned_back(self, prev: Frame, oid: int, t: int, cell: tuple[int, int], was: tuple[int, int]) -> None:
        """A missile that went back the way it came turned at what lies ahead of where it turned (a spark
        at a wall): that meeting steps it back and reverses it. Without the event log nothing else names
        it, and in the mental game the missile ran on through the wall and out of the room it guards. Not
        what it crossed unharmed (a floor under the wall), nor the avatar or another mover."""
        th = self.theory
        m = th.movement.get(t)
        if m is None or m.kind != "missile":
            return  # (a random mover turns back by chance)
        ahead = (cell[0] + was[0], cell[1] + was[1])
        types = {prev.objects[o][0] for o in prev.cells.get(ahead, ()) if o not in prev.hidden and o != prev.avatar}
        types = {b for b in types if b != th.avatar_type
                 and (th.movement.get(b) is None or th.movement[b].kind == "static")}
        # (a look it crossed elsewhere is still blamed when nothing else lies there and it stops the avatar:
        # a wall that looks like an illusion the missile passed through; a floor is not)
        blocks = {b for b in types if any(o.outcome == "block" for o in self._seen(th.avatar_type, b))}
        for b in sorted({b for b in types if b not in self.crossed[t]} or blocks):
            self._record(t, b, "block+reverse", prev.inventory_key(), None, oid)

    def _heading(self, oid: int) -> tuple[int, int] | None:
        """One object's way on (see :meth:`headings`): its last move, else its first from the same start."""
        if oid in self.last_dir:
            return self.last_dir[oid]
        key = self._starts.get(oid)
        return self.start_heading.get(key) if key is not None else None

    def headings(self) -> dict[int, tuple[int, int]]:
        """Object -> the way it goes on: its last move, or (not moved yet this attempt) the way it first
        went from the same start on an earlier attempt."""
        known = {oid: self.start_heading[key] for oid, key in self._starts.items()
                 if key in self.start_heading and oid not in self.last_dir}
        return {**known, **self.last_dir} if known else self.last_dir

    def _edge(self, t: int, outcome: str) -> None:
        """What happens to a type at the edge of the screen: the commonest outcome seen (default: it stops)."""
        seen = self.edge_seen.setdefault(t, Counter())
        seen[outcome] += 1
        best = seen.most_common(1)[0][0]
        if self.theory.edges.get(t) != best:
            self.theory.edges[t] = best
            self.changed = True

    def _fit(self) -> None:
        th = self.theory
        by_type: dict[int, MoveStats] = {}
        pooled: dict[int, MoveStats] = {}  # per object: type -> all its objects' moves, pairs, toward, away, gaps
        min_moves, min_share = int(self.c["min_object_moves"]), float(self.c["min_object_share"])
        for key, s in self.stats.items():
            if not isinstance(key, tuple):
                by_type[key] = s
                continue
            t = key[0]
            if 0 < s.moves and (s.moves < min_moves or s.moves < min_share * s.seen):
                continue  # a few displacements in a still life: pixels' tracking took it for a look-alike nearby
            total = pooled.setdefault(t, MoveStats())
            total.pairs += s.pairs
            total.straight += s.straight
            total.moves += s.moves
            total.toward += s.toward
            total.away += s.away
            total.route_toward += s.route_toward
            total.gaps.update(s.gaps)
            # per object: a type is as mobile as its most mobile object (of those as mobile, the one seen
            # move most: one that moved twice tells little of its heading)
            agg = by_type.setdefault(t, MoveStats())
            if (s.moves * max(agg.seen, 1), s.pairs) >= (agg.moves * max(s.seen, 1), agg.pairs):
                by_type[t] = s
        for t, s in by_type.items():
            model = self._classify(s, pooled.get(t))
            if model.kind in ("missile", "random") and self._slides(t, s):
                model = Movement("slider", model.cooldown, model.orientation, model.speed)
            old = th.movement.get(t)
            if old is None or (old.kind, old.cooldown, old.speed, old.routes) != \
                    (model.kind, model.cooldown, model.speed, model.routes):
                th.movement[t] = model
                self.changed = True
            else:
                old.orientation = model.orientation

    def _slides(self, t: int, s: MoveStats) -> bool:
        """Moves straight, but never starts by itself: it rests until the avatar pushes it (ice, a kicked ball)."""
        rule = self.theory.rules.get((t, self.theory.avatar_type)) if self.theory.avatar_type is not None else None
        pushed = rule is not None and any(displaces(o.outcome) for o in rule.seen)
        return pushed and s.starts == 0 and s.seen - s.moves >= int(self.c["slider_rests"])

    def _routes_to(self, frame: Frame, goal: tuple[int, int]) -> dict[tuple[int, int], int]:
        """Steps from each cell to ``goal`` along cells free of what blocks the avatar (breadth first)."""
        blockers = self.theory.still_blockers()
        width, height = frame.size()
        blocked = {(x, y) for t, x, y in frame.objects.values() if t in blockers}
        dist = {goal: 0}
        todo = [goal]
        for cell in todo:
            d = dist[cell] + 1
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                n = (cell[0] + dx, cell[1] + dy)
                if n not in dist and n not in blocked and 0 <= n[0] < width and 0 <= n[1] < height:
                    dist[n] = d
                    todo.append(n)
        return dist

    def _cooldown(self, s: MoveStats) -> int:
        """Ticks between moves: the commonest gap between moves (blocked attempts, a fleer in a corner,
        only add longer gaps), else sightings per move."""
        if s.gaps:
            cooldown = min(g for g, n in s.gaps.items() if n == max(s.gaps.values()))
        else:
            cooldown = round(s.seen / s.moves)
        return max(1, min(int(self.c["max_cooldown"]), cooldown))

    def _classify(self, s: MoveStats, pooled: MoveStats | None = None) -> Movement:
        """A movement model from one object's (or one type's) move statistics. Without the library, per
        object, a type is judged on all its objects' moves: toward or away from the avatar always (on pixels
        an object's track is often cut short), its heading when the chosen object has too few pairs (a
        short-lived shot: each one flies a few cells)."""
        if s.moves == 0:
            return Movement("static")
        cooldown = self._cooldown(s)
        orientation = s.directions.most_common(1)[0][0]
        speed = _speed(s.speeds)
        c = self.c
        if not self.b.library_movement:
            # No library of movers: a random walker, unless its moves show a pattern a random walker's would
            # not. A random step shortens the distance to the avatar in at most two of its four ways, so
            # moves toward (away from) it in clearly more than half of them, by a binomial test, say it
            # approaches (avoids) the avatar; many moves that kept their heading (or turned straight
            # back) say it goes on as it last went (a train, a shot, a patrol).
            alpha = float(c["herding_alpha"])
            all_of = pooled or s
            # toward it along the walkable route (round walls) in more moves than in a straight line: it
            # follows routes
            routes = all_of.route_toward > all_of.toward and _beyond_chance(all_of.route_toward, all_of.moves, alpha)
            closer = max(all_of.toward, all_of.route_toward)
            toward = routes or _beyond_chance(all_of.toward, all_of.moves, alpha)
            # (its pace from all its objects' gaps too: a short piece of track moved at every sighting)
            pace = self._cooldown(all_of) if all_of.gaps else cooldown
            if toward and closer >= c["herding_strong"] * all_of.moves:  # (straight, as in a corridor)
                return Movement("chaser", pace, orientation, speed, routes)
            pairs, straight = (s.pairs, s.straight) if s.pairs >= int(c["heading_pairs"]) else \
                (all_of.pairs, all_of.straight)
            if pairs >= int(c["heading_pairs"]) and straight >= c["missile_straight"] * pairs:
                return Movement("missile", cooldown, orientation, speed)
            if toward:
                return Movement("chaser", pace, orientation, speed, routes)
            if _beyond_chance(all_of.away, all_of.moves, alpha):
                return Movement("fleer", pace, orientation, speed)
            return Movement("random", cooldown, orientation, speed)
        # Nearly every move toward the avatar: it chases, even if its moves are straight (in a corridor).
        # (Not so for moving away: a shot leaving the avatar moves straight away from it.)
        if s.moves >= 4 and s.toward >= c["herding_strong"] * s.moves:
            return Movement("chaser", cooldown, orientation, speed)
        if s.pairs >= 3 and s.straight >= c["missile_straight"] * s.pairs:
            return Movement("missile", cooldown, orientation, speed)
        if s.moves >= 4 and s.toward >= c["herding_share"] * s.moves:
            return Movement("chaser", cooldown, orientation, speed)
        if s.moves >= 4 and s.away >= c["herding_share"] * s.moves:
            return Movement("fleer", cooldown, orientation, speed)
        if s.pairs >= 2 and s.straight >= c["missile_straight_short"] * s.pairs:
            return Movement("missile", cooldown, orientation, speed)
        return Movement("random", cooldown, orientation, speed)

    # -------------------------------------------------------------------------------------------
    def _objective(self, nxt: Frame, terminated: bool, winner: str | None) -> None:
        """Win candidates: confirmed by wins, falsified by a type reaching 0 without one (EMPA's P5)."""
        th = self.theory
        won = terminated and winner == "WIN"
        counts = nxt.shown_counts() if won else nxt.counts()  # a covered thing may have gone, or not
        if not won:  # (pixels: what the avatar stands on is remembered out of the table; not gone yet)
            counts.update(self.covered[o][0] for o in nxt.hidden if o in self.covered and o not in nxt.objects)
        zero = {t for t in self.present if counts.get(t, 0) == 0 and t != th.avatar_type}
        if won:
            confirmed = zero - th.falsified
            if confirmed:
                new = (th.win_types & confirmed) or confirmed if th.win_types else confirmed
                if new != th.win_types:
                    th.win_types = new
                    self.changed = True
            return
        if terminated:
            return
        newly = zero - th.falsified
        if newly:
            th.falsified |= newly
            th.win_types -= newly
            self.changed = True
