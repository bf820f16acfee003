"""Parse VGDL game text into a :class:`~vgdl.description.GameDescription`.

Follows GVGAI's reading of the language (``docs/semantics.md`` section 1):
sections in any order, an indentation tree of sprite types whose parameters are
inherited, GVGAI's "an ancestor's declared class wins" rule, built-in ``wall``
and ``avatar`` types with the ``w``/``A`` level characters, multi-partner
interaction lines and the ``EOS``/``TIME`` pseudo-sprites.

Values stay text here; they are typed later against each class's declared
parameters (``vgdl/values.py``), never evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from vgdl.description import (
    GameDescription,
    InteractionRule,
    LevelMappingEntry,
    Param,
    SpriteType,
    TerminationRule,
)
from vgdl.errors import VGDLError, closest

SECTIONS = ("SpriteSet", "InteractionSet", "LevelMapping", "TerminationSet", "ParameterSet")
GAME_CLASSES = ("BasicGame",)
PSEUDO_SPRITES = ("EOS", "TIME")
BUILTIN_WALL = "wall"
BUILTIN_AVATAR = "avatar"
_TOKEN = re.compile(r"\S+")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


@dataclass(frozen=True)
class _Token:
    text: str
    column: int  # 1-based


@dataclass(frozen=True)
class _Line:
    number: int
    indent: int
    tokens: tuple[_Token, ...]

    def split_arrow(self, file: str) -> tuple[tuple[_Token, ...], tuple[_Token, ...]]:
        """Split at the first ``>``; tokens like ``a>b`` are split too."""
        left: list[_Token] = []
        right: list[_Token] = []
        seen = False
        for tok in self.tokens:
            if seen:
                right.append(tok)
                continue
            if ">" in tok.text:
                i = tok.text.index(">")
                before, after = tok.text[:i], tok.text[i + 1:]
                if before:
                    left.append(_Token(before, tok.column))
                if after:
                    right.append(_Token(after, tok.column + i + 1))
                seen = True
            else:
                left.append(tok)
        if not seen:
            raise VGDLError("expected '>' in this line", file, self.number, self.tokens[0].column)
        return tuple(left), tuple(right)


def _lines(text: str, file: str) -> list[_Line]:
    out: list[_Line] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        # GVGAI counts a tab as one column of indentation (it never expands tabs).
        code = raw.split("#", 1)[0].rstrip()
        if not code.strip():
            continue
        if "\x00" in code:
            raise VGDLError("NUL character in game text", file, number, code.index("\x00") + 1)
        indent = len(code) - len(code.lstrip(" \t"))
        tokens = tuple(_Token(m.group(), m.start() + 1) for m in _TOKEN.finditer(code))
        out.append(_Line(number, indent, tokens))
    return out


def _params(tokens: tuple[_Token, ...], file: str, line: int) -> dict[str, Param]:
    params: dict[str, Param] = {}
    for tok in tokens:
        if "=" not in tok.text:
            raise VGDLError(f"expected key=value, got '{tok.text}'", file, line, tok.column)
        key, value = tok.text.split("=", 1)
        if not key:
            raise VGDLError(f"missing parameter name before '=' in '{tok.text}'", file, line, tok.column)
        if not value:
            raise VGDLError(f"missing value for parameter '{key}'", file, line, tok.column + len(key) + 1)
        params[key] = Param(key, value, line, tok.column)
    return params


def read_text(path: str | Path) -> str:
    """Read a game or level file as UTF-8, turning I/O problems into :class:`VGDLError`."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise VGDLError(f"cannot read file: {exc.strerror or exc}", str(path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise VGDLError("file is not valid UTF-8 text", str(path), line, col) from None


def parse_game_file(path: str | Path) -> GameDescription:
    """Parse the VGDL game file at ``path``."""
    return parse_game(read_text(path), str(path))


def parse_game(text: str, file: str = "<string>") -> GameDescription:
    """Parse VGDL game text. Raises :class:`VGDLError` naming file, line and column."""
    lines = _lines(text, file)
    if not lines:
        raise VGDLError("empty game description", file, 1, 1)
    head = lines[0]
    game_class = head.tokens[0].text
    if game_class not in GAME_CLASSES:
        raise VGDLError(f"unknown game class '{game_class}'{closest(game_class, GAME_CLASSES)}",
                        file, head.number, head.tokens[0].column)
    game_params = _params(head.tokens[1:], file, head.number)

    sections: dict[str, list[_Line]] = {}
    current: list[_Line] | None = None
    for line in lines[1:]:
        first = line.tokens[0].text
        if len(line.tokens) == 1 and first in SECTIONS:
            if first in sections:
                raise VGDLError(f"section '{first}' appears twice", file, line.number, line.tokens[0].column)
            current = sections[first] = []
            continue
        if current is None or line.indent <= head.indent:
            hint = closest(first, SECTIONS) if ">" not in first else ""
            raise VGDLError(f"expected a section name ({', '.join(SECTIONS[:4])}), got '{first}'{hint}",
                            file, line.number, line.tokens[0].column)
        current.append(line)

    builder = _Builder(file)
    builder.sprites(sections.get("SpriteSet", []))
    mapping = builder.level_mapping(sections.get("LevelMapping", []))
    interactions = builder.interactions(sections.get("InteractionSet", []))
    terminations = builder.terminations(sections.get("TerminationSet", []))
    return GameDescription(
        file=file,
        game_class=game_class,
        params=game_params,
        types=builder.types,
        sprite_order=builder.sprite_order(),
        level_mapping=mapping,
        interactions=interactions,
        terminations=terminations,
        warnings=tuple(builder.warnings),
    )


class _Builder:
    """Builds the resolved sprite tree and checks that rules name known types."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.types: dict[str, SpriteType] = {}
        self.warnings: list[str] = []
        self._definition_order: list[str] = []
        self._user_defined: set[str] = set()

    # -- SpriteSet -----------------------------------------------------------------------------
    def sprites(self, lines: list[_Line]) -> None:
        # Built-ins come first, as in GVGAI (itype 0 and 1); user definitions replace them.
        self._add(BUILTIN_WALL, "Immovable", {"color": Param("color", "DARKGRAY", 0, 0),
                                               "solid": Param("solid", "True", 0, 0)}, (), 0, 0)
        self._add(BUILTIN_AVATAR, "MovingAvatar", {}, (), 0, 0)
        stack: list[tuple[int, str]] = []
        declared: dict[str, str | None] = {}
        for line in lines:
            left, right = line.split_arrow(self.file)
            if len(left) != 1:
                col = left[1].column if len(left) > 1 else line.tokens[0].column
                raise VGDLError("a sprite line needs exactly one type name before '>'",
                                self.file, line.number, col)
            name_tok = left[0]
            name = name_tok.text
            if not _NAME.match(name) or name in PSEUDO_SPRITES:
                raise VGDLError(f"invalid sprite type name '{name}'", self.file, line.number, name_tok.column)
            while stack and stack[-1][0] >= line.indent:
                stack.pop()
            parent = stack[-1][1] if stack else None
            cls = None
            rest = right
            if right and "=" not in right[0].text:
                cls = right[0].text
                rest = right[1:]
            params = _params(rest, self.file, line.number)
            ancestry = (self.types[parent].ancestry if parent else ()) + (name,)
            if name in self._user_defined:
                self.warnings.append(f"{self.file}:{line.number}: sprite type '{name}' is defined again; "
                                     "the last definition counts")
            if name in self._definition_order:
                self._definition_order.remove(name)
            # GVGAI: the nearest ancestor that declares a class imposes it on its whole subtree.
            inherited_cls = None
            for anc in reversed(ancestry[:-1]):
                if declared.get(anc):
                    inherited_cls = declared[anc]
                    break
            merged = dict(self.types[parent].params) if parent else {}
            merged.update(params)
            declared[name] = cls
            self._user_defined.add(name)
            self._add(name, inherited_cls or cls, merged, ancestry, line.number, name_tok.column,
                      declared_class=cls, own=params)
            if parent:
                p = self.types[parent]
                if name not in p.children:
                    self.types[parent] = _replace(p, children=p.children + (name,))
            stack.append((line.indent, name))

    def _add(self, name: str, cls: str | None, params: dict[str, Param], ancestry: tuple[str, ...],
             line: int, column: int, declared_class: str | None = None,
             own: dict[str, Param] | None = None) -> None:
        self.types[name] = SpriteType(
            name=name, vgdl_class=cls, declared_class=declared_class, params=params,
            own_params=own if own is not None else params, ancestry=ancestry or (name,), children=(),
            line=line, column=column)
        self._definition_order.append(name)

    def sprite_order(self) -> tuple[str, ...]:
        """Leaf types in definition order, as GVGAI orders them.

        An undefined ``wall`` keeps its built-in place at the front; the name ``avatar`` is always
        last, even when the game defines it as an abstract parent (it then has no sprites).
        """
        order = [n for n in self._definition_order if self.types[n].is_leaf and n != BUILTIN_AVATAR]
        order.append(BUILTIN_AVATAR)
        return tuple(order)

    def _check_type(self, name: str, line: int, column: int, pseudo: bool = False) -> None:
        if name in self.types or (pseudo and name.upper() in PSEUDO_SPRITES):
            return
        known = list(self.types) + (list(PSEUDO_SPRITES) if pseudo else [])
        raise VGDLError(f"unknown sprite type '{name}'{closest(name, known)}", self.file, line, column)

    # -- LevelMapping --------------------------------------------------------------------------
    def level_mapping(self, lines: list[_Line]) -> dict[str, LevelMappingEntry]:
        mapping = {
            "w": LevelMappingEntry("w", (BUILTIN_WALL,), 0, 0),
            "A": LevelMappingEntry("A", (BUILTIN_AVATAR,), 0, 0),
        }
        for line in lines:
            left, right = line.split_arrow(self.file)
            if len(left) != 1 or len(left[0].text) != 1:
                col = left[0].column if left else line.tokens[0].column
                raise VGDLError("a level mapping maps one character: 'c > type [type ...]'",
                                self.file, line.number, col)
            if not right:
                raise VGDLError(f"level character '{left[0].text}' maps to no sprite type",
                                self.file, line.number, left[0].column)
            for tok in right:
                if tok.text not in self.types:
                    self.warnings.append(
                        f"{self.file}:{line.number}:{tok.column}: level character '{left[0].text}' maps to "
                        f"unknown sprite type '{tok.text}'{closest(tok.text, self.types)}; "
                        "a level that uses it is rejected")
            mapping[left[0].text] = LevelMappingEntry(left[0].text, tuple(t.text for t in right),
                                                      line.number, left[0].column)
        return mapping

    # -- InteractionSet ------------------------------------------------------------------------
    def interactions(self, lines: list[_Line]) -> tuple[InteractionRule, ...]:
        rules: list[InteractionRule] = []
        for line in lines:
            left, right = line.split_arrow(self.file)
            if len(left) < 2:
                col = left[0].column if left else line.tokens[0].column
                raise VGDLError("an interaction needs two or more sprite types before '>'",
                                self.file, line.number, col)
            if not right:
                raise VGDLError("an interaction needs an effect after '>'", self.file, line.number,
                                line.tokens[-1].column)
            for tok in left:
                self._check_type(tok.text, line.number, tok.column, pseudo=True)
            effect = right[0]
            if "=" in effect.text:
                raise VGDLError(f"expected an effect name after '>', got '{effect.text}'",
                                self.file, line.number, effect.column)
            params = _params(right[1:], self.file, line.number)
            names = [_pseudo(t.text) for t in left]
            for partner in names[1:]:
                rules.append(InteractionRule(names[0], partner, effect.text, params, line.number, effect.column))
        return tuple(rules)

    # -- TerminationSet ------------------------------------------------------------------------
    def terminations(self, lines: list[_Line]) -> tuple[TerminationRule, ...]:
        rules = []
        for line in lines:
            kind = line.tokens[0]
            if "=" in kind.text or ">" in kind.text:
                raise VGDLError(f"expected a termination name, got '{kind.text}'", self.file, line.number,
                                kind.column)
            rules.append(TerminationRule(kind.text, _params(line.tokens[1:], self.file, line.number),
                                         line.number, kind.column))
        return tuple(rules)


def _pseudo(name: str) -> str:
    """GVGAI accepts ``eos`` in any case."""
    return name.upper() if name.upper() in PSEUDO_SPRITES else name


def _replace(t: SpriteType, **changes: object) -> SpriteType:
    from dataclasses import replace

    return replace(t, **changes)


def parse_level(text: str, file: str = "<string>") -> list[str]:
    """Split level text into rows (trailing blank lines dropped; short rows are padded by the builder)."""
    rows = [row.rstrip("\r") for row in text.split("\n")]
    while rows and not rows[-1].strip():
        rows.pop()
    while rows and not rows[0].strip():
        rows.pop(0)
    if not rows:
        raise VGDLError("empty level", file, 1, 1)
    return rows
