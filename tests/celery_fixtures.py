"""A real Celery worker (in this process, on the real Redis) for integration tests."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from reqhub.celery import app

# Tests use their own broker database and, per test process, their own key prefix, so a test
# worker never takes another run's tasks. (Not a different queue name: Celery caches its
# queue setup on first use.)
TEST_BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
PREFIX = "reqhub-test-{}-{}-{}:".format(
    os.environ.get("TEST_DATABASE_NAME", "main"),
    os.environ.get("PYTEST_XDIST_WORKER", "main"),
    os.getpid(),
)


@contextmanager
def broker(url: str, prefix: str = PREFIX, **conf: Any) -> Iterator[None]:
    """Publish to ``url`` under ``prefix`` inside the block (pooled connections dropped)."""
    names = ["broker_url", "broker_transport_options", *conf]
    saved = {name: app.conf[name] for name in names}
    options = {**(saved["broker_transport_options"] or {}), "global_keyprefix": prefix}
    _drop_connections()
    app.conf.update(broker_url=url, broker_transport_options=options, **conf)
    try:
        yield
    finally:
        _drop_connections()
        app.conf.update(saved)


def purge(prefix: str = PREFIX) -> None:
    client = redis.Redis.from_url(TEST_BROKER)
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        client.delete(key)


def _drop_connections() -> None:
    # Not app.close(): that also deregisters the app, and shared tasks imported later would
    # then never be registered on it. Not force_close_all(): kombu's shared producer pools may
    # still hold those connections.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[object]:
    purge()
    with (
        broker(TEST_BROKER),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as w,
    ):
        yield w
    purge()
