#!/usr/bin/env bash
# Create (or reuse) the virtual environment at .venv and install the project with pinned versions.
# Sourced by the README commands; safe to run again: it reinstalls only when the pins change.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
py="${PYTHON:-python3}"
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
stamp="$venv/.installed-$(cat "$root/pyproject.toml" "$root/requirements/constraints.txt" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  "$venv/bin/python" -m pip install -q --upgrade pip
  # torch first, from the pinned CPU build (an unpinned torch pulls a multi-GB CUDA build).
  "$venv/bin/python" -m pip install -q -c "$root/requirements/constraints.txt" torch==2.13.0
  "$venv/bin/python" -m pip install -q -c "$root/requirements/constraints.txt" -e "$root[all]"
  rm -f "$venv"/.installed-*
  touch "$stamp"
fi
export PATH="$venv/bin:$PATH"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
# One BLAS/OpenMP thread per process: idle BLAS threads spin and slow everything on two busy cores.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export SDL_AUDIODRIVER="${SDL_AUDIODRIVER:-dummy}"
