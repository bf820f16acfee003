"""Where units run: a local process pool, or Ray tasks on a local or existing cluster.

Both backends are generators of ``(unit_data, result)`` pairs in completion order; the caller
(the driver) is the only writer of the results store. A unit runs in a fresh worker state:
spawned processes (never fork: torch and pygame state must not be shared), one torch/BLAS thread
each, so that N workers use N cores.
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
    """Run units in a spawn process pool of ``workers`` processes (``execution``: ``units.Execution`` as a dict)."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from multiprocessing import get_context

    from testbed.units import execute

    if not units:
        return
    pool = ProcessPoolExecutor(max_workers=max(1, workers), mp_context=get_context("spawn"),
                               initializer=_init_worker)
    try:
        # submit a bounded window, so a huge study does not queue everything up front
        todo = list(units)
        running: dict[Any, dict[str, Any]] = {}
        while todo or running:
            while todo and len(running) < 2 * max(1, workers):
                u = todo.pop(0)
                running[pool.submit(execute, u, execution)] = u
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for fut in done:
                yield running.pop(fut), fut.result()
    except BaseException:
        # interrupted (Ctrl-C, an error in the driver): stop the workers now instead of waiting
        # for the units in flight; those are simply absent from the store and run next time
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


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
                    from testbed.units import Unit

                    result = {"key": Unit.from_dict(unit).key, "status": "failed", "levels": [], "n_levels": 0,
                              "error": f"ray task failed: {type(exc).__name__}: {exc}", "cpu_seconds": 0.0,
                              "wall_seconds": 0.0}
                yield unit, result
    finally:
        if started_here:
            ray.shutdown()
