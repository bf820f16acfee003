"""Test frames drawn as character grids (shared by the planner and simulator tests)."""

from __future__ import annotations

from agents.empa.perception import Frame


def grid_frame(rows: list[str], codes: dict[str, list[int]], avatar: int) -> Frame:
    """One object per listed type in each cell (``codes``: character -> types); the avatar is id 999."""
    objects = {}
    for y, row in enumerate(rows):
        for x, ch in enumerate(row):
            for t in codes[ch]:
                objects[999 if t == avatar else len(objects)] = (t, x, y)
    return Frame(objects, 999)
