"""Which games a tournament plays: our suite by name or split, or a directory of external games.

A game is identified by its name *and* a hash of its files, so a changed game file is a new unit
in the results store, and the same game from another checkout merges with this one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from vgdl.suite import GameCard, discover, load_manifest
from vgdl.variants import VARIANTS

SPLIT_WORDS = ("dev", "heldout", "all")


class GameSelectionError(ValueError):
    """An unknown game, split or variant (the message lists the valid names)."""


@dataclass(frozen=True)
class GameRef:
    """One game of a tournament: its files, where it comes from, and its manifest card if ours."""

    name: str
    game_file: str
    level_files: tuple[str, ...]
    suite: str  # "games" for ours, else the external directory as given
    split: str = ""
    family: str = ""
    broken_priors: tuple[str, ...] = ()

    @property
    def files_hash(self) -> str:
        h = hashlib.sha256()
        for path in (self.game_file, *self.level_files):
            h.update(Path(path).read_bytes())
            h.update(b"\0")
        return h.hexdigest()[:16]

    @property
    def external(self) -> bool:
        return self.suite != "games"


def _ours(card: GameCard) -> GameRef:
    return GameRef(card.name, str(card.game_file), tuple(str(p) for p in card.level_files), "games", card.split,
                   card.family, tuple(card.broken_priors()))


def our_games() -> dict[str, GameRef]:
    """Every game of our suite by name, with its manifest card's tags."""
    return {name: _ours(card) for name, card in load_manifest().items()}


def _is_dir(path: Path) -> bool:
    """``Path.is_dir`` that says False for a name the OS refuses (a long comma list of games)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def select_games(spec: str) -> list[GameRef]:
    """``dev``, ``heldout``, ``all``, a comma list of our game names, or a directory of VGDL games."""
    spec = spec.strip()
    path = Path(spec)
    if spec not in SPLIT_WORDS and _is_dir(path):
        cards = discover(path)
        if not cards:
            raise GameSelectionError(f"no VGDL games in {spec} (expected <name>/game.txt or GVGAI's name.txt + "
                                     f"name_lvl0.txt)")
        return [GameRef(c.name, str(c.game_file), tuple(str(p) for p in c.level_files), spec)
                for c in cards.values()]
    cards = load_manifest()
    if spec in ("dev", "heldout"):
        return [_ours(c) for c in cards.values() if c.split == spec]
    if spec == "all":
        return [_ours(c) for c in cards.values()]
    names = [n.strip() for n in spec.split(",") if n.strip()]
    unknown = [n for n in names if n not in cards]
    if unknown or not names:
        raise GameSelectionError(f"unknown game(s) {', '.join(unknown) or repr(spec)}; valid: dev, heldout, all, "
                                 f"a directory of VGDL games, or names from: {', '.join(cards)}")
    return [_ours(cards[n]) for n in dict.fromkeys(names)]


def parse_variants(spec: str) -> list[str]:
    """``""`` -> the plain game only; ``"reskin,rename"`` -> those variants (checked)."""
    names = [v.strip() for v in spec.split(",") if v.strip()]
    unknown = [v for v in names if v not in VARIANTS and v != "none"]
    if unknown:
        raise GameSelectionError(f"unknown variant(s) {', '.join(unknown)}; valid: none, {', '.join(VARIANTS)}")
    return ["" if v == "none" else v for v in names] or [""]


def env_id(game: GameRef) -> str:
    """The Gymnasium id to play ``game`` under (registering an external game's suite if needed)."""
    import gymnasium

    from vgdl.registration import ENTRY_POINT, env_name

    if not game.external:
        import vgdl  # noqa: F401  (registers VGDL/<Game>-v0)

        return f"VGDL/{env_name(game.name)}-v0"
    namespace = "VGDLExt" + hashlib.sha256(str(Path(game.game_file).resolve().parent).encode()).hexdigest()[:8]
    full = f"{namespace}/{env_name(game.name)}-v0"
    if full not in gymnasium.registry:
        gymnasium.register(full, entry_point=ENTRY_POINT, kwargs={
            "game_file": game.game_file, "level_files": list(game.level_files), "name": game.name})
    return full
