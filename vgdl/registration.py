"""Gymnasium ids for games: ``VGDL/<Game>-v0`` for every game in ``games/``, and external suites.

Importing :mod:`vgdl` calls :func:`register_games` when gymnasium is installed.
"""

from __future__ import annotations

from pathlib import Path

ENTRY_POINT = "vgdl.env:VGDLEnv"
GAMES_DIR = Path(__file__).resolve().parent.parent / "games"


def env_name(game: str) -> str:
    """``coin_dash`` -> ``CoinDash`` (GVGAI names such as ``x-racer`` -> ``XRacer``)."""
    parts = [p for p in game.replace("-", "_").split("_") if p]
    return "".join(p[:1].upper() + p[1:] for p in parts)


def register_games(games_dir: str | Path = GAMES_DIR, namespace: str = "VGDL") -> list[str]:
    """Register one id per game in ``games_dir`` (our manifest if present, else any layout found)."""
    import gymnasium

    from vgdl.suite import ManifestError, discover, load_manifest

    games_dir = Path(games_dir)
    try:
        manifest = games_dir / "manifest.toml"
        cards = load_manifest(manifest, games_dir) if manifest.exists() else discover(games_dir)
    except ManifestError:
        cards = discover(games_dir)  # a broken manifest must not break importing the package
    ids = []
    for name, card in cards.items():
        env_id = f"{namespace}/{env_name(name)}-v0"
        if env_id not in gymnasium.registry:
            gymnasium.register(env_id, entry_point=ENTRY_POINT, kwargs={
                "game_file": str(card.game_file), "level_files": [str(p) for p in card.level_files], "name": name})
        ids.append(env_id)
    return ids


def register_suite(directory: str | Path, namespace: str = "VGDLExt") -> list[str]:
    """Register a directory of external games (our layout or GVGAI's ``name.txt`` + ``name_lvlK.txt``)."""
    return register_games(directory, namespace)
