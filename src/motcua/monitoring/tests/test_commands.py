"""The commands scripts use: kpi_report, send_monthly_reports."""

import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.agencies.models import Role
from motcua.monitoring.models import Indicator, ReportDispatch
from motcua.monitoring.periods import parse
from motcua.monitoring.reports import send_monthly_reports
from motcua.monitoring.tests.conftest import local
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def kpi_json(*args) -> dict:
    out = io.StringIO()
    call_command("kpi_report", *args, stdout=out)
    return json.loads(out.getvalue())


def test_kpi_report_prints_every_indicator_for_every_agency(
    world, version, province, department, commune
):
    world.online(version, department, local(2026, 10, 5))
    world.counter(version, commune, local(2026, 10, 6))

    report = kpi_json("--period", "2026-10", "--json")

    assert report["period"] == "2026-10" and report["label"] == "Tháng 10/2026"
    by_code = {entry["code"]: entry for entry in report["agencies"]}
    assert set(by_code) == {"TINH", "TINH.STP", "TINH.XA"}
    for entry in report["agencies"]:
        assert set(Indicator.values) <= set(entry["indicators"])
        assert "grade" in entry["indicators"]
    assert by_code["TINH.STP"]["indicators"]["online_dossier_share"] == 100
    assert by_code["TINH.XA"]["indicators"]["online_dossier_share"] == 0
    assert by_code["TINH"]["indicators"]["online_dossier_share"] == 50
    assert by_code["TINH.XA"]["parent"] == "TINH"
    assert report["total"]["counts"]["received"] == 2


def test_kpi_report_for_one_agency_and_its_subtree(world, version, province, department, commune):
    world.online(version, department, local(2026, 10, 5))
    report = kpi_json("--period", "2026-10", "--agency", "TINH.STP", "--json")
    assert [entry["code"] for entry in report["agencies"]] == ["TINH.STP"]
    assert report["total"]["code"] == "TINH.STP"


def test_kpi_report_rejects_an_unknown_agency_or_period(department):
    with pytest.raises(CommandError, match="Không có cơ quan mã"):
        call_command("kpi_report", "--agency", "KHONGCO", stdout=io.StringIO())
    with pytest.raises(CommandError, match="2026-Q4"):
        call_command("kpi_report", "--period", "Q4", stdout=io.StringIO())


def test_kpi_report_as_a_table_names_the_agencies(world, version, department):
    world.online(version, department, local(2026, 10, 5))
    out = io.StringIO()
    call_command("kpi_report", "--period", "2026-10", stdout=out)
    assert "Sở Tư pháp" in out.getvalue() and "Tháng 10/2026" in out.getvalue()


def test_the_monthly_report_is_mailed_to_each_supervisor_once(world, version, province, department):
    world.online(version, department, local(2026, 10, 5))
    supervisor = UserFactory(username="giamsat", email="giamsat@example.vn")
    MembershipFactory(user=supervisor, agency=province, role=Role.SUPERVISOR)
    without_address = UserFactory(username="giamsat2", email="")
    MembershipFactory(user=without_address, agency=province, role=Role.SUPERVISOR)

    sent, skipped = send_monthly_reports(parse("2026-10"))

    assert (sent, skipped) == (1, 1)
    (message,) = mail.outbox
    assert message.to == ["giamsat@example.vn"]
    assert "Tỉnh Thử Nghiệm" in message.subject and "tháng 10/2026" in message.subject
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("bao-cao-2026-10.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    # A second run (cron retried) sends nothing new.
    call_command("send_monthly_reports", "--period", "2026-10", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    assert ReportDispatch.objects.count() == 1
