"""Game suites: our games with their manifest, and external folders of VGDL games.

``games/manifest.toml`` is the card of every game in ``games/``: a one-line description, a
family, the split (``dev`` games may be tuned on; ``heldout`` games are for evaluation only),
whether it is a survival game, and which of the symbolic agent's priors hold in it. The
manifest is checked strictly: unknown keys, games missing on either side and incomplete prior
tags are errors.

A directory of external games loads as a suite too, in our layout (``<name>/game.txt``,
``<name>/level0.txt`` ...) or GVGAI's (``<name>.txt``, ``<name>_lvl0.txt`` ...).

    vgdl check-games [games/<name> ...]   # validate the manifest, replay solutions
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from vgdl.errors import VGDLError

GAMES_DIR = Path(__file__).resolve().parent.parent / "games"
MANIFEST = GAMES_DIR / "manifest.toml"
LEVELS_PER_GAME = 5

#: The symbolic agent's built-in assumptions a game can satisfy or break: the ten game-side priors of
#: agents/empa/priors.py, each tagged on every card and checked against `testbed audit` by the tests.
PRIORS: dict[str, str] = {
    "avatar_known": "the player controls exactly one plain moving or shooting avatar",
    "walls_known": "walls are static and inert: they only block",
    "objective_form": "the game is won when the count of some sprite type reaches 0",
    "deterministic_rules": "every interaction has a deterministic outcome (NPC movement may be random)",
    "resources_good": "collecting a resource never hurts the player",
    "interaction_library": "every interaction is an effect the agent's fixed library models (no timed TIME effects)",
    "projectile_rollout": "the avatar's shot never hurts its shooter and dies when it hits a wall",
    "color_is_type": "no two types that can exist are drawn alike",
    "default_blocking": "the screen edge blocks (no wrapping, killing or turning at the edge)",
    "movement_library": "every NPC moves as static, random, missile, or a chaser or fleer of the avatar",
}
FAMILIES = ("navigate", "push", "shooter", "avoid", "collect", "chase", "portals", "keys", "helpers", "timing")
SPLITS = ("dev", "heldout")
_CARD_KEYS = {"description", "family", "split", "survival", "avatar_shoots", "priors"}


class ManifestError(ValueError):
    """The manifest disagrees with the games on disk, or a card is incomplete."""


@dataclass(frozen=True)
class GameCard:
    """One game of a suite: where its files are, and (for our games) its manifest card."""

    name: str
    game_file: Path
    level_files: tuple[Path, ...]
    description: str = ""
    family: str = ""
    split: str = "dev"
    survival: bool = False
    avatar_shoots: bool = False
    priors: dict[str, bool] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.game_file.parent

    def broken_priors(self) -> list[str]:
        return [p for p, holds in self.priors.items() if not holds]


def _our_layout(folder: Path) -> GameCard | None:
    game = folder / "game.txt"
    if not game.is_file():
        return None
    levels = []
    k = 0
    while (folder / f"level{k}.txt").is_file():
        levels.append(folder / f"level{k}.txt")
        k += 1
    return GameCard(folder.name, game, tuple(levels))


def discover(root: str | Path) -> dict[str, GameCard]:
    """Every game under ``root``, in our layout or GVGAI's, by name (no manifest needed)."""
    root = Path(root)
    found: dict[str, GameCard] = {}
    if not root.is_dir():
        raise VGDLError("not a directory of games", str(root))
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        card = _our_layout(sub)
        if card is not None:
            found[card.name] = card
    level_re = re.compile(r"^(.+)_lvl(\d+)\.txt$")
    for path in sorted(root.glob("*.txt")):
        if level_re.match(path.name):
            continue
        levels = sorted((p for p in root.glob(f"{path.stem}_lvl*.txt") if level_re.match(p.name)),
                        key=lambda p: int(level_re.match(p.name).group(2)))  # type: ignore[union-attr]
        if levels:
            found.setdefault(path.stem, GameCard(path.stem, path, tuple(levels)))
    return found


def load_manifest(manifest: str | Path = MANIFEST, games_dir: str | Path | None = None) -> dict[str, GameCard]:
    """Our suite: the manifest's cards joined with the game folders; raises ManifestError listing problems."""
    manifest = Path(manifest)
    games_dir = Path(games_dir) if games_dir is not None else manifest.parent
    try:
        data = tomllib.loads(manifest.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"{manifest}: {exc}") from None
    on_disk = {name: card for name, card in discover(games_dir).items() if card.game_file.name == "game.txt"}
    problems: list[str] = []
    cards: dict[str, GameCard] = {}
    for name in sorted(set(on_disk) - set(data)):
        problems.append(f"{name}: a game folder without a manifest card")
    for name, entry in data.items():
        where = f"{manifest.name} [{name}]"
        if name not in on_disk:
            problems.append(f"{where}: no folder games/{name} with game.txt")
            continue
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a table")
            continue
        unknown = set(entry) - _CARD_KEYS
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        missing = {"description", "family", "split", "priors"} - set(entry)
        if missing:
            problems.append(f"{where}: missing keys {sorted(missing)}")
            continue
        if entry["family"] not in FAMILIES:
            problems.append(f"{where}: family {entry['family']!r} is not one of {FAMILIES}")
        if entry["split"] not in SPLITS:
            problems.append(f"{where}: split {entry['split']!r} is not one of {SPLITS}")
        priors = entry["priors"]
        if not isinstance(priors, dict):
            problems.append(f"{where}: priors must be a table")
            continue
        if set(priors) != set(PRIORS):
            problems.append(f"{where}: priors must tag exactly {sorted(PRIORS)}; "
                            f"missing {sorted(set(PRIORS) - set(priors))}, unknown {sorted(set(priors) - set(PRIORS))}")
        if not all(isinstance(v, bool) for v in priors.values()):
            problems.append(f"{where}: prior tags must be true or false")
        for key in ("survival", "avatar_shoots"):
            if not isinstance(entry.get(key, False), bool):
                problems.append(f"{where}: {key} must be true or false")
        disk = on_disk[name]
        if len(disk.level_files) != LEVELS_PER_GAME:
            problems.append(f"{where}: {len(disk.level_files)} levels on disk, expected {LEVELS_PER_GAME}")
        cards[name] = GameCard(name, disk.game_file, disk.level_files, entry["description"], entry["family"],
                               entry["split"], bool(entry.get("survival", False)),
                               bool(entry.get("avatar_shoots", False)), dict(priors))
    if problems:
        raise ManifestError("invalid game manifest:\n  " + "\n  ".join(problems))
    return cards


def check_game(card: GameCard, nil_ticks: int = 2000) -> list[str]:
    """Problems with one game: it must load, its solutions must win, and idling must not win."""
    from vgdl.loading import load_game
    from vgdl.solve import load_solutions, replay

    problems = []
    solutions = load_solutions(card.folder)
    for k, level in enumerate(card.level_files):
        try:
            game = load_game(card.game_file, level, seed=0)
        except VGDLError as exc:
            problems.append(f"level {k}: {exc}")
            continue
        if game.warnings:
            problems.append(f"level {k}: warnings: {game.warnings[:3]}")
        sol = solutions.get(k)
        if sol is None:
            problems.append(f"level {k}: no solution in solutions.json")
        else:
            end = replay(card.game_file, level, sol["seed"], sol["actions"])
            if end.winner != "WIN":
                problems.append(f"level {k}: the recorded solution ends with {end.winner} at tick {end.tick}")
        if not card.survival:
            idle = load_game(card.game_file, level, seed=0, max_ticks=nil_ticks)
            while not idle.ended:
                idle.step("ACTION_NIL")
            if idle.winner == "WIN":
                problems.append(f"level {k}: doing nothing wins (mark it survival=true if intended)")
    return problems


def card_from_folder(folder: Path) -> GameCard:
    """A game's card from ``folder/card.toml`` (a manifest entry kept beside a game being written)."""
    disk = _our_layout(folder)
    if disk is None:
        raise ManifestError(f"{folder}: no game.txt")
    entry = tomllib.loads((folder / "card.toml").read_text()) if (folder / "card.toml").exists() else {}
    return GameCard(folder.name, disk.game_file, disk.level_files, entry.get("description", ""),
                    entry.get("family", ""), entry.get("split", "dev"), bool(entry.get("survival", False)),
                    bool(entry.get("avatar_shoots", False)), dict(entry.get("priors", {})))


def check_games(folders: list[Path]) -> int:
    """Validate the manifest and check each game (all of the manifest's by default); print one line each."""
    if folders:
        try:
            manifest = load_manifest()
        except ManifestError:
            manifest = {}
        cards = [manifest.get(p.name) or card_from_folder(p) for p in folders]
    else:
        cards = list(load_manifest().values())
    bad = 0
    for card in cards:
        problems = check_game(card)
        if len(card.level_files) != LEVELS_PER_GAME:
            problems.insert(0, f"{len(card.level_files)} levels, expected {LEVELS_PER_GAME}")
        print(f"{card.name}: {'ok' if not problems else '; '.join(problems)}")
        bad += bool(problems)
    return 1 if bad else 0

