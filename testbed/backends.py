"""Where units run: a local process pool, or Ray tasks on a local or existing cluster.

Both backends are generators of ``(unit_data, result)`` pairs in completion order; the caller
(the driver) is the only writer of the results store. Units run in spawned processes (never
fork: torch and pygame state must not be shared), one torch/BLAS thread each, so that N workers
use N cores; a neural unit gets a process of its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

BACKENDS = ("local", "ray")
_ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}


def _init_worker() -> None:
    """Per worker: one thread for BLAS/torch, and die with the driver (a killed driver leaves no orphans)."""
    for k, v in _ONE_THREAD.items():
        os.environ.setdefault(k, v)
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: orphans finish their unit, then find no driver
        pass


def run_local(units: list[dict[str, Any]], workers: int, execution: dict[str, Any] | None = None) -> Iterator[
        tuple[dict[str, Any], dict[str, Any]]]:
    """Run units in a spawn process pool of ``workers`` processes (``execution``: ``units.Execution`` as a dict).

    Neural units each get a fresh process (``max_tasks_per_child=1``): a worker that trained
    DQN on pixels a dozen times in a row grew past 20 GB and was killed by the OS. If a worker
    dies anyway, the pool is rebuilt and the units it had in flight run once more; a unit in
    flight at two deaths is stored as failed, and the tournament goes on.
    """
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    from testbed.units import execute

    workers = max(1, workers)
    recycle = 1 if any(u.get("budget_unit") == "env_steps" for u in units) else None
    todo = list(range(len(units)))  # positions in ``units``, in submission order
    deaths = [0] * len(units)
    while todo:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                   initializer=_init_worker, max_tasks_per_child=recycle)
        running: dict[Any, int] = {}
        lost: list[int] = []
        try:
            # submit a bounded window, so a huge study does not queue everything up front
            while (todo or running) and not lost:
                while todo and len(running) < 2 * workers:
                    i = todo.pop(0)
                    running[pool.submit(execute, units[i], execution)] = i
                done, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for fut in done:
                    i = running.pop(fut)
                    if isinstance(fut.exception(), BrokenProcessPool):
                        lost.append(i)
                    else:
                        yield units[i], fut.result()
        except BaseException:
            # interrupted (Ctrl-C, an error in the driver): stop the workers now instead of waiting
            # for the units in flight; those are simply absent from the store and run next time
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                proc.kill()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=not lost, cancel_futures=True)
        again = []
        for i in sorted(lost + list(running.values())):  # a worker died: every unit in flight was lost
            deaths[i] += 1
            if deaths[i] < 2:
                again.append(i)
            else:
                yield units[i], failed_result(units[i], f"the worker process died {deaths[i]} times while "
                                              "this unit was in flight (killed by the OS, e.g. out of memory)")
        todo[:0] = again


def failed_result(unit: dict[str, Any], error: str) -> dict[str, Any]:
    """The record of a unit that never returned one (its worker process or Ray task died)."""
    from testbed.units import Unit

    return {"key": Unit.from_dict(unit).key, "status": "failed", "levels": [], "n_levels": 0, "error": error,
            "cpu_seconds": 0.0, "wall_seconds": 0.0}


def run_ray(units: list[dict[str, Any]], workers: int, address: str | None = None,
            execution: dict[str, Any] | None = None) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Run units as Ray tasks (one CPU each); ``address`` joins an existing cluster, else a local one.

    A local cluster binds to loopback with the dashboard off and ``workers`` CPUs. On a cluster,
    every node needs this project installed (the same pinned environment).
    """
    import ray

    from testbed.units import execute

    if not units:
        return
    started_here = not ray.is_initialized()
    if started_here:
        if address:
            ray.init(address=address, runtime_env={"env_vars": dict(_ONE_THREAD)}, log_to_driver=False)
        else:
            os.environ.update(_ONE_THREAD)  # a local cluster's workers inherit the driver's environment
            os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # loopback only; no token to manage
            ray.init(num_cpus=max(1, workers), include_dashboard=False, _node_ip_address="127.0.0.1",
                     log_to_driver=False, configure_logging=False)
    try:
        task = ray.remote(num_cpus=1, max_retries=0)(execute)
        pending = {task.remote(u, execution): u for u in units}
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                unit = pending.pop(ref)
                try:
                    result = ray.get(ref)
                except Exception as exc:  # noqa: BLE001  (a worker died: stored as a failed unit)
                    result = failed_result(unit, f"ray task failed: {type(exc).__name__}: {exc}")
                yield unit, result
    finally:
        if started_here:
            ray.shutdown()
