"""Two provinces and the national system as real processes on loopback.

Each province creates dossiers through the real services (``motcua shell``), sends its
events with ``deliver_events --once``; the national ranking (``national_ranking --json``)
must equal each province's own figures (``kpi_report --json``). Then the national system
goes down, one province keeps working and its deliveries fail; the national system comes
back on the same address, the province delivers again, and the figures agree again.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

import pytest
from django.utils import timezone

from motcua.events.tests.instances import Server, base_env, motcua, run_all
from motcua.federation.tests.test_national_view import assert_same_figures
from motcua.monitoring.models import COUNTERS

# Runs in the province's shell: agencies, one procedure, dossiers moved through their
# lives at moments of the current month (so the ratings, given "now", fall in it too).
PRELUDE = """
import datetime as dt
from django.core.management import call_command
import pytest
from django.utils import timezone
from motcua.accounts.models import Applicant
from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from tests.factories import AgencyFactory, ApplicantFactory, procedure_version

P, NAME = {code!r}, {name!r}
first = timezone.localdate().replace(day=1)

def at(day, hour=9):
    return timezone.make_aware(dt.datetime.combine(first + dt.timedelta(days=day), dt.time(hour)))

def online(v, agency, day, reused=False):
    d = services.create_draft(applicant=applicant, version=v, agency=agency)
    if reused:
        Dossier.objects.filter(pk=d.pk).update(reused_data=True)
    services.transition(d, "submit", at=at(day))
    services.transition(d, "receive", at=at(day, 10))
    return d

def counter(v, agency, day):
    return services.record_counter_dossier(
        applicant=applicant, version=v, agency=agency, by=None, at=at(day)
    )

def settle(d, day, electronic=False):
    services.transition(d, "start_processing", at=at(day))
    services.transition(d, "approve", at=at(day, 11), note="Đồng ý")
    services.transition(d, "issue_result", at=at(day, 14))
    if electronic:
        Dossier.objects.filter(pk=d.pk).update(result_electronic=True)
    services.transition(d, "return_result", at=at(day, 15))
    d.refresh_from_db()
    return d
"""

# The first run: the subscribers of the settings, the agencies, two procedures.
CREATE = """
call_command("sync_subscribers")
province = AgencyFactory(code=P, name=NAME, kind=Agency.Kind.PROVINCE)
dept = AgencyFactory(
    code=P + ".STP", name="Sở Tư pháp, " + NAME, kind="department", parent=province
)
commune = AgencyFactory(code=P + ".XA1", name="Xã Một, " + NAME, kind="commune", parent=province)
version = procedure_version("1.001", processing_days=3, fee_vnd=10000)
free = procedure_version("1.002", processing_days=5, fee_vnd=0)
applicant = ApplicantFactory()
"""

# A later run finds them again.
LOOKUP = """
dept = Agency.objects.get(code=P + ".STP")
commune = Agency.objects.get(code=P + ".XA1")
version = Procedure.objects.get(code="1.001").current_version
applicant = Applicant.objects.get()
"""

PROVINCE_LIFE = {
    "HNI": """
a = online(version, dept, 0, reused=True)
services.record_fee_payment(a, online=True, at=at(0, 11))
settle(a, 2, electronic=True)
services.rate(a, score=5)
b = counter(version, dept, 0)
services.transition(b, "start_processing", at=at(1))
services.transition(b, "request_supplement", at=at(1, 10), note="Thiếu giấy tờ")
services.transition(b, "provide_supplement", at=at(3))
services.transition(b, "approve", at=at(15), note="Đồng ý")
c = online(free, dept, 1)
services.transition(c, "transfer", at=at(2), note="Liên thông", agency=commune)
services.transition(c, "accept_transfer", at=at(3))
settle(c, 20)
services.rate(c, score=2)
d = counter(free, commune, 2)
services.transition(d, "stop", at=at(3), note="Không còn nhu cầu")  # received: stop
e = online(version, commune, 4)
services.transition(e, "start_processing", at=at(5))
""",
    "HCM": """
a = online(free, commune, 0)
settle(a, 1, electronic=True)
services.rate(a, score=4)
b = counter(version, dept, 1)
settle(b, 18)
services.rate(b, score=3)
c = counter(version, dept, 2)
services.transition(c, "start_processing", at=at(3))
services.transition(c, "refuse", at=at(4), note="Không đủ điều kiện")
""",
}

# Later, while the national system is down: the open dossier is settled late and rated,
# a new one comes in and is paid at the counter.
MORE_LIFE = """
e = Dossier.objects.get(agency__code=P + ".XA1", status="in_process")
services.transition(e, "approve", at=at(21), note="Đồng ý")
services.transition(e, "issue_result", at=at(21, 14))
services.transition(e, "return_result", at=at(22))
services.rate(e, score=4)
f = counter(version, dept, 22)
services.record_fee_payment(f, online=False, at=at(22, 10))
"""

PROVINCES = {"HNI": "Thành phố Hà Nội", "HCM": "Thành phố Hồ Chí Minh"}
SECRETS = {"HNI": "khoa-ha-noi-0123456789abcdef", "HCM": "khoa-ho-chi-minh-0123456789ab"}


def script(code: str, body: str) -> str:
    return PRELUDE.format(code=code, name=PROVINCES[code]) + body


def reports(period: str, national: dict, **provinces: dict) -> tuple[dict, dict]:
    """Each named province's ``kpi_report --json`` and the ``national_ranking --json``."""
    jobs = [(("kpi_report", "--period", period, "--json"), env) for env in provinces.values()]
    jobs.append((("national_ranking", "--period", period, "--json"), national))
    *own, nat = run_all(*jobs)
    return dict(zip(provinces, (json.loads(o) for o in own), strict=True)), json.loads(nat)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def assert_national_equals_provinces(own: dict[str, dict], national: dict) -> None:
    by_code = {row["code"]: row for row in national["provinces"]}
    assert set(by_code) == set(own)
    for code, report in own.items():
        assert by_code[code]["name"] == PROVINCES[code]
        assert by_code[code]["instances"] == [code]
        assert_same_figures(by_code[code], report["total"])
        mine = {a["code"]: a for a in report["agencies"]}
        rows = [r for r in national["agencies"] if r["instance"] == code]
        assert rows, f"{code}'s agencies are ranked"
        for row in rows:
            assert row["province"] == code
            assert_same_figures(row, mine[row["code"]])
    for name in COUNTERS:
        total = sum(r["total"]["counts"][name] for r in own.values())
        assert national["total"]["counts"][name] == total, name
    ranks = [row["rank"] for row in national["provinces"]]
    assert ranks == sorted(ranks) and ranks[0] == 1


def test_national_ranking_equals_the_union_of_two_provinces(instance_databases, tmp_path, settings):
    # A handful of dossiers per province: grade them anyway (MOTCUA_KPI_MIN_DOSSIERS), here
    # and in every instance, so that the ranks and scores compare.
    settings.MOTCUA_KPI_MIN_DOSSIERS = 1
    national = base_env(
        tmp_path / "var-quoc-gia",
        instance_databases.new("qg"),
        MOTCUA_INSTANCE_CODE="QG",
        MOTCUA_KPI_MIN_DOSSIERS="1",
        MOTCUA_FEDERATION_MODE="national",
        MOTCUA_FEDERATION_SOURCES=",".join(
            f"{code}|{name}|{SECRETS[code]}" for code, name in PROVINCES.items()
        ),
    )
    port = free_port()
    inbox = f"http://127.0.0.1:{port}/lien-thong/su-kien/"
    provinces = {
        code: base_env(
            tmp_path / f"var-{code}",
            instance_databases.new(code),
            MOTCUA_INSTANCE_CODE=code,
            MOTCUA_KPI_MIN_DOSSIERS="1",
            MOTCUA_EVENTS_SUBSCRIBERS=f"quoc-gia|{inbox}|{SECRETS[code]}|measurement",
            MOTCUA_EVENTS_BACKOFF_S="0.3",
            MOTCUA_EVENTS_TIMEOUT_S="5",
        )
        for code in PROVINCES
    }
    servers = {"QG": Server(national, port), **{c: Server(e) for c, e in provinces.items()}}
    try:
        # The provinces record their dossiers while the servers start.
        run_all(
            (("sync_sources",), national),
            *[
                (("shell", "-c", script(code, CREATE + PROVINCE_LIFE[code])), env)
                for code, env in provinces.items()
            ],
        )
        for server in servers.values():
            server.wait_ready()
        for code in PROVINCES:
            # A province is no national aggregator: its inbound endpoint does not exist.
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"{servers[code].url}/lien-thong/su-kien/", timeout=10)
            assert refused.value.code == 404

        sent = run_all(*[(("deliver_events", "--once"), env) for env in provinces.values()])
        assert all("lỗi sẽ thử lại 0, dừng gửi 0" in out for out in sent), sent
        month = timezone.localdate().strftime("%Y-%m")
        own, nat = reports(month, national, **provinces)
        assert_national_equals_provinces(own, nat)
        assert nat["total"]["counts"]["received"] == 8
        assert nat["total"]["counts"]["late"] >= 2

        # The national system goes down; Hà Nội keeps working and cannot deliver.
        servers.pop("QG").stop()
        hni = provinces["HNI"]
        motcua("shell", "-c", script("HNI", LOOKUP + MORE_LIFE), env=hni)
        failed = motcua("deliver_events", "--once", env=hni).stdout
        assert "Đã gửi 0," in failed and "lỗi sẽ thử lại 0" not in failed, failed

        # It comes back on the same address; the retries go through.
        servers["QG"] = Server(national, port).wait_ready()
        delivered = motcua("deliver_events", "--once", env=hni).stdout
        assert "lỗi sẽ thử lại 0, dừng gửi 0" in delivered, delivered
        own_now, nat = reports(month, national, HNI=hni)
        assert own_now["HNI"]["total"]["counts"] != own["HNI"]["total"]["counts"]
        assert_national_equals_provinces({**own, **own_now}, nat)
        assert nat["total"]["counts"]["received"] == 9
    finally:
        for server in servers.values():
            server.stop()
