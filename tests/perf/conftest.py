"""Benchmarks run through scripts/bench.sh (REQHUB_BENCH=1), never in the normal test suite."""

import os

import pytest

# The benchmark is a script (it sets Django up itself, against reqhub_bench), not a test module.
collect_ignore = ["bench.py"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("REQHUB_BENCH") == "1":
        return
    skip = pytest.mark.skip(reason="benchmark: run scripts/bench.sh")
    for item in items:
        if item.get_closest_marker("perf"):
            item.add_marker(skip)
