"""A real web server process (gunicorn with deploy/gunicorn.conf.py) for the fault tests,
serving the test database, that a test can SIGKILL."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_for_server(tmp_path: Path) -> str:
    """A DATABASE_URL reaching the test database's current content from another process.

    PostgreSQL: the test database itself (use with ``transactional_db``). SQLite: the
    in-memory test database copied to a file (``copy_back`` brings it home afterwards).
    """
    data = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = data["USER"] + (f":{data['PASSWORD']}" if data.get("PASSWORD") else "")
        return (
            f"postgres://{auth}@{data['HOST'] or '127.0.0.1'}:{data['PORT'] or 5432}/{data['NAME']}"
        )
    path = tmp_path / "server.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    with target:
        connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def copy_back(url: str) -> None:
    """On SQLite, make the test database what the server left in its file."""
    if connection.vendor != "sqlite":
        return
    source = sqlite3.connect(url.removeprefix("sqlite:///"))
    with source:
        source.backup(connection.connection)
    source.close()


class WebServer:
    """gunicorn (one worker, four threads) in its own process group."""

    def __init__(self, tmp_path: Path, database_url: str, **environ: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / f"gunicorn-{self.port}.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "GUNICORN_"))},
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
            "DJANGO_SETTINGS_MODULE": "tests.faults.server_settings",
            "DATABASE_URL": database_url,
            "MOTCUA_SECRET_KEY": settings.SECRET_KEY,
            "MOTCUA_VAR_DIR": str(tmp_path / "var"),
            "MOTCUA_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "MOTCUA_METRICS": "0",
            "MOTCUA_NOTIFICATIONS_INLINE": "0",
            "MOTCUA_REGISTRY_DEFAULT_CONNECTOR": "disabled",
            "MOTCUA_LOOKUP_RATE": "",
            "MOTCUA_LOOKUP_CODE_RATE": "",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "4",
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_TIMEOUT": "120",
            **environ,
        }
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> WebServer:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [str(gunicorn), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"gunicorn did not start: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the master and its worker at once: nothing runs its cleanup."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> WebServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
