"""The tournament driver's own pieces (the CLI tests cover running units end to end)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from testbed.tournament import code_revision


def test_the_code_revision_is_the_senders_when_named_else_gits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy sent to another machine may carry a stale .git: the sender's TESTBED_CODE_REVISION wins."""
    root = Path(__file__).resolve().parents[2]
    monkeypatch.setenv("TESTBED_CODE_REVISION", "abc123def456")
    code_revision.cache_clear()
    try:
        assert code_revision() == "abc123def456"
        monkeypatch.delenv("TESTBED_CODE_REVISION")
        code_revision.cache_clear()
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
        assert code_revision() in ({head, f"{head}-dirty"} if head else {"unknown"})
    finally:
        code_revision.cache_clear()
