"""Perception on its own: object tables become frames of cells, with objects between cells kept exact."""

from __future__ import annotations

import numpy as np

from agents.empa.perception import cell_of, frame_from_table

CAR, FLOOR = 2, 0


def _table(rows: list[tuple[int, float, float, int]]) -> np.ndarray:
    """Object-table rows (type, x, y, id); orientation, avatar flag and health zero."""
    return np.array([[t, x, y, 0, 0, 0, oid, 0] for t, x, y, oid in rows], dtype=np.float32)


def test_halves_round_up_so_a_steady_mover_changes_cell_evenly() -> None:
    # Python's round() gives 2, 2, 3, 4, 4 here: a half-speed car would seem to stop, then jump
    assert [cell_of(v) for v in (2.0, 2.5, 3.0, 3.5, 4.0)] == [2, 3, 3, 4, 4]


def test_objects_between_cells_keep_their_position() -> None:
    frame = frame_from_table(_table([(FLOOR, 3, 1, 1), (CAR, 2.5, 1, 2), (CAR, 3.0, 2.25, 3)]), False)
    assert frame.objects == {1: (FLOOR, 3, 1), 2: (CAR, 3, 1), 3: (CAR, 3, 2)}
    assert frame.exact == {2: (2.5, 1.0), 3: (3.0, 2.25)}  # only the ones off a cell
    assert frame.position(2) == (2.5, 1.0) and frame.position(1) == (3.0, 1.0)


def test_an_object_half_a_cell_away_overlaps_the_cell() -> None:
    frame = frame_from_table(_table([(FLOOR, 4, 1, 1), (CAR, 4.5, 1, 2)]), False)
    assert frame.types_at((4, 1)) == {FLOOR}  # the car's nearest cell is 5
    assert frame.types_overlapping((4, 1)) == {FLOOR, CAR}
    assert frame.types_overlapping((6, 1)) == set()
