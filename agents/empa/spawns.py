"""Spawn points learned from state differences: which type makes which, how often.

Why: in many games things appear over time (cars from a garage, enemies from a portal, bombs from a
ship). A theory without them plans in a world that empties out. An object that appears on the cell
of an object that stays there (and not where the avatar is, nor as the avatar's shot) was spawned by
it. Of the types found under new objects, the spawner is the one whose objects do it most (a floor
lies under every spawn too, but only a few of its many tiles ever see one). The cooldown is the
commonest gap between two spawns of one spawner; the probability per due tick follows from the rate.
The phase (the episode step of the last spawn, modulo the cooldown) lets the mental game spawn on the
same ticks as the real one: a gap between two shells is only safe to cross when it is where it is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from agents.empa.perception import Frame
from agents.empa.theory import Spawner, Theory


@dataclass
class _PairStats:
    """What one (spawner type, spawned type) pair has shown."""

    spawners: set[int] = field(default_factory=set)  # ids of the spawner-type objects that spawned
    spawns: int = 0
    gaps: Counter[int] = field(default_factory=Counter)
    last_tick: int = 0  # the episode step of the latest spawn


class SpawnTracker:
    """Finds spawners in consecutive frames and writes them into ``theory.spawners``."""

    def __init__(self, theory: Theory, min_spawns: int = 2, min_share: float = 0.5) -> None:
        self.theory = theory
        self.min_spawns = min_spawns
        self.min_share = min_share  # of a type's objects that must have spawned for it to be the spawner
        self.pairs: dict[tuple[int, int], _PairStats] = {}
        self.last_spawn: dict[int, int] = {}  # spawner object -> step of its last spawn
        self.watched: Counter[int] = Counter()  # spawner type -> object-steps seen (for the rate)
        self.steps = 0
        self.tick = 0  # steps taken in this episode

    def start_episode(self) -> None:
        self.last_spawn.clear()
        self.tick = 0

    def update(self, prev: Frame, nxt: Frame) -> bool:
        """Record this step's spawns; True when the believed spawners changed."""
        self.steps += 1
        self.tick += 1
        th = self.theory
        avatar_cells = {prev.avatar_cell(), nxt.avatar_cell()}
        counts = prev.counts()
        for s in {s for (s, _) in self.pairs}:
            self.watched[s] += counts.get(s, 0)
        spawned = False
        for oid, (t, x, y) in nxt.objects.items():
            if oid in prev.objects or oid == nxt.avatar or t in (th.avatar_type, th.projectile):
                continue
            if (x, y) in avatar_cells or t in th.avatar_classes:
                continue  # the avatar's doing (a shot, a drop) or its new form
            for under in prev.cells.get((x, y), ()):
                if under not in nxt.objects or under == prev.avatar:
                    continue  # it went (a transformation leaves its product where it was)
                s = prev.objects[under][0]
                if s == t:
                    # A thing that grows on its own kind (spreading fire, slime) is not a spawn point:
                    # simulated as one, every copy would spawn too and fill the mental game.
                    continue
                spawned = True
                stats = self.pairs.setdefault((s, t), _PairStats())
                stats.spawners.add(under)
                stats.spawns += 1
                stats.last_tick = self.tick
                if under in self.last_spawn:
                    stats.gaps[self.steps - self.last_spawn[under]] += 1
                self.last_spawn[under] = self.steps
        return self._fit(counts) if spawned else False

    def next_spawns(self) -> dict[int, int]:
        """Spawner type -> steps from now to its next due spawn (0: on the next step), by its phase."""
        return {s: (v.phase - self.tick - 1) % v.cooldown for s, v in self.theory.spawners.items()
                if v.phase is not None}

    def _fit(self, counts: Counter[int]) -> bool:
        best: dict[int, tuple[float, int, _PairStats]] = {}  # spawned type -> (share, spawner type, stats)
        for (s, t), stats in self.pairs.items():
            share = len(stats.spawners) / max(counts.get(s, 0), len(stats.spawners))
            if stats.spawns >= self.min_spawns and share >= self.min_share and share > best.get(t, (0.0,))[0]:
                best[t] = (share, s, stats)
        spawners: dict[int, Spawner] = {}
        for t, (_, s, stats) in sorted(best.items()):
            cooldown = min(g for g, n in stats.gaps.items() if n == max(stats.gaps.values())) if stats.gaps else 1
            cooldown = max(cooldown, 1)  # two things at once from one spawner: a gap of 0 is no period
            rate = stats.spawns / max(self.watched[s], 1)  # spawns per spawner per step
            prob = max(0.1, round(min(1.0, rate * cooldown), 1))  # coarse: each new value is a new game text
            if s not in spawners or stats.spawns > spawners[s].evidence:
                spawners[s] = Spawner(t, cooldown, prob, stats.spawns, stats.last_tick % cooldown)
        changed = {s: (v.makes, v.cooldown) for s, v in spawners.items()} != \
            {s: (v.makes, v.cooldown) for s, v in self.theory.spawners.items()}
        self.theory.spawners = spawners
        return changed
