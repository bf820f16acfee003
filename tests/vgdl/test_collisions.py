"""The collision index's shortcuts (cell index, cover sets, contact cache) find exactly the overlaps a scan finds."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import vgdl
from vgdl.collisions import CollisionIndex, _apart
from vgdl.game import Game
from vgdl.rng import JavaRandom

from .helpers import game_from

GAMES = Path(__file__).resolve().parents[2] / "games"
BS = 10
STRIDE = 40


def _cells_of(x: int, y: int, bs: int = BS, stride: int = STRIDE) -> set[int]:
    """The cells a block at pixel (x, y) covers, by brute force over the pixels inside it."""
    return {(py // bs) * stride + px // bs for px in range(x, x + bs) for py in range(y, y + bs)}


def test_a_block_apart_from_a_cover_set_overlaps_none_of_its_blocks() -> None:
    rng = random.Random(5)
    for _ in range(4000):
        others = [(rng.randrange(-15, 60), rng.randrange(-15, 60)) for _ in range(rng.randrange(1, 4))]
        cells = set().union(*(_cells_of(x, y) for x, y in others))
        x = rng.randrange(-15, 60)
        y = rng.randrange(-15, 60)
        if rng.random() < 0.5:  # grid-aligned queries are the common case: test them often
            x, y = x - x % BS, y - y % BS
        overlaps = any(abs(x - ox) < BS and abs(y - oy) < BS for ox, oy in others)
        apart = _apart(cells, x, y, BS, STRIDE)
        assert not (apart and overlaps), (x, y, others)
        if x % BS == 0 and y % BS == 0:
            # on a cell, being apart from the set is the same as overlapping nothing
            assert apart == (not overlaps), (x, y, others)


def test_a_cover_set_holds_every_cell_its_sprites_cover() -> None:
    g = game_from("""
        BasicGame
            SpriteSet
                rock > Immovable
            LevelMapping
                r > rock
            TerminationSet
                Timeout limit=100 win=True
        """, """
        r.r.r
        .r.r.
        r.r.r
        """)
    rng = random.Random(2)
    bs = g.block_size
    rock = g.rules.itype_of["rock"]
    for s in list(g.view.of_type(rock)):  # some on cells, some between them, some off the screen
        g.place(s, s.x + rng.choice((0, 0, 1, bs // 2, -3)), s.y + rng.choice((0, 0, 2, -bs // 2, -1)))
    index = g.collisions
    signature = g.store.versions[rock]
    assert index.cover(g.store, (rock,), signature) is None  # first use under these stamps: not built
    cells = index.cover(g.store, (rock,), signature)
    expected = set().union(*(_cells_of(s.x, s.y, bs, index.stride) for s in g.view.of_type(rock)))
    assert cells == expected


class _ScanningIndex(CollisionIndex):
    """Every shortcut off: each lookup scans every sprite of the asked types."""

    use_contact_cache = False

    def cover(self, store, types, signature):  # type: ignore[no-untyped-def]
        return None

    def near(self, store, types, x, y, sid_limit):  # type: ignore[no-untyped-def]
        out = []
        for t in types:
            for s in store.groups[t].values():
                if -self.block_size < s.x - x < self.block_size and -self.block_size < s.y - y < self.block_size \
                        and s.sid < sid_limit:
                    out.append(s)
        return out


class _ScanningGame(Game):
    collision_index = _ScanningIndex


def _state(g: Game) -> tuple:  # type: ignore[type-arg]
    return (g.score, g.winner, g.ended, tuple(sorted((s.kind.name, s.sid, s.x, s.y) for s in g.sprites())))


@pytest.mark.parametrize("name", sorted(p.name for p in GAMES.iterdir() if (p / "game.txt").exists()))
def test_the_indexed_engine_plays_as_a_scan_does(name: str) -> None:
    """Seeded random play, from the start and from copies, is the same with every shortcut on and off."""
    start = vgdl.load_game(GAMES / name / "game.txt", GAMES / name / "level0.txt", seed=3)
    scan = _ScanningGame(start.rules, list(start.level_rows), seed=3, level_name=start.level_name)
    rng = JavaRandom(11)
    fast, slow = start.copy(), scan.copy()
    for step in range(600):
        if fast.ended:
            assert slow.ended
            fast, slow = start.copy(), scan.copy()
        action = fast.actions[rng.next_int(len(fast.actions))]
        if step % 7 == 0:  # copies share the lineage's caches: play some steps on a copy
            fast, slow = fast.copy(), slow.copy()
        fast.step(action)
        slow.step(action)
        assert _state(fast) == _state(slow), (name, step)
