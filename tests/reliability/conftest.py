"""The reliability suite: kills during ingest, corrupt knowledge-base files, hostile documents.

Short forms run with the rest of the tests; ``ROADMAP_RELIABILITY=full`` (``make bench``
sets it) runs the full forms: more kills with the real index, the corrupt-file matrix
through subprocesses, and many more generated examples.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

FULL = os.environ.get("ROADMAP_RELIABILITY", "") == "full"

# A deadline bounds each generated example (a quadratic step shows up as a DeadlineExceeded
# on the large examples); generous, since two cores are shared with other work.
settings.register_profile("short", max_examples=60, deadline=20_000, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("full", max_examples=600, deadline=20_000, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("full" if FULL else "short")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.reliability)


@pytest.fixture(scope="session")
def full() -> bool:
    """True when the full forms were asked for (``ROADMAP_RELIABILITY=full``)."""
    return FULL
