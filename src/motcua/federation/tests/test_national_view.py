"""The national figures, built from events sent over HTTP, equal the instance's own."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from motcua.agencies.models import Agency
from motcua.events.delivery import deliver_due
from motcua.events.models import Delivery, Subscriber
from motcua.federation.selectors import national_report
from motcua.federation.tests.conftest import SECRET
from motcua.monitoring.indicators import Figures
from motcua.monitoring.models import COUNTERS
from motcua.monitoring.periods import parse
from motcua.monitoring.reports import kpi_report
from motcua.monitoring.tests.conftest import World
from motcua.monitoring.tests.test_rollups import live_sequence
from tests.factories import AgencyFactory, UserFactory, procedure_version

# Indicators that come from dossiers (the catalogue's are not in events).
DOSSIER_INDICATORS = (
    "online_dossier_share",
    "fully_online_dossier_share",
    "on_time_rate",
    "avg_processing_days",
    "median_processing_days",
    "online_payment_share",
    "e_result_share",
    "reuse_share",
    "avg_rating",
    "satisfied_share",
)


def score_from_counts(counts: dict) -> float | None:
    figures = Figures()
    figures.add_row({name: counts[name] for name in COUNTERS})
    return figures.score


def assert_same_figures(national: dict, own: dict) -> None:
    assert {n: national["counts"][n] for n in COUNTERS} == {n: own["counts"][n] for n in COUNTERS}
    for name in DOSSIER_INDICATORS:
        assert national["indicators"][name] == own["indicators"][name], name
    expected = score_from_counts(own["counts"])
    assert national["indicators"]["score"] == (None if expected is None else round(expected, 4))


@pytest.mark.django_db(transaction=True)
def test_events_sent_over_http_rebuild_the_instances_figures(live_server, settings, source):
    settings.MOTCUA_EVENTS_TIMEOUT_S = 5
    Subscriber.objects.create(
        name="quoc-gia", url=f"{live_server.url}/lien-thong/su-kien/", secret=SECRET
    )
    source.agency_codes = "TINH"  # the instance reports for this province
    source.save()
    agency = AgencyFactory(code="TINH", name="Tỉnh Thử Nghiệm", kind=Agency.Kind.PROVINCE)
    department = AgencyFactory(
        code="TINH.STP", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT, parent=agency
    )
    commune = AgencyFactory(
        code="TINH.XA", name="Xã Thử Nghiệm", kind=Agency.Kind.COMMUNE, parent=agency
    )
    live_sequence(World(), procedure_version("KT.01", fee_vnd=10000), department, commune)

    outcome = deliver_due()
    assert outcome.delivered == Delivery.objects.count() > 20
    assert (outcome.failed, outcome.dead) == (0, 0)

    for key in ("2026-10", "2026-11", "2026-Q4"):
        period = parse(key)
        national, own = national_report(period), kpi_report(period)
        (province,) = national["provinces"]
        assert (province["code"], province["name"], province["rank"]) == (
            "TINH",
            "Tỉnh Thử Nghiệm",
            1 if province["indicators"]["score"] is not None else None,
        )
        assert_same_figures(province, own["total"])
        assert_same_figures(national["total"], own["total"])
        own_agencies = {a["code"]: a for a in own["agencies"]}
        for row in national["agencies"]:
            assert row["instance"] == "HNI"
            assert_same_figures(row, own_agencies[row["code"]])
        active = {
            a["code"]
            for a in own["agencies"]
            if a["kind"] != "province" and any(a["counts"][n] for n in COUNTERS)
        }
        assert {row["code"] for row in national["agencies"]} == active


@pytest.mark.django_db
def test_the_ranking_page_is_for_staff_and_in_vietnamese(client, source, national):
    call_command("national_ranking", "--period", "2026-10", stdout=io.StringIO())
    officer = UserFactory(username="can-bo")
    client.force_login(officer)
    assert client.get(reverse("federation:ranking")).status_code == 403

    staff = UserFactory(username="quan-tri-quoc-gia", is_staff=True)
    client.force_login(staff)
    page = client.get(reverse("federation:ranking"), {"period": "2026-10"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Xếp hạng toàn quốc – Tháng 10/2026" in text
    assert "Thành phố Hà Nội" in text  # the source instance is listed

    bad = client.get(reverse("federation:ranking"), {"period": "2026-10-01..2026-10-05"})
    assert "hãy chọn tháng, quý hoặc năm" in bad.content.decode()
    export = client.get(reverse("federation:ranking"), {"period": "2026-10", "xuat": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_national_ranking_command_prints_json_and_refuses_a_range(source, national):
    out = io.StringIO()
    call_command("national_ranking", "--period", "2026-10", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["period"] == "2026-10"
    assert report["provinces"] == [] and report["agencies"] == []
    assert report["sources"][0]["code"] == "HNI"
    with pytest.raises(CommandError, match="hãy chọn tháng"):
        call_command("national_ranking", "--period", "2026-10-01..2026-10-03")
