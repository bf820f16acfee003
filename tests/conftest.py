"""Shared test setup: headless pygame, and the optional shared GVGAI data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

REPO = Path(__file__).resolve().parent.parent
GAMES = REPO / "games"


def _shared_gvgai() -> Path | None:
    from vgdl.conformance import shared_gvgai_dir

    return shared_gvgai_dir()


SHARED_GVGAI = _shared_gvgai()
SKIP_NO_SHARED = pytest.mark.skipif(
    SHARED_GVGAI is None,
    reason="../shared/gvgai (GVGAI games and traces) is not present beside this checkout; "
    "conformance tests need it",
)


@pytest.fixture
def shared_gvgai() -> Path:
    if SHARED_GVGAI is None:
        pytest.skip("../shared/gvgai is not present beside this checkout")
    return SHARED_GVGAI


def gvgai_index() -> list[dict]:
    """The shared index's game entries, or [] when the shared data is absent."""
    import json

    if SHARED_GVGAI is None:
        return []
    return json.loads((SHARED_GVGAI / "index.json").read_text())["games"]
