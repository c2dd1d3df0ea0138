"""A real Celery worker (in this process, on the real Redis) for integration tests."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker

from reqhub.celery import app

# Tests get their own broker database and, per pytest-xdist worker, their own queue, so a test
# worker never takes another run's tasks.
TEST_BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")


def queue_name(suffix: str = "") -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"test-{worker}-{os.environ.get('TEST_DATABASE_NAME', 'default')}{suffix}"


@contextmanager
def broker(url: str, queue: str, **conf: Any) -> Iterator[None]:
    """Publish to ``url``/``queue`` inside the block (pooled connections dropped both ways)."""
    names = ["broker_url", "task_default_queue", *conf]
    saved = {name: app.conf[name] for name in names}
    _drop_connections()
    app.conf.update(broker_url=url, task_default_queue=queue, **conf)
    try:
        yield
    finally:
        _drop_connections()
        app.conf.update(saved)


def _drop_connections() -> None:
    # Not app.close(): that also deregisters the app, and shared tasks imported later would
    # then never be registered on it.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[object]:
    queue = queue_name()
    with broker(TEST_BROKER, queue):
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as w:
            yield w
