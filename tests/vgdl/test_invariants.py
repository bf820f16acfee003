"""The sprite store's two invariants, checked by the code's shape and by running games.

1. Engine code changes a sprite only through a :class:`vgdl.store.SpriteStore` mutator, or
   writes a sprite class's private field on a sprite it owns (the one ``update`` is handed,
   or one returned by ``own`` / ``add_sprite``). Otherwise a write could reach a sprite
   still shared with a copy of the game.
2. Every observable change renews its type's version stamp (position, appearance, death,
   disabling) or detail stamp (orientation, health). Otherwise the stamp-keyed caches
   (collision indexes, contact cache, observations, frames) would serve stale data.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import vgdl
from tests.conftest import SKIP_NO_SHARED, gvgai_index
from vgdl.rng import JavaRandom
from vgdl.sprite import CLASS_FIELDS, FIELD_NAMES, STORE_FIELDS

VGDL = Path(vgdl.__file__).parent
#: the only modules that may assign a sprite's store fields
STORE_MODULES = {VGDL / "store.py", VGDL / "sprite.py"}
ENGINE_FILES = sorted(p for p in VGDL.rglob("*.py") if p not in STORE_MODULES)
OWNING_CALLS = {"own", "add_sprite"}


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        out: list[ast.expr] = []
        for t in node.targets:
            out.extend(t.elts if isinstance(t, ast.Tuple) else [t])
        return out
    if isinstance(node, ast.AugAssign | ast.AnnAssign):
        return [node.target]
    return []


def _is_owning_call(node: ast.expr) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in OWNING_CALLS)


def _sprite_field_writes(tree: ast.Module) -> list[tuple[int, str, str]]:
    """(line, field, why) for every assignment to a sprite field that breaks invariant 1."""
    problems = []

    def visit(node: ast.AST, in_class: bool) -> None:
        if isinstance(node, ast.ClassDef):
            for child in node.body:
                visit(child, True)
            return
        if isinstance(node, ast.FunctionDef):
            owned = set()
            params = [a.arg for a in node.args.args]
            if in_class and "s" in params:
                owned.add("s")  # the sprite the engine hands a sprite class (owned: see Game._update_sprites)
            for sub in ast.walk(node):
                if isinstance(sub, ast.Assign) and _is_owning_call(sub.value):
                    owned.update(t.id for t in sub.targets if isinstance(t, ast.Name))
            for child in node.body:
                visit_statement(child, owned)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, in_class)

    def visit_statement(node: ast.AST, owned: set[str]) -> None:
        for sub in ast.walk(node):
            for target in _targets(sub):
                if not isinstance(target, ast.Attribute) or target.attr not in FIELD_NAMES:
                    continue
                obj = target.value
                if isinstance(obj, ast.Name) and obj.id == "self":
                    continue  # an object's own attribute of the same name (e.g. SpriteKind.speed)
                if target.attr in STORE_FIELDS:
                    problems.append((sub.lineno, target.attr, "observable field: use a SpriteStore mutator"))
                elif not (_is_owning_call(obj) or (isinstance(obj, ast.Name) and obj.id in owned)):
                    problems.append((sub.lineno, target.attr, "write on a sprite that may be shared: own() it"))

    visit(tree, False)
    return problems


def test_the_field_table_drives_the_sprite_record() -> None:
    from vgdl.sprite import FIELDS, Sprite

    assert Sprite.__slots__ == FIELD_NAMES
    assert set(Sprite.__annotations__) == set(FIELD_NAMES)
    assert STORE_FIELDS | CLASS_FIELDS == set(FIELD_NAMES) and not STORE_FIELDS & CLASS_FIELDS
    game = vgdl.load_game(GAME_DIR / "game.txt", GAME_DIR / "level0.txt", seed=0)
    s = next(iter(game.sprites()))
    twin = s.clone("token")
    assert [getattr(twin, f.name) for f in FIELDS if f.name != "owner"] == \
        [getattr(s, f.name) for f in FIELDS if f.name != "owner"]
    assert twin.owner == "token"


def test_the_constructor_sets_every_field_as_the_table_declares() -> None:
    from vgdl.sprite import ARG, FIELDS, Sprite

    game = vgdl.load_game(GAME_DIR / "game.txt", GAME_DIR / "level0.txt", seed=0)
    kind = next(iter(game.sprites())).kind
    args = {"sid": 7, "kind": kind, "x": 1, "y": 2, "lx": 3, "ly": 4, "lrt": 5, "lm": 6, "owner": "token"}
    assert set(args) == {f.name for f in FIELDS if f.initial == ARG}
    s = Sprite.new(**args)
    for f in FIELDS:
        if f.initial == ARG:
            expected = args[f.name]
        elif isinstance(f.initial, tuple) and len(f.initial) == 2 and f.initial[0] == "kind":
            expected = getattr(kind, f.initial[1])
        else:
            expected = f.initial
        assert getattr(s, f.name) == expected, f.name


GAME_DIR = Path(__file__).resolve().parents[2] / "games" / "coin_dash"


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: str(p.relative_to(VGDL)))
def test_engine_code_writes_sprites_only_through_the_store(path: Path) -> None:
    problems = _sprite_field_writes(ast.parse(path.read_text(), str(path)))
    assert not problems, "\n".join(f"{path.name}:{line}: .{field} = ...: {why}" for line, field, why in problems)


def test_the_scan_catches_direct_writes() -> None:
    bad = ast.parse("def effect(g, s1, s2, e):\n    s1.x = 3\n    s1.counter += 1\n"
                    "class C:\n    def update(self, g, s):\n        s.counter = 0\n        t = g.store.own(s2)\n"
                    "        t.age = 1\n        s.ori = (1, 0)\n")
    assert [(line, field) for line, field, _ in _sprite_field_writes(bad)] == [(2, "x"), (3, "counter"), (9, "ori")]


@pytest.mark.parametrize("name", ["observations.py", "render.py", "level.py", "solve.py"])
def test_observers_use_the_view_not_private_fields(name: str) -> None:
    text = (VGDL / name).read_text()
    assert not re.findall(r"\b(game|g|twin)\._\w+", text)


def test_only_the_store_writes_its_bookkeeping() -> None:
    pattern = re.compile(r"\.(groups|versions|details|killed|owned|avatar_sid|next_sid)(\[[^\]]*\])?\s*[-+]?=[^=]")
    for path in ENGINE_FILES:
        for i, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#")[0]
            assert not pattern.search(code) or "self." in code, f"{path.name}:{i}: {line.strip()}"


def _snapshot(game: vgdl.Game) -> tuple[list[int], list[int], list[dict], list[dict]]:
    view = game.view
    positions, details = [], []
    for t in range(view.n_types):
        positions.append({s.sid: (s.x, s.y, s.disabled) for s in view.of_type(t)})
        details.append({s.sid: (s.ori, s.hp, s.resources) for s in view.of_type(t)})
    return ([view.version(t) for t in range(view.n_types)], [view.detail(t) for t in range(view.n_types)],
            positions, details)


def _full_state(game: vgdl.Game) -> list[tuple]:
    return sorted((s.kind.itype, *(repr(getattr(s, f)) for f in FIELD_NAMES if f not in ("kind", "owner")))
                  for s in game.sprites())


GAMES = gvgai_index()[::6]


@SKIP_NO_SHARED
@pytest.mark.parametrize("entry", GAMES, ids=[g["name"] for g in GAMES])
def test_every_observable_change_renews_a_stamp_and_copies_stay_apart(entry: dict, shared_gvgai) -> None:  # type: ignore[no-untyped-def]
    game = vgdl.load_game(shared_gvgai / entry["game_file"], shared_gvgai / entry["level_files"][0], seed=0)
    rng = JavaRandom(11)
    before = _snapshot(game)
    for step in range(120):
        if game.ended:
            break
        if step % 10 == 3:  # a copy plays ahead: the original must not see any of it
            state = _full_state(game)
            twin = game.copy()
            for _ in range(3):
                twin.step(twin.actions[rng.next_int(len(twin.actions))])
            assert _full_state(game) == state, "a copy's steps changed the original"
        game.step(game.actions[rng.next_int(len(game.actions))])
        after = _snapshot(game)
        for t in range(len(before[0])):
            if after[0][t] == before[0][t]:
                assert after[2][t] == before[2][t], f"type {t} moved without a new version stamp"
            if after[1][t] == before[1][t] and after[0][t] == before[0][t]:
                changed = {sid for sid, d in after[3][t].items() if before[3][t].get(sid, d) != d}
                # resources are not stamped (no observation shows them); orientation and health are
                assert not {sid for sid in changed if after[3][t][sid][:2] != before[3][t][sid][:2]}, \
                    f"type {t} turned or changed health without a new detail stamp"
        before = after
