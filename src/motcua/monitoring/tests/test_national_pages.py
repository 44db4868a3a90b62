"""The national indicator set as a supervisor sees it: kpi_report's JSON, the ranking with
"chưa đủ dữ liệu", sorting and filters, the formula help, the monthly report's files,
the drill-down headings and the charts' target label."""

import csv
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from motcua.agencies.models import Role
from motcua.monitoring import charts
from motcua.monitoring.tests.conftest import local
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

OCT = {"period": "2026-10"}


@pytest.fixture
def supervisor(province):
    user = UserFactory(username="giamsat.qg")
    MembershipFactory(user=user, agency=province, role=Role.SUPERVISOR)
    return user


@pytest.fixture
def month(world, version, department, commune):
    """Sở Tư pháp: 6 dossiers (one settled late); the commune: 1 dossier (too few)."""
    version.agencies.add(department, commune)
    dossiers = [world.online(version, department, local(2026, 10, 5)) for _ in range(4)]
    dossiers += [world.counter(version, department, local(2026, 10, 6)) for _ in range(2)]
    for dossier in dossiers[:3]:
        world.settle(dossier, local(2026, 10, 7), electronic=True)
    world.decide(dossiers[3], local(2026, 10, 12))  # due Thu 8: late
    world.counter(version, commune, local(2026, 10, 6))
    return dossiers


def kpi(*args) -> str:
    out = io.StringIO()
    call_command("kpi_report", *args, stdout=out)
    return out.getvalue()


def test_kpi_report_json_carries_the_formula_and_who_is_graded(month):
    report = json.loads(kpi("--period", "2026-10", "--json"))
    assert report["formula_version"] == "dvcqg-2026"  # in force in October 2026
    assert report["min_dossiers"] == 5
    assert report["grade_scale"]["label"] == (
        "Thang xếp loại của Bộ (đánh giá hệ thống thông tin 2024)"
    )
    by_code = {entry["code"]: entry for entry in report["agencies"]}
    assert by_code["TINH.STP"]["graded"] is True
    assert by_code["TINH.XA"]["graded"] is False  # 1 dossier < 5
    assert by_code["TINH.XA"]["indicators"]["score"] is None
    assert by_code["TINH.XA"]["indicators"]["grade"] == ""
    national = by_code["TINH.STP"]["national"]
    assert national["formula_version"] == "dvcqg-2026"
    assert [g["code"] for g in national["groups"]] == [
        "cong_khai",
        "tien_do",
        "dvc_truc_tuyen",
        "thanh_toan",
        "so_hoa",
        "hai_long",
    ]
    on_time = next(i for i in national["indicators"] if i["code"] == "td_dung_han")
    # 4 ended (1 late) + 2 still open at 31 October, past their due date: 3 of 6.
    assert (on_time["numerator"], on_time["denominator"]) == (3, 6)
    assert on_time["status"] == "scored" and on_time["threshold"] == 80
    old = json.loads(kpi("--period", "2026-10", "--json", "--formula", "qd766-2022"))
    assert old["formula_version"] == "qd766-2022"
    assert len(old["total"]["national"]["groups"]) == 5


def test_kpi_report_csv_and_an_unknown_formula(month):
    rows = list(csv.DictReader(io.StringIO(kpi("--period", "2026-10", "--csv"))))
    assert {r["formula_version"] for r in rows} == {"dvcqg-2026"}
    stp = [r for r in rows if r["agency_code"] == "TINH.STP"]
    assert len(stp) == 19 and {r["indicator"] for r in stp} >= {"td_dung_han", "ck_dong_bo"}
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="qd999"):
        kpi("--period", "2026-10", "--formula", "qd999")


def test_the_ranking_lists_agencies_without_enough_data_last_without_a_grade(
    client, supervisor, month
):
    client.force_login(supervisor)
    response = client.get(reverse("monitoring:ranking"), OCT)
    page = response.content.decode()
    rows = response.context["rows"]
    assert [(r.name, r.rank) for r in rows] == [("Sở Tư pháp", 1), ("Xã Thử Nghiệm", None)]
    assert rows[1].figures.grade == ""
    assert "chưa đủ dữ liệu" in page
    assert "Thang xếp loại của Bộ (đánh giá hệ thống thông tin 2024)" in page
    assert "Tiến độ giải quyết (20)" in page  # a column per group of the formula


def test_the_ranking_sorts_and_filters(client, supervisor, month):
    client.force_login(supervisor)
    by_name = client.get(reverse("monitoring:ranking"), {**OCT, "sort": "name"})
    assert [r.name for r in by_name.context["rows"]] == ["Sở Tư pháp", "Xã Thử Nghiệm"]
    assert 'aria-sort="ascending"' in by_name.content.decode()
    back = client.get(reverse("monitoring:ranking"), {**OCT, "sort": "name", "order": "giam"})
    assert [r.name for r in back.context["rows"]] == ["Xã Thử Nghiệm", "Sở Tư pháp"]
    # By the on-time rate, lowest first: the commune has none (empty values last).
    low = client.get(
        reverse("monitoring:ranking"), {**OCT, "sort": "on_time_rate", "order": "tang"}
    )
    assert [r.name for r in low.context["rows"]] == ["Sở Tư pháp", "Xã Thử Nghiệm"]
    ungraded = client.get(reverse("monitoring:ranking"), {**OCT, "grade": "none"})
    assert [r.name for r in ungraded.context["rows"]] == ["Xã Thử Nghiệm"]
    named = client.get(reverse("monitoring:ranking"), {**OCT, "q": "tu phap"})
    assert [r.name for r in named.context["rows"]] == ["Sở Tư pháp"]
    # A sorting link keeps the filters.
    assert "q=tu+phap" in named.content.decode()


def test_the_formula_is_chosen_per_page_and_each_indicator_explains_itself(
    client, supervisor, department, month
):
    client.force_login(supervisor)
    params = {**OCT, "agency": department.code}
    page = client.get(reverse("monitoring:overview"), params).content.decode()
    assert "dvcqg-2026" in page
    assert '<details class="formula-help">' in page
    assert "Cổng Dịch vụ công quốc gia – Bộ chỉ số phục vụ" in page  # the source
    old = client.get(reverse("monitoring:overview"), {**params, "formula": "qd766-2022"})
    assert old.context["data"].national.version.code == "qd766-2022"
    assert "Quyết định 766/QĐ-TTg ngày 23/6/2022" in old.content.decode()
    bad = client.get(reverse("monitoring:overview"), {**params, "formula": "qd999"})
    assert bad.status_code == 200 and "qd999" in bad.content.decode()


def test_the_monthly_report_downloads_in_the_national_format(client, supervisor, month):
    client.force_login(supervisor)
    url = reverse("monitoring:report_pdf")
    xlsx = client.get(url, {**OCT, "agency": "TINH", "dinh-dang": "xlsx"})
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert any("I. Tình hình cung cấp dịch vụ công trực tuyến" in str(c) for c in cells)
    assert any("III. Kết quả Bộ chỉ số" in str(c) for c in cells)
    assert any("IV. Kết quả của các cơ quan trực thuộc" in str(c) for c in cells)
    assert "chưa đủ dữ liệu" in cells  # the commune, as text
    data = client.get(url, {**OCT, "agency": "TINH", "dinh-dang": "json"}).json()
    assert {r["formula_version"] for r in data["rows"]} == {"dvcqg-2026"}
    text = client.get(url, {**OCT, "agency": "TINH", "dinh-dang": "csv"}).content.decode()
    assert text.startswith("period,agency_code,agency_name,formula_version")
    pdf = client.get(url, {**OCT, "agency": "TINH"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    overview_pdf = client.get(url, {**OCT, "agency": "TINH", "dinh-dang": "tong-quan"})
    assert overview_pdf.content.startswith(b"%PDF")
    assert client.get(url, {**OCT, "dinh-dang": "doc"}).status_code == 404


def test_drill_down_headings_are_vietnamese(client, supervisor, department, month):
    client.force_login(supervisor)
    for measure, heading in (
        ("late", "Hồ sơ giải quyết quá hạn"),
        ("early", "Hồ sơ giải quyết trước hạn"),
        ("on_time", "Hồ sơ giải quyết đúng hạn"),
    ):
        response = client.get(
            reverse("monitoring:dossiers"), {**OCT, "agency": department.code, "measure": measure}
        )
        assert response.context["title"].startswith(heading), measure


def test_the_chart_labels_its_target_at_the_right_end_above_the_line():
    svg = str(
        charts.line_chart(
            [("09/26", 40.0), ("10/26", 60.0)], title="Trực tuyến", top=100, target=50
        )
    )
    label = re.search(
        r'<text x="([\d.]+)" y="([\d.]+)" font-size="11" fill="([^"]+)"'
        r' text-anchor="end">Chỉ tiêu 50,0%</text>',
        svg,
    )
    assert label, svg
    x, y, fill = label.groups()
    assert float(x) == charts.WIDTH - charts.RIGHT and fill == charts.TARGET
    line_y = re.search(r'<line x1="\d+" y1="([\d.]+)" x2="\d+" y2="[\d.]+" stroke="#a50e0e"', svg)
    assert float(y) == pytest.approx(float(line_y.group(1)) - 4)
    # Axes with titles, and each point's tooltip.
    assert ">Tháng</text>" in svg and "Tỷ lệ (%)" in svg
    assert "<title>10/26: 60,0%</title>" in svg
