"""Load generators and CPU accounting for ``bench/bench_http.py``.

- :func:`ensure_wrk`: wrk (Debian package ``wrk``), installed with apt-get when missing
  and run as root; otherwise the command to run is printed.
- :func:`run_wrk`: one wrk run (keep-alive connections, 2 threads, ``--latency``) on a
  GET path or with a Lua script; requests/s, p50/p99, errors.
- :class:`CpuMeter`: CPU seconds (user + system, from ``/proc/<pid>/stat``) of the
  processes that serve a request: gunicorn's master and workers, the PostgreSQL
  backends connected to the bench database, and the bench's own redis-server. Summed
  over a run and divided by the requests, it is stable when the machine is busy, unlike
  requests/s.
- :func:`file_dossiers`: filings through the API by a light keep-alive client
  (``http.client``, one connection per thread): create with prefill, the uploads,
  submit.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import threading
import time
import uuid
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
# A one-page PDF (the upload check rebuilds every PDF with qpdf: it must be readable).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
BOUNDARY = "motcua-bench-boundary"


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False)
        found = shutil.which("wrk")
        if not found:
            subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False)
            found = shutil.which("wrk")
        return found
    print("wrk is missing: install it with `sudo apt-get install wrk` (Debian/Ubuntu)")
    return None


def lookup_script(path: Path, pairs: list[list[str]]) -> Path:
    """A wrk Lua script posting look-ups by code and secret, cycling over ``pairs``."""
    rows = ",\n".join(
        "  " + json.dumps(json.dumps({"code": code, "secret": secret})) for code, secret in pairs
    )
    path.write_text(
        "local bodies = {\n" + rows + "\n}\n"
        "local i = math.random(#bodies)\n"
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        "request = function()\n"
        "  i = i % #bodies + 1\n"
        '  return wrk.format(nil, "/api/v1/public/lookup", nil, bodies[i])\n'
        "end\n"
    )
    return path


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s|m)$", text.strip())
    return float(match.group(1)) * _UNITS[match.group(2)] if match else 0.0


def run_wrk(
    wrk: str, base: str, path: str, connections: int, seconds: int, script: Path | None = None
) -> dict:
    """One wrk run; {"per_s", "p50_ms", "p99_ms", "requests", "errors"}."""
    command = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", str(script)]
    done = subprocess.run(command + [base + path], capture_output=True, text=True, check=False)
    out = done.stdout
    result = {"per_s": 0.0, "p50_ms": 0.0, "p99_ms": 0.0, "requests": 0, "errors": 0}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["per_s"] = float(m.group(1))
    if m := re.search(r"(\d+) requests in", out):
        result["requests"] = int(m.group(1))
    if m := re.search(r"^\s+50%\s+(\S+)", out, re.M):
        result["p50_ms"] = _ms(m.group(1))
    if m := re.search(r"^\s+99%\s+(\S+)", out, re.M):
        result["p99_ms"] = _ms(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        result["errors"] += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        result["errors"] += sum(int(g) for g in m.groups()[1:])
    if not result["requests"]:
        print(out[-1500:], done.stderr[-1500:])
    return result


def _cpu_ticks(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if int(text[text.rindex(")") + 2 :].split()[1]) == pid:
            found.append(int(stat.parent.name))
    return found


class CpuMeter:
    """CPU seconds of the serving processes between :meth:`start` and :meth:`stop`."""

    def __init__(self, gunicorn_master: int, redis_pid: int | None, pg_pids):
        self.master = gunicorn_master
        self.redis_pid = redis_pid
        self.pg_pids = pg_pids  # a callable: the backends' pids now

    def _pids(self) -> dict[int, str]:
        """pid → "web", "db" or "cache"."""
        pids = {self.master: "web", **{pid: "web" for pid in children(self.master)}}
        pids.update({pid: "db" for pid in self.pg_pids()})
        if self.redis_pid:
            pids[self.redis_pid] = "cache"
        return pids

    def start(self) -> None:
        self._kinds = self._pids()
        self._before = {pid: _cpu_ticks(pid) for pid in self._kinds}

    def stop(self) -> float:
        """CPU seconds since :meth:`start`; ``self.parts`` splits them by kind."""
        kinds = {**self._kinds, **self._pids()}
        parts = {"web": 0, "db": 0, "cache": 0}
        for pid, kind in kinds.items():
            now = _cpu_ticks(pid)
            # A backend that started during the run counts from zero.
            parts[kind] += max(0, now - self._before.get(pid, 0)) if now else 0
        self.parts = {kind: ticks / TICK for kind, ticks in parts.items()}
        return sum(self.parts.values())


def multipart(component: int) -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="component"\r\n\r\n'
            f'{component}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="to-khai.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + PDF
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def file_dossiers(port: int, plan: dict, clients: int, seconds: float) -> dict:
    """Filings back to back by ``clients`` threads, each on one keep-alive connection.

    Returns filings/s, p50/p99 of a whole filing and of each call, failures, and the
    number of HTTP requests made."""
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    filing_ms: list[float] = []
    calls: dict[str, list[float]] = {"create": [], "upload": [], "submit": []}
    failures: list[str] = []
    requests = [0]
    tokens = plan["tokens"]

    def call(conn, name, method, path, body, headers):
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        with lock:
            calls[name].append((time.perf_counter() - started) * 1000)
            requests[0] += 1
        return response.status, payload

    def work(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        auth = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
        form = plan["forms"][n % len(plan["forms"])]
        body = json.dumps({"procedure": plan["procedure"], "agency": plan["agency"], "form": form})
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, payload = call(
                    conn,
                    "create",
                    "POST",
                    "/api/v1/dossiers",
                    body,
                    {
                        **auth,
                        "Content-Type": "application/json",
                        "Idempotency-Key": str(uuid.uuid4()),
                    },
                )
                if status != 201:
                    raise RuntimeError(f"create {status} {payload[:200]!r}")
                dossier = json.loads(payload)["id"]
                for component in plan["components"]:
                    status, payload = call(
                        conn,
                        "upload",
                        "POST",
                        f"/api/v1/dossiers/{dossier}/attachments",
                        multipart(component),
                        {
                            **auth,
                            "Idempotency-Key": str(uuid.uuid4()),
                            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                        },
                    )
                    if status != 201:
                        raise RuntimeError(f"upload {status} {payload[:200]!r}")
                status, payload = call(
                    conn, "submit", "POST", f"/api/v1/dossiers/{dossier}/submit", b"", auth
                )
                if status != 200:
                    raise RuntimeError(f"submit {status} {payload[:200]!r}")
                with lock:
                    filing_ms.append((time.perf_counter() - started) * 1000)
            except Exception as failure:  # noqa: BLE001 (counted and shown)
                with lock:
                    failures.append(str(failure)[:300])
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    began = time.monotonic()
    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    for failure in failures[:3]:
        print(f"  ! filing: {failure}")
    return {
        "per_s": len(filing_ms) / elapsed,
        "p50_ms": _percentile(filing_ms, 0.5),
        "p99_ms": _percentile(filing_ms, 0.99),
        "submit_p50_ms": _percentile(calls["submit"], 0.5),
        "submit_p99_ms": _percentile(calls["submit"], 0.99),
        "create_p99_ms": _percentile(calls["create"], 0.99),
        "filed": len(filing_ms),
        "failures": len(failures),
        "requests": requests[0],
        "seconds": elapsed,
    }
