"""PixelPerceiver: objects rebuilt from RGB frames agree with the env's object table.

Real games are played with ``obs_type="all"`` so each frame comes with the table it was drawn from.
"""

from __future__ import annotations

import math

import gymnasium
import numpy as np
import pytest

import vgdl  # noqa: F401  (registers the VGDL/... ids)
from agents.empa.pixels import PixelPerceiver
from vgdl.observations import TABLE_COLUMNS

TS = 4
TYPE, X, Y, ID, IS_AVATAR = (TABLE_COLUMNS.index(c) for c in ("type", "x", "y", "id", "is_avatar"))


def _env(game: str) -> gymnasium.Env:
    return gymnasium.make(f"VGDL/{game}-v0", obs_type="all", tile_size=TS)


def _covered(table: np.ndarray) -> set[tuple[int, int]]:
    """Cells the table's sprites are drawn on (two or four cells for a sprite between cells)."""
    cells = set()
    for x, y in table[:, [X, Y]].tolist():
        for cx in {math.floor(x), math.ceil(x)}:
            for cy in {math.floor(y), math.ceil(y)}:
                cells.add((cx, cy))
    return cells


def _stacks(table: np.ndarray) -> dict[tuple[int, int], tuple[int, ...]]:
    """Cell -> sorted types of the sprites in it; only for a table with every sprite on a cell."""
    assert np.all(table[:, [X, Y]] % 1 == 0), "sprites between cells: stacks are undefined"
    stacks: dict[tuple[int, int], list[int]] = {}
    for t, x, y in table[:, [TYPE, X, Y]].astype(int).tolist():
        stacks.setdefault((x, y), []).append(t)
    return {c: tuple(sorted(ts)) for c, ts in stacks.items()}


def _by_cell(perceived: np.ndarray, hidden: frozenset[int] = frozenset()) -> dict[tuple[int, int], tuple[int, int]]:
    """Cell -> (token, id) of what a perceived table shows (``hidden`` ids left out); fails if a cell shows two."""
    out = {}
    for t, x, y, i in perceived[:, [TYPE, X, Y, ID]].astype(int).tolist():
        if i in hidden:
            continue
        assert (x, y) not in out
        out[(x, y)] = (t, i)
    return out


def _shown(p: PixelPerceiver, frame: np.ndarray) -> dict[tuple[int, int], tuple[int, int]]:
    """Cell -> (token, id) of what ``frame`` shows, as ``p`` perceives it (hidden objects left out)."""
    table = p.perceive(frame)
    return _by_cell(table, p.hidden_ids)


def _tile(frame: np.ndarray, cell: tuple[int, int]) -> np.ndarray:
    x, y = cell
    return frame[y * TS:(y + 1) * TS, x * TS:(x + 1) * TS]


def _avatar_cell(table: np.ndarray) -> tuple[int, int]:
    row = table[table[:, IS_AVATAR] > 0.5]
    assert len(row) == 1
    return int(row[0, X]), int(row[0, Y])


# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("game", ["ShortMaze", "CoinDash"])
@pytest.mark.parametrize("level", [0, 2, 4])
def test_objects_are_the_occupied_cells(game: str, level: int) -> None:
    env = _env(game)
    obs, _ = env.reset(seed=0, options={"level": level})
    table = obs["objects"]
    perceived = PixelPerceiver(TS).perceive(obs["pixels"])
    assert perceived.dtype == np.float32 and perceived.shape == (len(perceived), len(TABLE_COLUMNS))
    occupied = set(_stacks(table))
    assert len(perceived) == len(occupied)
    assert set(_by_cell(perceived)) == occupied
    # what pixels cannot say is zero
    for col in ("orientation_x", "orientation_y", "is_avatar", "health"):
        assert not perceived[:, TABLE_COLUMNS.index(col)].any()
    # rows sorted by (type, id), ids unique
    keys = perceived[:, [TYPE, ID]].tolist()
    assert keys == sorted(keys)
    assert len(set(perceived[:, ID].tolist())) == len(perceived)


@pytest.mark.parametrize("game", ["ShortMaze", "CoinDash"])
def test_same_appearance_same_token(game: str) -> None:
    env = _env(game)
    obs, _ = env.reset(seed=0, options={"level": 4})
    frame = obs["pixels"]
    p = PixelPerceiver(TS)
    cells = _shown(p, frame)
    tiles = {c: _tile(frame, c).tobytes() for c in cells}
    token_of_tile: dict[bytes, int] = {}
    tile_of_token: dict[int, bytes] = {}
    for c, (token, _) in cells.items():
        assert token_of_tile.setdefault(tiles[c], token) == token
        assert tile_of_token.setdefault(token, tiles[c]) == tiles[c]
        np.testing.assert_array_equal(p.appearance(token), _tile(frame, c))
    # equal sprite stacks look the same, so they get one token
    token_of_stack: dict[tuple[int, ...], int] = {}
    for c, stack in _stacks(obs["objects"]).items():
        assert token_of_stack.setdefault(stack, cells[c][0]) == cells[c][0]
    assert p.n_types == len(tile_of_token) >= 3  # e.g. floor, wall, avatar on floor
    assert sorted(tile_of_token) == list(range(p.n_types))  # small tokens from 0


@pytest.mark.parametrize("game", ["ShortMaze", "CoinDash"])
def test_tokens_are_stable_across_resets_and_levels(game: str) -> None:
    env = _env(game)
    p = PixelPerceiver(TS)
    token_of_stack: dict[tuple[int, ...], int] = {}
    for level in (0, 1, 3, 0):
        obs, _ = env.reset(seed=level, options={"level": level})
        p.reset_episode()
        seen_types = p.n_types
        cells = _shown(p, obs["pixels"])
        stacks = _stacks(obs["objects"])
        old_tokens = set(token_of_stack.values())
        for c, stack in stacks.items():
            assert token_of_stack.setdefault(stack, cells[c][0]) == cells[c][0]
        # only appearances never seen before get tokens, numbered on from the last one
        new_tokens = {t for t, _ in cells.values()} - old_tokens
        assert sorted(new_tokens) == list(range(seen_types, p.n_types))
    assert len(token_of_stack) >= 3


def test_ids_follow_the_moving_avatar_and_static_objects_keep_theirs() -> None:
    env = _env("ShortMaze")
    obs, _ = env.reset(seed=0, options={"level": 0})
    names = env.unwrapped.action_names
    p = PixelPerceiver(TS)
    cells = _shown(p, obs["pixels"])
    walls = {c: v for c, v in cells.items() if c[0] in (0, 6) or c[1] in (0, 4)}  # the border
    avatar = _avatar_cell(obs["objects"])
    avatar_id = cells[avatar][1]
    moved = 0
    for action in ("ACTION_RIGHT", "ACTION_RIGHT", "ACTION_LEFT", "ACTION_DOWN", "ACTION_DOWN", "ACTION_UP"):
        obs, _, terminated, _, _ = env.step(names.index(action))
        cells = _shown(p, obs["pixels"])
        now = _avatar_cell(obs["objects"])
        assert abs(now[0] - avatar[0]) + abs(now[1] - avatar[1]) == 1
        assert cells[now][1] == avatar_id, f"avatar lost its id moving {avatar} -> {now}"
        assert cells[avatar][0] != cells[now][0]  # the cell it left shows floor again
        avatar = now
        moved += 1
        assert {c: cells[c] for c in walls} == walls
        assert not terminated
    assert moved == 6


def test_random_play_with_objects_between_cells() -> None:
    """CoinDash's guard moves half a cell per step: cells stay right, static ids stay fixed."""
    env = _env("CoinDash")
    obs, _ = env.reset(seed=1, options={"level": 0})
    p = PixelPerceiver(TS)
    first = _shown(p, obs["pixels"])
    walls = {c: v for c, v in first.items() if c[0] in (0, 11) or c[1] in (0, 6)}
    rng = np.random.default_rng(0)
    between = 0
    for _ in range(40):
        obs, _, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
        perceived = p.perceive(obs["pixels"])
        table = obs["objects"]
        between += bool(np.any(table[:, [X, Y]] % 1))
        cells = _by_cell(perceived, p.hidden_ids)
        assert set(cells) == _covered(table)
        assert {c: cells[c] for c in walls} == walls
        if terminated or truncated:
            break
    assert between > 0  # the case the test is about did happen


def test_transit_keeps_a_guard_between_cells_one_object_of_its_own_look() -> None:
    """CoinDash's guard moves half a cell per step: with transit it keeps its look and its id at one of
    the two cells it is drawn on, every frame; without, half a guard is a new look and the guard is lost."""
    env = _env("CoinDash")

    def guard_at() -> tuple[float, float]:  # (column, row) of the guard, from the engine
        game = env.unwrapped.game
        itype = next(k.itype for k in game.rules.kinds if k.name == "guard")
        (s,) = game.view.live(itype)
        return s.x / game.block_size, s.y / game.block_size

    kept = {}
    for transit in (False, True):
        obs, _ = env.reset(seed=1, options={"level": 0})
        p = PixelPerceiver(TS, transit=transit)
        x0, y0 = (int(v) for v in guard_at())
        token, guard_id = _shown(p, obs["pixels"])[(x0, y0)]
        rng = np.random.default_rng(3)
        between = frames = kept[transit] = 0
        for _ in range(60):
            obs, _, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
            x, y = guard_at()
            between += x % 1 > 0 or y % 1 > 0
            guards = [(c, i) for c, (t, i) in _shown(p, obs["pixels"]).items() if t == token]
            frames += 1
            if len(guards) == 1 and guards[0][1] == guard_id:
                (cx, cy), _ = guards[0]
                assert cx in {math.floor(x), math.ceil(x)} and cy in {math.floor(y), math.ceil(y)}
                kept[transit] += 1
            if terminated or truncated:
                break
        assert between >= 10  # the case the test is about did happen
    assert kept[True] == frames
    assert kept[False] < frames


def test_padding_is_empty() -> None:
    env = _env("ShortMaze")
    obs, _ = env.reset(seed=0, options={"level": 0})  # 7 x 5, padded to the largest level, 15 x 11
    frame = obs["pixels"]
    assert frame.shape == (11 * TS, 15 * TS, 3)
    perceived = PixelPerceiver(TS).perceive(frame)
    assert len(perceived) == 7 * 5
    assert perceived[:, X].max() == 6 and perceived[:, Y].max() == 4


def test_reset_episode_forgets_ids_but_keeps_tokens() -> None:
    env = _env("ShortMaze")
    obs, _ = env.reset(seed=0, options={"level": 1})
    p = PixelPerceiver(TS)
    first = p.perceive(obs["pixels"])
    n = p.n_types
    for _ in range(3):
        obs, *_ = env.step(env.unwrapped.action_names.index("ACTION_RIGHT"))
        p.perceive(obs["pixels"])
    obs, _ = env.reset(seed=0, options={"level": 1})
    p.reset_episode()
    np.testing.assert_array_equal(p.perceive(obs["pixels"]), first)  # same tokens, ids renumbered alike
    assert p.n_types == n


# ---------------------------------------------------------------------------------------------
RED, BLUE = (200, 0, 0), (0, 0, 200)


def _frame(objects: list[tuple[tuple[int, int, int], int, int]], w: int = 8, h: int = 3) -> np.ndarray:
    frame = np.zeros((h * TS, w * TS, 3), np.uint8)
    for color, x, y in objects:
        frame[y * TS:(y + 1) * TS, x * TS:(x + 1) * TS] = color
    return frame


def _ids(p: PixelPerceiver, objects: list[tuple[tuple[int, int, int], int, int]]) -> dict[tuple[int, int], int]:
    return {c: i for c, (_, i) in _shown(p, _frame(objects)).items()}


def test_tracking_prefers_the_nearest_object_of_the_same_appearance() -> None:
    p = PixelPerceiver(TS)
    a = _ids(p, [(RED, 0, 0), (RED, 5, 0), (BLUE, 2, 2)])
    b = _ids(p, [(RED, 4, 0), (RED, 1, 0), (BLUE, 3, 2)])
    assert b[(1, 0)] == a[(0, 0)] and b[(4, 0)] == a[(5, 0)] and b[(3, 2)] == a[(2, 2)]
    # crossing paths: still nearest first
    c = _ids(p, [(RED, 3, 0), (RED, 0, 0), (BLUE, 3, 2)])
    assert c[(3, 0)] == a[(5, 0)] and c[(0, 0)] == a[(0, 0)]
    # one left: the nearer (newer id) of the two keeps tracking it, not the older one
    d = _ids(p, [(RED, 2, 0)])
    assert d[(2, 0)] == c[(3, 0)] != c[(0, 0)]


def test_tracking_never_matches_across_appearances_or_beyond_max_distance() -> None:
    p = PixelPerceiver(TS, max_distance=2)
    edge = (GREY, 15, 5)  # the level is 16 x 6 cells: no jump below is a step across its edges

    def ids(objects: list[tuple[tuple[int, int, int], int, int]]) -> dict[tuple[int, int], int]:
        return {c: i for c, (_, i) in _shown(p, _frame([*objects, edge], w=16, h=6)).items() if c != edge[1:]}

    a = ids([(RED, 0, 0), (RED, 1, 2), (BLUE, 7, 2), (BLUE, 7, 1)])
    b = ids([(BLUE, 0, 0), (BLUE, 0, 1), (RED, 5, 0), (RED, 6, 2)])  # blues took reds' places; reds jumped 4+
    assert not set(a.values()) & set(b.values())
    c = ids([(BLUE, 2, 0), (BLUE, 0, 2), (RED, 7, 0), (RED, 6, 1)])  # 2 cells or fewer each: within reach
    assert (c[(2, 0)], c[(0, 2)], c[(7, 0)], c[(6, 1)]) == (b[(0, 0)], b[(0, 1)], b[(5, 0)], b[(6, 2)])


def test_a_mover_that_wraps_around_the_level_keeps_its_id() -> None:
    """Two look-alike trains run right along a row; the first leaves the right edge and comes back at the
    left: it is tracked across the edge, not taken for one that died and a new one born."""
    p = PixelPerceiver(TS)
    floor = [(GREY, x, 1) for x in range(8)]  # the level's extent: 8 cells
    a = _ids(p, [(RED, 7, 0), (RED, 3, 0), *floor])
    b = _ids(p, [(RED, 0, 0), (RED, 4, 0), *floor])
    assert b[(0, 0)] == a[(7, 0)] and b[(4, 0)] == a[(3, 0)]


def test_an_appearance_unique_in_both_frames_follows_its_object_any_distance() -> None:
    """A teleport: the avatar vanishing by a portal and showing up far away is one object, not a death."""
    p = PixelPerceiver(TS, max_distance=2)
    a = _ids(p, [(RED, 0, 0), (BLUE, 1, 1), (BLUE, 2, 1)])
    b = _ids(p, [(RED, 7, 2), (BLUE, 1, 1), (BLUE, 6, 0)])  # one blue stayed, the other jumped 4+
    assert b[(7, 2)] == a[(0, 0)]
    assert b[(1, 1)] == a[(1, 1)] and b[(6, 0)] not in a.values()  # two of a kind: a new one


def test_tracking_ties_break_deterministically() -> None:
    p = PixelPerceiver(TS)
    a = _ids(p, [(RED, 2, 0)])
    b = _ids(p, [(RED, 1, 0), (RED, 3, 0)])  # both one cell away: the first in row-major order wins
    assert b[(1, 0)] == a[(2, 0)] and b[(3, 0)] != a[(2, 0)]
    q = PixelPerceiver(TS)
    assert [_ids(q, o) for o in ([(RED, 2, 0)], [(RED, 1, 0), (RED, 3, 0)])] == [a, b]


def test_background_tiles_and_bad_frames() -> None:
    p = PixelPerceiver(TS)
    assert p.perceive(_frame([])).shape == (0, len(TABLE_COLUMNS)) and p.n_types == 0
    with pytest.raises(ValueError):
        p.perceive(np.zeros((TS * 2 + 1, TS * 2, 3), np.uint8))
    with pytest.raises(ValueError):
        p.perceive(np.zeros((TS * 2, TS * 2, 3), np.float32))


def test_fingerprint_collisions_never_merge_appearances() -> None:
    p = PixelPerceiver(TS)
    p._weights[:] = 1  # a weak fingerprint (the byte sum): RED and BLUE tiles collide
    cells = _shown(p, _frame([(RED, 0, 0), (BLUE, 1, 0), (RED, 2, 1)]))
    assert cells[(0, 0)][0] == cells[(2, 1)][0] != cells[(1, 0)][0]
    assert p.n_types == 2


# ---------------------------------------------------------------------------------------------
GREY, GOLD, WHITE = (90, 90, 90), (220, 180, 0), (255, 255, 255)


def _table_ids(p: PixelPerceiver, objects: list[tuple[tuple[int, int, int], int, int]]) -> dict[int, tuple[int, int]]:
    """id -> cell of every object in the perceived table, hidden ones included."""
    table = p.perceive(_frame(objects))
    return {int(i): (int(x), int(y)) for x, y, i in table[:, [X, Y, ID]].tolist()}


def test_what_a_mover_covers_stays_hidden_in_the_table_and_keeps_its_id() -> None:
    """A white avatar filling its tile walks over a row of grey floor: no floor dies or is born."""
    p = PixelPerceiver(TS, permanence=True)
    floor = [(GREY, x, 1) for x in range(1, 7)]
    first = _table_ids(p, [(WHITE, 0, 1), *floor])
    floor_ids = {i for i, c in first.items() if c != (0, 1)}
    avatar = next(i for i, c in first.items() if c == (0, 1))
    for x in range(1, 7):
        now = _table_ids(p, [(WHITE, x, 1), *(f for f in floor if f[1] != x), (GREY, 0, 1)])
        assert now[avatar] == (x, 1)
        assert floor_ids <= set(now) and all(now[i] == first[i] for i in floor_ids), "a floor tile moved or died"
        under = {i for i in floor_ids if first[i] == (x, 1)}
        assert set(p.hidden_ids) == under  # exactly the tile under the avatar is hidden
    assert len(now) == len(first) + 1  # the one floor revealed at the start cell is the only new object


def test_a_hidden_object_that_does_not_show_again_is_gone() -> None:
    """The avatar steps on a coin (collected at once) and off again: the coin leaves the table then."""
    p = PixelPerceiver(TS, permanence=True)
    start = _table_ids(p, [(WHITE, 0, 0), (GOLD, 1, 0), (GREY, 2, 0)])
    coin = next(i for i, c in start.items() if c == (1, 0))
    on = _table_ids(p, [(GREY, 0, 0), (WHITE, 1, 0), (GREY, 2, 0)])
    assert on[coin] == (1, 0) and p.hidden_ids == {coin}  # covered: it may still be there
    off = _table_ids(p, [(GREY, 0, 0), (GREY, 1, 0), (WHITE, 2, 0)])
    assert coin not in off  # the coin is gone
    grey = next(i for i, c in start.items() if c == (2, 0))
    assert p.hidden_ids == {grey}  # the grey tile the avatar now covers
    back = _table_ids(p, [(GREY, 0, 0), (GREY, 1, 0), (GREY, 2, 0), (WHITE, 3, 0)])
    assert back[grey] == (2, 0) and not p.hidden_ids  # shown again, with its id


def test_without_permanence_what_is_covered_leaves_the_table() -> None:
    p = PixelPerceiver(TS)
    start = _table_ids(p, [(WHITE, 0, 0), (GOLD, 1, 0)])
    on = _table_ids(p, [(GREY, 0, 0), (WHITE, 1, 0)])
    coin = next(i for i, c in start.items() if c == (1, 0))
    assert coin not in on and not p.hidden_ids  # the agent's default: covered is gone


def test_dark_cells_inside_the_level_are_objects_and_padding_stays_empty() -> None:
    """A black sprite (a pit) in a gray floor is drawn like empty space: with ``dark`` on it is an object
    of the black appearance where it breaks the floor; the black padding right of the level is not."""
    gray = (100, 100, 100)
    floor = [(gray, x, y) for x in range(5) for y in range(3) if (x, y) != (2, 1)]  # a 5 x 3 level, pit at (2, 1)
    frame = _frame(floor, w=8, h=3)  # columns 5-7: padding
    assert len(PixelPerceiver(TS).perceive(frame)) == 14
    p = PixelPerceiver(TS, dark=True)
    table = p.perceive(frame)
    assert len(table) == 15
    pit = table[(table[:, X] == 2) & (table[:, Y] == 1)]
    assert len(pit) == 1 and not p.appearance(int(pit[0, 0])).any()  # its appearance: all black
    assert p.n_types == 2
    assert len(p.perceive(_frame([]))) == 0  # an all-black frame has no level to be inside of


def test_dark_padding_of_a_real_level_stays_empty() -> None:
    env = _env("ShortMaze")
    obs, _ = env.reset(seed=0, options={"level": 0})  # 7 x 5, padded to 15 x 11
    perceived = PixelPerceiver(TS, dark=True).perceive(obs["pixels"])
    assert perceived[:, X].max() == 6 and perceived[:, Y].max() == 4


# --- layers: a small sprite over a ground --------------------------------------------------------
def _coin(frame: np.ndarray, x: int, y: int, color: tuple[int, int, int] = GOLD) -> np.ndarray:
    """Draw a 2 x 2 coin in the middle of cell (x, y), over whatever is there."""
    frame[y * TS + 1:y * TS + 3, x * TS + 1:x * TS + 3] = color
    return frame


def _layered(p: PixelPerceiver, frame: np.ndarray) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Cell -> [(token, id)] in table order (a cell's ground before its top)."""
    out: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for t, x, y, i in p.perceive(frame)[:, [TYPE, X, Y, ID]].astype(int).tolist():
        out.setdefault((x, y), []).append((t, i))
    return out


def test_layers_read_a_coin_on_any_floor_as_one_token_over_that_floor() -> None:
    blue = (40, 60, 200)
    floor = [(GREY, x, y) for x in range(4) for y in range(3)] + [(blue, x, 1) for x in range(4, 8)]
    frame = _coin(_coin(_coin(_frame(floor), 1, 0), 5, 1), 6, 2)  # (6, 2): a coin over nothing
    p = PixelPerceiver(TS, layers=True)
    cells = _layered(p, frame)
    grey, blue_t = cells[(0, 0)][0][0], cells[(4, 1)][0][0]
    coin = cells[(1, 0)][1][0]
    assert [t for t, _ in cells[(1, 0)]] == [grey, coin]
    assert [t for t, _ in cells[(5, 1)]] == [blue_t, coin]  # the same token over another floor
    assert [t for t, _ in cells[(6, 2)]] == [coin]
    assert p.n_types == 3
    assert (p.appearance(coin)[1:3, 1:3] == GOLD).all() and not p.appearance(coin)[0].any()
    # without layers each coin-over-floor is an appearance of its own, and hides its floor
    plain = _by_cell(PixelPerceiver(TS).perceive(frame))
    assert len({plain[(1, 0)][0], plain[(5, 1)][0], plain[(6, 2)][0], plain[(0, 0)][0]}) == 4


def test_layers_keep_the_floor_when_its_coin_is_taken_and_track_each_layer() -> None:
    floor = [(GREY, x, 1) for x in range(6)]
    p = PixelPerceiver(TS, layers=True)
    before = _layered(p, _coin(_coin(_frame(floor), 2, 1), 4, 1))
    after = _layered(p, _coin(_frame(floor), 4, 1))  # the coin at (2, 1) is gone
    assert after[(2, 1)] == before[(2, 1)][:1]  # the floor: same token, same id
    assert after[(4, 1)] == before[(4, 1)]  # the other coin keeps its id
    moved = _layered(p, _coin(_frame(floor), 5, 1))  # the coin moves one cell right
    assert moved[(5, 1)][1] == before[(4, 1)][1] and moved[(4, 1)] == before[(4, 1)][:1]


def test_layers_read_a_whole_tile_unlike_any_ground_as_a_new_ground() -> None:
    """A tile agreeing with no ground on a quarter of its pixels (a wall, an avatar filling its tile)
    is a ground of its own; a tile read once keeps its reading."""
    p = PixelPerceiver(TS, layers=True)
    striped = _frame([(GREY, x, 0) for x in range(8)])
    striped[TS - 1, TS:2 * TS] = WHITE  # cell (1, 0): grey with a white bottom row (a quarter of it)
    cells = _layered(p, striped)
    assert len(cells[(1, 0)]) == 2
    solid = _layered(p, _frame([(GREY, 0, 0), (WHITE, 1, 0)]))
    assert len(solid[(1, 0)]) == 1 and solid[(1, 0)][0][0] != solid[(0, 0)][0][0]
    assert p.n_types == 3  # grey, the white bottom row (a top), white


def test_layers_agree_with_the_object_table_on_a_real_game() -> None:
    """lava_fuel_crossing draws fuel and crystals at half size over the floor: with layers the floor
    under them stays in the table, so every drawn floor is seen (each cell's floor, wall or lava
    below, and the half-size sprite on top)."""
    env = _env("LavaFuelCrossing")
    obs, _ = env.reset(seed=0, options={"level": 1})
    p = PixelPerceiver(TS, layers=True)
    cells = _layered(p, obs["pixels"])
    stacks = _stacks(obs["objects"])
    names = env.unwrapped.game.type_names
    small = {names.index("fuel"), names.index("crystal")}
    for cell, types in stacks.items():
        if set(types) & small:
            assert len(cells[cell]) == 2, f"{cell}: {types}"
    tops = {ts[1][0] for ts in cells.values() if len(ts) == 2}
    assert len(tops) == 2  # fuel and crystal, whatever lies under them
    with pytest.raises(ValueError):
        PixelPerceiver(TS, layers=True, permanence=True)


# --- status bars: what the avatar holds, read from the bars GVGAI draws over it -------------------

def _bars_play(game: str, moves: list[str], tile: int) -> list[tuple[dict, dict]]:
    """(the engine's inventory, the perceiver's bars) after each move, with status bars drawn."""
    from vgdl.env import VGDLEnv

    env = VGDLEnv(f"games/{game}/game.txt", [f"games/{game}/level0.txt"], tile_size=tile, status_bars=True)
    obs, _ = env.reset(seed=0)
    p = PixelPerceiver(tile, dark=True, status_bars=True)
    p.perceive(obs)
    n_types = p.n_types
    out = []
    for move in moves:
        obs, *_ = env.step(env.action_names.index(move))
        p.perceive(obs)
        out.append((env.game.avatar_state()["resources"], dict(p.bars)))
    assert p.n_types == n_types, "a holder with bars keeps its token (no new appearance)"
    return out


def test_resource_bars_are_read_and_the_holder_keeps_its_token() -> None:
    # lava_fuel_crossing: fuel (limit 3, yellow) picked up twice, then one spent on each lava cell crossed
    # (none left: GVGAI still draws the bar, all black)
    moves = ["ACTION_RIGHT", "ACTION_RIGHT", "ACTION_DOWN", "ACTION_RIGHT", "ACTION_RIGHT", "ACTION_RIGHT"]
    seen = _bars_play("lava_fuel_crossing", moves, 8)
    widths = [(inv.get("fuel", 0), [b[1] for bars in cells.values() for b in bars]) for inv, cells in seen]
    assert widths == [(0, []), (1, [2]), (2, [4]), (2, [4]), (1, [2]), (0, [0])]
    colors = {b[0] for _, cells in seen for bars in cells.values() for b in bars}
    assert colors == {(250, 250, 0), None}


def test_resource_bars_need_a_base_appearance_and_a_bar_shape() -> None:
    from agents.empa.pixels import read_resource_bars

    base = np.zeros((8, 8, 3), np.uint8)
    base[:, :] = (250, 250, 250)
    shown = base.copy()
    shown[5:7, 0:2] = (250, 212, 0)
    shown[5:7, 2:7] = 0
    assert read_resource_bars(shown, base) == (((250, 212, 0), 2, 7),)
    assert read_resource_bars(base, base) is None  # nothing held: no bars
    odd = shown.copy()
    odd[1, 1] = 0  # a difference outside the bars' band: another appearance
    assert read_resource_bars(odd, base) is None
    two = shown.copy()
    two[6, 0:2] = 0  # the lower row empty: two bars of one row each, the second of nothing held
    assert read_resource_bars(two, base) == (((250, 212, 0), 2, 7), (None, 0, 7))
    ragged = shown.copy()
    ragged[6, 4] = (10, 10, 10)  # a colour where a bar can only be black
    assert read_resource_bars(ragged, base) is None


def test_the_bar_inventory_counts_by_rank_of_width_and_names_the_type_picked_up() -> None:
    from agents.empa.pixels import BarInventory

    p = PixelPerceiver(8, dark=True, status_bars=True)
    inv = BarInventory(p)
    fuel = p._token(np.tile(np.array([250, 250, 0], np.uint8), 8 * 8))  # a yellow tile's appearance
    avatar_at = {1: (7, 2, 1)}  # the avatar object, id 1, type 7, at column 2, row 1
    before = {1: (7, 1, 1), 2: (fuel, 2, 1)}  # the fuel it stepped on is gone now
    for width, held in ((2, 1), (4, 2), (7, 3), (4, 2)):
        p.bars = {(1, 2): (((250, 250, 0), width, 7),)}
        assert inv.held(avatar_at, 1, before) == {fuel: held}
        assert inv.full == ({fuel: 3} if width == 7 else {})  # a full bar: the most it can hold
    p.bars = {(1, 2): ((None, 0, 7),)}  # a bar of nothing held: no amount
    assert inv.held(avatar_at, 1, before) == {}


def _strip(cells: str) -> np.ndarray:
    """A one-row frame: ``.`` floor, ``A`` avatar, ``s`` a shot, each a whole tile."""
    colours = {".": (90, 90, 90), "A": (250, 250, 250), "s": (250, 200, 0)}
    return np.concatenate([np.full((TS, TS, 3), colours[c], dtype=np.uint8) for c in cells], axis=1)


@pytest.mark.parametrize("reclaim", [False, True])
def test_an_uncovered_floor_keeps_its_own_id_rather_than_a_covered_neighbours(reclaim: bool) -> None:
    """The avatar steps onto a floor tile while a shot vanishes off another: with ``reclaim`` the floor
    the shot uncovers gets its own id back; without, it takes the covered neighbour's (a floor that moved)."""
    p = PixelPerceiver(TS, reclaim=reclaim)
    first = _shown(p, _strip(".A..s"))
    _shown(p, _strip(".A.s."))  # the shot moves left, over the floor of cell 3
    last = _shown(p, _strip("..A.."))  # the avatar covers cell 2; the shot is gone from cell 3
    floor_ids = {c: i for c, (t, i) in last.items() if t == first[(0, 0)][0]}
    moved = {i for c, i in floor_ids.items() if i in {j for d, (_, j) in first.items() if d != c}}
    if reclaim:
        assert floor_ids[(3, 0)] == first[(3, 0)][1] and not moved
    else:
        assert floor_ids[(3, 0)] == first[(2, 0)][1]  # the defect reclaim removes


def _rails(p: PixelPerceiver, cells: str) -> dict[tuple[int, int], int]:
    """Cell -> id of what shows there, as ``p`` perceives a one-row frame of whole tiles: ``-`` rail,
    ``A`` avatar, ``t`` a train."""
    colours = {"-": (140, 90, 40), "A": (250, 250, 0), "t": (230, 0, 0)}
    frame = np.concatenate([np.full((TS, TS, 3), colours[c], dtype=np.uint8) for c in cells], axis=1)
    return {c: i for c, (_, i) in _shown(p, frame).items()}


@pytest.mark.parametrize("reclaim", [False, True])
def test_a_train_stepping_into_the_cell_the_avatar_leaves_keeps_its_id_and_the_rail_stays_covered(
        reclaim: bool) -> None:
    """A train follows the avatar along a rail, one cell behind: the cell the avatar leaves shows the
    train, not what was under the avatar. Both keep their ids; the rail the train now covers is kept,
    hidden (before, the train was taken for a new one and the rail for gone: a pick-up, remembering them)."""
    p = PixelPerceiver(TS, permanence=not reclaim, reclaim=reclaim)
    f0 = _rails(p, "----A---t")  # the avatar's id is the older: it is matched first
    for frame in ("----A--t-", "----A-t--", "----At---"):
        _rails(p, frame)  # the train runs left up to the avatar
    f4 = _rails(p, "---At----")  # the train's old cell shows the rail it hid: it surely left it
    assert f4[(4, 0)] == f0[(8, 0)] and f4[(3, 0)] == f0[(4, 0)]  # the train and the avatar, tracked
    f5 = _rails(p, "--At-----")  # its old cell shows a rail never seen before, but trains move
    assert f5[(3, 0)] == f0[(8, 0)] and f5[(2, 0)] == f0[(4, 0)]
    assert f0[(3, 0)] in p.hidden_ids  # the rail under the train is the one seen at cell 3


@pytest.mark.parametrize("reclaim", [False, True])
def test_a_train_and_the_avatar_swapping_cells_both_keep_their_ids(reclaim: bool) -> None:
    """Once trains were seen move (not once, as a floor mis-tracked when uncovered may be), one may
    take the cell the avatar leaves for its own: they crossed."""
    p = PixelPerceiver(TS, permanence=not reclaim, reclaim=reclaim)
    f0 = _rails(p, "A-----t")
    for frame in ("-A---t-", "-A--t--", "-A-t---"):
        _rails(p, frame)
    f4 = _rails(p, "-At----")
    f5 = _rails(p, "-tA----")  # they cross
    assert f4[(1, 0)] == f0[(0, 0)]
    assert f5[(1, 0)] == f0[(6, 0)] and f5[(2, 0)] == f0[(0, 0)]
    assert p.hidden_ids == {f0[(1, 0)], f0[(2, 0)]}  # the rails under both


def test_a_floor_shown_where_the_avatar_took_a_key_is_new_not_a_floor_that_moved() -> None:
    """The avatar takes a key off a floor never seen and steps on: the floor shown at the key's cell is
    new (no floor was ever seen move), and the floor the avatar now covers keeps its id, hidden."""
    p = PixelPerceiver(TS, reclaim=True)
    a = _shown(p, _strip("A.s.."))  # ``s``: a key lying on a floor
    _shown(p, _strip(".As.."))
    _shown(p, _strip("..A.."))  # the key is taken
    c = _shown(p, _strip("...A."))
    assert c[(2, 0)][1] not in {i for _, i in a.values()}
    assert a[(3, 0)][1] in p.hidden_ids and c[(1, 0)] == a[(1, 0)]


@pytest.mark.parametrize("reclaim", [False, True])
def test_a_new_object_of_a_movers_look_hides_the_floor_it_appeared_on(reclaim: bool) -> None:
    """Once shots were seen fly, a shot fired onto a floor tile covers it: the tile keeps its id, hidden,
    and shows again under that id when the shot flies on (before, it was a new floor, and the floors
    beside it were matched to the wrong cells: floors that moved)."""
    p = PixelPerceiver(TS, permanence=not reclaim, reclaim=reclaim)
    first = {c: i for c, (_, i) in _shown(p, _strip("A.....")).items()}
    for frame in ("As....", "A.s...", "A..s..", "A...s.", "A....."):  # the first shot: its look moves
        _shown(p, _strip(frame))
    floors = {c: i for c, (_, i) in _shown(p, _strip("A.....")).items()}
    fired = _shown(p, _strip("As...."))
    assert floors[(1, 0)] in p.hidden_ids and fired[(1, 0)][1] not in floors.values()
    on = {c: i for c, (_, i) in _shown(p, _strip("A.s...")).items()}
    assert on[(1, 0)] == floors[(1, 0)] and floors[(2, 0)] in p.hidden_ids
    assert floors[(0, 0)] == first[(0, 0)]
