"""Deployment pieces: settings pass Django's deploy checks, compose file parses."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _clean_environ() -> dict[str, str]:
    """The environment a deployment would have: no test-only switches."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**_clean_environ(), **env}, check=False,
    )  # fmt: skip


def test_check_deploy_reports_nothing_with_debug_off() -> None:
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="reqhub.settings.local",
        SECRET_KEY="a-real-looking-secret-key-for-this-check-0123456789-abcdefghijkl",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="Debian's docker-compose")
def test_docker_compose_describes_web_worker_beat_db_and_redis(tmp_path: Path) -> None:
    # An empty env file: a developer's own .env must not decide the outcome.
    (tmp_path / "env").touch()
    args = ["docker-compose", "--env-file", str(tmp_path / "env"), "config", "--services"]
    result = _run(args, SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {"web", "worker", "beat", "db", "redis"}


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="Debian's docker-compose")
def test_docker_compose_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    (tmp_path / "env").touch()
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    args = ["docker-compose", "--env-file", str(tmp_path / "env"), "config", "-q"]
    result = subprocess.run(
        args, cwd=ROOT, capture_output=True, text=True, env=env, check=False, timeout=60
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
