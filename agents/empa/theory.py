"""The agent's theory of a game: per-type movement, per-pair interaction rules, win candidates.

Why this shape: EMPA's theory is a VGDL program; ours is too, so the mental simulator is our own
engine running :meth:`Theory.to_vgdl` (prior P18). Types are the observation's type tokens
(``t3``), never the game's names. A rule describes what happens to the *first* type when it meets
the second, as an outcome of :mod:`agents.empa.outcomes` (``kill``, ``block``, ``push``, ...) or, with
the event log and the effect library on, as the VGDL effect that fired.
Each rule keeps its observations with the inventory at the time, so resource preconditions
(EMPA's P12) and noisy outcomes (prior ``deterministic_rules`` off) come from the same records.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from agents.empa.outcomes import harms_avatar, kinds, removes

Inventory = tuple[tuple[int, int], ...]  # sorted (resource type, amount > 0) pairs


@dataclass
class Observation:
    """One kind of thing seen (outcome under an inventory), and how often."""

    outcome: str
    inventory: Inventory
    arg: Any = None  # transform: target type; changeResource: (resource, change)
    count: int = 1


@dataclass
class Precondition:
    """EMPA's P12: an outcome that happens only while the avatar holds ``amount`` of ``resource``."""

    with_resource: str
    without: str
    resource: int
    amount: int


@dataclass
class Rule:
    """Everything seen when the first type met the second."""

    seen: list[Observation] = field(default_factory=list)
    objects: set[int] = field(default_factory=set)  # ids of first-type objects it was seen on
    partners: set[int] = field(default_factory=set)  # ids of second-type objects it was seen with, where known
    score: float | None = None
    tolerance: float = 0.1  # share of the evidence a precondition may contradict (planner.yml)
    about_avatar: bool = False  # the first type is (a form of) the avatar

    def add(self, outcome: str, inventory: Inventory, arg: Any, obj: int) -> None:
        """Record an observation; the list stays ordered by when each kind was last seen."""
        self.objects.add(obj)
        for i, o in enumerate(self.seen):
            if (o.outcome, o.inventory, o.arg) == (outcome, inventory, arg):
                o.count += 1
                self.seen.append(self.seen.pop(i))
                return
        self.seen.append(Observation(outcome, inventory, arg))
        del self.seen[:-64]  # bounded: oldest kinds of evidence go first

    def _suspected_load(self) -> Precondition | None:
        """A death (learned from state differences) only ever seen while the avatar held a resource:
        suspect the load (a ferry that sinks under two keys) until a death with less held refutes it.

        Why: otherwise the first death holding something makes the place deadly for good, and a way
        that is safe with less in hand is never tried; the suspicion costs at most one more death per
        place and resource. The least amount held at a death is the threshold."""
        held = [dict(o.inventory) for o in self.seen]
        always = sorted(set.intersection(*(set(h) for h in held)))  # held at every death
        if not always:
            return None
        return Precondition("kill", "nothing", always[0], min(h[always[0]] for h in held))

    def outcome(self, inventory: Inventory, deterministic: bool) -> tuple[str, Any, float]:
        """The believed outcome under ``inventory``: (outcome, argument, probability)."""
        pre = self.precondition()
        same = self.seen
        if pre is not None:
            holds = dict(inventory).get(pre.resource, 0) >= pre.amount
            want = pre.with_resource if holds else pre.without
            same = [o for o in self.seen if o.outcome == want]
            if not same:  # (a suspected precondition's other side: never seen)
                return want, None, 1.0
        if deterministic:
            last = same[-1]
            return last.outcome, last.arg, 1.0
        counts: Counter[tuple[str, Any]] = Counter()
        for o in same:
            counts[(o.outcome, o.arg)] += o.count
        (outcome, arg), n = counts.most_common(1)[0]
        return outcome, arg, n / sum(counts.values())

    def precondition(self) -> Precondition | None:
        """A resource threshold that splits the observed outcomes into two, if one does.

        Tolerates a few exceptions (``tolerance``, a tenth of the evidence when tuned), so one odd observation does
        not hide a door's key.
        """
        outcomes = {o.outcome for o in self.seen}
        if outcomes == {"kill"} and self.about_avatar:
            return self._suspected_load()
        if len(outcomes) != 2:
            return None
        total = sum(o.count for o in self.seen)
        best: tuple[int, Precondition] | None = None
        for res in sorted({r for o in self.seen for r, _ in o.inventory}):
            for out in sorted(outcomes):
                other = next(iter(outcomes - {out}))
                for k in sorted({dict(o.inventory).get(res, 0) for o in self.seen if o.outcome == out} - {0}):
                    errors = sum(o.count for o in self.seen
                                 if (o.outcome == out) != (dict(o.inventory).get(res, 0) >= k))
                    if errors <= int(total * self.tolerance) and (best is None or errors < best[0]):
                        best = (errors, Precondition(out, other, res, k))
        return best[1] if best else None


@dataclass
class Movement:
    """A type's movement model (prior ``movement_library``: static, random, missile, chaser, fleer)."""

    kind: str = "static"  # static | random | missile | chaser | fleer | slider (still until pushed, then
    #                       straight on until something stops it)
    cooldown: int = 1
    orientation: tuple[int, int] = (0, 1)
    speed: float = 1.0  # cells per move (GVGAI's speed: fractions of a cell, or more than one)
    routes: bool = False  # a chaser that follows the walkable route round what blocks (movement_library off)


@dataclass
class Spawner:
    """A type that makes objects of another type on its cell, every ``cooldown`` ticks with ``prob``."""

    makes: int
    cooldown: int = 1
    prob: float = 1.0
    evidence: int = 0  # spawns seen
    phase: int | None = None  # the episode's steps at which it spawns, modulo cooldown (None: unknown)


@dataclass
class Theory:
    avatar_type: int | None = None
    avatar_class: str = "MovingAvatar"
    # every type that has been the avatar -> its class: becoming one of them is a change of form, not harm
    avatar_classes: dict[int, str] = field(default_factory=dict)
    projectile: int | None = None
    walls: set[int] = field(default_factory=set)
    movement: dict[int, Movement] = field(default_factory=dict)
    rules: dict[tuple[int, int], Rule] = field(default_factory=dict)
    resources: set[int] = field(default_factory=set)
    # resource type -> most the avatar can hold (seen: a pick-up left in place while holding that many)
    resource_limits: dict[int, int] = field(default_factory=dict)
    spawners: dict[int, Spawner] = field(default_factory=dict)  # spawner type -> what it makes
    edges: dict[int, str] = field(default_factory=dict)  # type -> what the screen's edge does to it (an effect)
    seen_types: set[int] = field(default_factory=set)
    # kinds of one object each (a look-alike split off its appearance): one object's evidence is all there is
    singular: set[int] = field(default_factory=set)
    win_types: set[int] = field(default_factory=set)      # confirmed by an observed win
    falsified: set[int] = field(default_factory=set)      # reached 0 without a win
    # pair -> [losses, no loss]: how often the pair's removing outcome came with a lost game (a sheep
    # drowned in a bog) while the avatar lived
    ending: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    # an attempt was lost with the avatar alive and nothing removed (a time limit): waiting is no way to win
    waiting_loses: bool = False
    version: int = 0
    precondition_tolerance: float = 0.1

    def rule(self, a: int, b: int) -> Rule:
        r = self.rules.get((a, b))
        if r is None:
            about_avatar = a == self.avatar_type or a in self.avatar_classes
            r = self.rules[(a, b)] = Rule(tolerance=self.precondition_tolerance, about_avatar=about_avatar)
        return r

    def known(self, a: int, b: int, min_objects: int = 1) -> bool:
        """Seen, on at least ``min_objects`` objects of one side (the avatar is one object: its
        contacts count the objects it met)."""
        r = self.rules.get((a, b))
        if a in self.singular or b in self.singular:
            min_objects = 1
        return r is not None and bool(r.seen) and max(len(r.objects), len(r.partners)) >= min_objects

    def untried_holding(self, a: int, b: int, held: set[int]) -> bool:
        """Were ``a`` and ``b`` seen to meet, but never while ``a`` held one of the resources in ``held``?"""
        seen = [o for pair in ((a, b), (b, a)) if pair in self.rules for o in self.rules[pair].seen]
        return bool(seen) and bool(held - {r for o in seen for r, _ in o.inventory})

    def still_blockers(self) -> set[int]:
        """Types that do not move and stop the avatar (walls, or seen to block it): what routes go round."""
        av = self.avatar_type
        out = set(self.walls)
        for (a, b), r in self.rules.items():
            if a == av and any(o.outcome == "block" for o in r.seen):
                out.add(b)
        return {t for t in out if self.movement.get(t) is None or self.movement[t].kind == "static"}

    def fatal(self) -> set[tuple[int, int]]:
        """Pairs whose removing outcome has always lost the game (a loss condition on a count)."""
        return {p for p, (lost, fine) in self.ending.items() if lost and not fine}

    def destroyable(self) -> set[int]:
        """Types some observed rule removes without losing the game: EMPA's win candidates."""
        fatal = self.fatal()
        return {a for (a, b), r in self.rules.items()
                if a != self.avatar_type and (a, b) not in fatal and any(removes(o.outcome) for o in r.seen)}

    def killers_of(self, t: int) -> set[int]:
        fatal = self.fatal()
        return {b for (a, b), r in self.rules.items()
                if a == t and (a, b) not in fatal and any(removes(o.outcome) for o in r.seen)}

    def harmful(self, deterministic: bool, inventory: Inventory = ()) -> set[int]:
        """Types believed to harm the avatar on contact (pessimistic when rules may be noisy)."""
        out = set()
        if self.avatar_type is None:
            return out
        for (a, b), r in self.rules.items():
            if a != self.avatar_type or not r.seen:
                continue
            if deterministic:
                outcome, arg, _ = r.outcome(inventory, True)
                if self.hurts(outcome, arg):
                    out.add(b)
            elif any(self.hurts(o.outcome, o.arg) for o in r.seen):
                out.add(b)
        return out

    def hurts(self, outcome: str, arg: Any) -> bool:
        """Does this outcome harm the avatar? Turning into another form of the avatar does not."""
        if not harms_avatar(outcome):
            return False
        return not (arg in self.avatar_classes and all(k.arg == "type" or not k.harms_avatar for k in kinds(outcome)))
