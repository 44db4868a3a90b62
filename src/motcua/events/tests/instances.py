"""Whole MotCua installations as separate processes, for the crash and multi-instance tests.

Each instance has its own database — a copy of one database migrated once per test
session: a SQLite file, or, when the suite runs on PostgreSQL, a database created from a
template beside the test database — its own ``var/`` folder and its own environment.
Commands run as ``python -m motcua …`` from the repository root (so ``tests.factories``
imports), and a server is ``serve.py``: the WSGI application on a loopback port.
"""

from __future__ import annotations

import itertools
import os
import select
import signal
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[4]
SERVE = Path(__file__).with_name("serve.py")
_SCRUBBED_PREFIXES = ("MOTCUA_EVENTS_", "MOTCUA_FEDERATION_")
_SCRUBBED = {"DATABASE_URL", "MOTCUA_INSTANCE_CODE", "MOTCUA_VAR_DIR", "MOTCUA_MEDIA_ROOT"}


def base_env(var_dir: Path, database: str, **extra: str) -> dict[str, str]:
    """The environment of one instance: its database URL, its folder, ``extra`` settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _SCRUBBED and not k.startswith(_SCRUBBED_PREFIXES)
    }
    env.update(
        DATABASE_URL=database,
        MOTCUA_VAR_DIR=str(var_dir),
        MOTCUA_SECRET_KEY="khoa-django-cho-kiem-thu-nhieu-he-thong",
        DJANGO_SETTINGS_MODULE="motcua.settings",
        PYTHONDONTWRITEBYTECODE="1",
        MOTCUA_LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def motcua(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """Run one management command; raise with its output when it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "motcua", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"motcua {' '.join(args[:1])} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


def start(*args: str, env: dict[str, str]) -> subprocess.Popen:
    """Start a long-running management command (a worker)."""
    return subprocess.Popen(
        [sys.executable, "-m", "motcua", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_all(*jobs: tuple[tuple[str, ...], dict[str, str]], timeout: float = 120) -> list[str]:
    """Run several commands at once (separate instances); their outputs, in order."""
    procs = [start(*args, env=env) for args, env in jobs]
    outputs = []
    for (args, _env), proc in zip(jobs, procs, strict=True):
        out, err = proc.communicate(timeout=timeout)
        if proc.returncode != 0:
            raise AssertionError(f"motcua {args[0]} failed ({proc.returncode}):\n{out}\n{err}")
        outputs.append(out)
    return outputs


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class Databases:
    """The instances' databases: copies of one migrated template, made once per session.

    On SQLite (the default) they are files under ``root``; when ``DATABASE_URL`` points
    at PostgreSQL they are databases next to it (``<name>_i<random>_…``), dropped by
    ``drop_all`` at the end of the session.
    """

    def __init__(self, root: Path):
        self.root = root
        url = os.environ.get("DATABASE_URL", "")
        self.postgres = urlsplit(url) if url.startswith(("postgres://", "postgresql://")) else None
        self.prefix = f"{(self.postgres.path.lstrip('/') if self.postgres else 'i')[:30]}"
        self.prefix += f"_i{uuid.uuid4().hex[:6]}"
        self.created: list[str] = []
        self.numbers = itertools.count(1)
        self.template = self._migrated_template()

    def _url(self, name: str) -> str:
        if self.postgres is None:
            return f"sqlite:///{self.root / (name + '.sqlite3')}"
        return urlunsplit(self.postgres._replace(path=f"/{self.prefix}_{name}"))

    def _admin(self, sql: str) -> None:
        import psycopg

        server = urlunsplit(self.postgres._replace(path="/postgres"))
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(sql)

    def _migrated_template(self) -> str:
        url = self._url("template")
        if self.postgres is not None:
            self._admin(f'CREATE DATABASE "{self.prefix}_template"')
            self.created.append(f"{self.prefix}_template")
        motcua("migrate", "--noinput", env=base_env(self.root / "var-template", url), timeout=600)
        return url

    def new(self, name: str) -> str:
        """A fresh migrated database for one instance; its URL."""
        name = f"{name.lower()}_{next(self.numbers)}"
        url = self._url(name)
        if self.postgres is not None:
            self._admin(f'CREATE DATABASE "{self.prefix}_{name}" TEMPLATE "{self.prefix}_template"')
            self.created.append(f"{self.prefix}_{name}")
            return url
        source = sqlite3.connect(self.template.removeprefix("sqlite:///"))
        target = sqlite3.connect(url.removeprefix("sqlite:///"))
        with target:
            source.backup(target)
        source.close()
        target.close()
        return url

    def drop_all(self) -> None:
        while self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{self.created.pop()}" WITH (FORCE)')


_databases: Databases | None = None


def databases(root: Path) -> Databases:
    """The session's Databases (the template is migrated once however many tests use it)."""
    global _databases
    if _databases is None:
        _databases = Databases(root)
    return _databases


def query(url: str, sql: str) -> list[tuple]:
    """Rows of ``sql`` run on an instance's database (to look at what its processes did)."""
    if url.startswith("sqlite:"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return connection.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute(sql).fetchall()


class Server:
    """The WSGI application of one instance served on loopback (``serve.py``).

    It prints its port on stdout once listening; its log goes to ``server.log`` in the
    instance's ``var`` folder.
    """

    def __init__(self, env: dict[str, str], port: int = 0):
        self.env = env
        self.log_path = Path(env["MOTCUA_VAR_DIR"]) / "server.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "ab")  # closed in stop()
        self.port = port
        self.proc = subprocess.Popen(
            [sys.executable, str(SERVE), str(port)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )

    def wait_ready(self, timeout: float = 90) -> Server:
        ready, _w, _x = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line.strip().isdigit():
            self.stop()
            raise AssertionError(f"server did not start:\n{self.log_path.read_text()[-3000:]}")
        self.port = int(line)
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        stop(self.proc)
        if self.proc.stdout:
            self.proc.stdout.close()
        self.log.close()
