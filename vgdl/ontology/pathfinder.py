"""Grid shortest paths for the path-chasing NPCs (GVGAI's ``PathFinder``).

GVGAI computes, once per level, a breadth-first search from every free cell over
the level's initial obstacles (the types named by the game's ``obs=``
parameter). Which of several equally short paths it keeps depends on the order
in which ``java.util.PriorityQueue`` hands out equal-cost nodes, so that heap is
reproduced exactly here. Searches run lazily, one start cell at a time, and are
shared by all copies of a game (obstacles never change after the level is built).
"""

from __future__ import annotations

from vgdl.values import DOWN, LEFT, RIGHT, UP

#: neighbour order of GVGAI's pathfinder
_NEIGHBOURS = ((0, -1, UP), (0, 1, DOWN), (-1, 0, LEFT), (1, 0, RIGHT))


class _JavaHeap:
    """``java.util.PriorityQueue`` over (cost, payload): same sift rules, hence same tie order."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[tuple[float, object]] = []

    def add(self, cost: float, payload: object) -> None:
        heap = self.items
        heap.append((cost, payload))
        k = len(heap) - 1
        x = heap[k]
        while k > 0:
            parent = (k - 1) >> 1
            if cost >= heap[parent][0]:
                break
            heap[k] = heap[parent]
            k = parent
        heap[k] = x

    def poll(self) -> tuple[float, object]:
        heap = self.items
        result = heap[0]
        last = heap.pop()
        n = len(heap)
        if n:
            k = 0
            half = n >> 1
            while k < half:
                child = 2 * k + 1
                if child + 1 < n and heap[child][0] > heap[child + 1][0]:
                    child += 1
                if last[0] <= heap[child][0]:
                    break
                heap[k] = heap[child]
                k = child
            heap[k] = last
        return result

    def __bool__(self) -> bool:
        return bool(self.items)


class PathFinder:
    """First steps of shortest grid paths between cells, avoiding the initial obstacle cells."""

    def __init__(self, width: int, height: int, blocked: set[tuple[int, int]]) -> None:
        self.width = width
        self.height = height
        self.blocked = blocked
        self._first_steps: dict[tuple[int, int], dict[tuple[int, int], tuple[int, int]]] = {}

    def _free(self, x: int, y: int) -> bool:
        return 0 <= x < self.width and 0 <= y < self.height and (x, y) not in self.blocked

    def _search(self, start: tuple[int, int]) -> dict[tuple[int, int], tuple[int, int]]:
        """BFS from ``start``: for each reachable cell, the first step of GVGAI's path to it."""
        first: dict[tuple[int, int], tuple[int, int]] = {}
        visited = {start}
        heap = _JavaHeap()
        heap.add(0.0, (start, None))
        while heap:
            cost, payload = heap.poll()
            (x, y), step = payload  # type: ignore[misc]
            for dx, dy, direction in _NEIGHBOURS:
                nx, ny = x + dx, y + dy
                if (nx, ny) in visited or not self._free(nx, ny):
                    continue
                visited.add((nx, ny))
                nstep = step if step is not None else direction
                first[(nx, ny)] = nstep
                heap.add(cost + 1.0, ((nx, ny), nstep))
        return first

    def first_step(self, start: tuple[int, int], goal: tuple[int, int]) -> tuple[int, int] | None:
        """The direction of the first step from ``start`` to ``goal``; None when there is no path."""
        if start == goal or not self._free(*start):
            return None
        table = self._first_steps.get(start)
        if table is None:
            table = self._first_steps[start] = self._search(start)
        return table.get(goal)
