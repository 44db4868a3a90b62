"""Locust users for ``bench/bench_http.py`` (run headless by it; not on its own).

The plan comes from the JSON file named by ``MOTCUA_BENCH_PLAN``:

- ``scenario`` "submit": each user is a citizen with a bearer token who files dossiers
  through the API, back to back: create the draft (the e-form prefilled from the registry
  simulator), upload a PDF for each component the registries do not replace, submit.
- ``scenario`` "lookup": anonymous users look up dossiers by code and look-up code
  (``POST /api/v1/public/lookup``), as citizens do from the receipt.
- ``scenario`` "hello": the baseline — the same server's liveness probe (``/healthz``),
  which touches neither the database nor a template.
"""

from __future__ import annotations

import itertools
import json
import os
import uuid

from locust import constant, events, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["MOTCUA_BENCH_PLAN"], encoding="utf-8") as handle:
    PLAN = json.load(handle)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
BOUNDARY = "motcua-bench-boundary"


def multipart(component: int) -> bytes:
    """The body of an upload (FastHttpUser has no ``files=``): the component and a PDF."""
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="component"\r\n\r\n'
            f'{component}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="to-khai.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + PDF
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


_tokens = itertools.cycle(PLAN.get("tokens", [""]))
_lookups = itertools.cycle(PLAN.get("lookups", [["", ""]]))
FILED = {"ok": 0, "failed": 0}


@events.quitting.add_listener
def _report(environment, **_kwargs):
    path = os.environ.get("MOTCUA_BENCH_FILED")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(FILED, handle)


class Citizen(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.auth = {"Authorization": f"Bearer {next(_tokens)}"}

    @task
    def work(self):
        scenario = PLAN["scenario"]
        if scenario == "submit":
            self.file_a_dossier()
        elif scenario == "lookup":
            code, secret = next(_lookups)
            self.client.post(
                "/api/v1/public/lookup", json={"code": code, "secret": secret}, name="lookup"
            )
        else:
            self.client.get("/healthz", name="hello")

    def file_a_dossier(self):
        headers = {**self.auth, "Idempotency-Key": str(uuid.uuid4())}
        body = {"procedure": PLAN["procedure"], "agency": PLAN["agency"], "form": PLAN["form"]}
        with self.client.post(
            "/api/v1/dossiers", json=body, headers=headers, name="create", catch_response=True
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code} {response.text[:200]}")
                FILED["failed"] += 1
                return
            dossier = response.json()["id"]
        for component in PLAN["components"]:
            with self.client.post(
                f"/api/v1/dossiers/{dossier}/attachments",
                headers={
                    **self.auth,
                    "Idempotency-Key": str(uuid.uuid4()),
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                },
                data=multipart(component),
                name="upload",
                catch_response=True,
            ) as response:
                if response.status_code != 201:
                    response.failure(f"{response.status_code} {response.text[:200]}")
                    FILED["failed"] += 1
                    return
        with self.client.post(
            f"/api/v1/dossiers/{dossier}/submit",
            headers=self.auth,
            name="submit",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                FILED["ok"] += 1
            else:
                response.failure(f"{response.status_code} {response.text[:200]}")
                FILED["failed"] += 1
