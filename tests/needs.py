"""Tests that need a tool this machine may lack (Chromium, axe-core, PostgreSQL) skip without
it, unless the environment says the tool must be there (CI sets these flags): then they fail."""
from __future__ import annotations

import os

import pytest


def skip_or_fail(reason: str, flag: str) -> None:
    """Skip the test for `reason`, or fail it when the environment variable `flag` is "1"."""
    if os.environ.get(flag) == "1":
        pytest.fail(f"{flag}=1 but {reason}", pytrace=False)
    pytest.skip(reason)
