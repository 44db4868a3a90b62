"""Cross-check with the national portal's figures: the import (CSV and XLSX, all or
nothing, re-import replaces, audited), who may import and see, the comparison with the
dossiers that explain a difference; and the results delivered by post on the dashboard."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from motcua.agencies.models import Role
from motcua.audit.models import AuditRecord
from motcua.monitoring.models import NationalFigure
from motcua.monitoring.tests.conftest import local
from motcua.postal.models import Shipment, ShipmentStatus
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("monitoring:crosscheck")
OCT = {"period": "2026-10", "agency": "TINH.STP"}
HEADER = "ma_co_quan,thang,ma_chi_so,ten_chi_so,tu_so,mau_so,diem\n"


@pytest.fixture
def supervisor(province):
    user = UserFactory(username="giamsat.dc")
    MembershipFactory(user=user, agency=province, role=Role.SUPERVISOR)
    return user


@pytest.fixture
def admin_stp(department):
    user = UserFactory(username="quantri.stp")
    MembershipFactory(user=user, agency=department, role=Role.AGENCY_ADMIN)
    return user


@pytest.fixture
def month(world, version, department, commune):
    """Sở Tư pháp in October 2026: 4 online + 2 counter dossiers; 3 settled on time, one
    decided late (due Thu 8, decided Mon 12) and the 2 counter dossiers still open past
    their deadline at the month's end: MotCua counts 3 of 6 on time (dvcqg-2026)."""
    version.agencies.add(department, commune)
    dossiers = [world.online(version, department, local(2026, 10, 5)) for _ in range(4)]
    dossiers += [world.counter(version, department, local(2026, 10, 6)) for _ in range(2)]
    for dossier in dossiers[:3]:
        world.settle(dossier, local(2026, 10, 7), electronic=True)
    world.decide(dossiers[3], local(2026, 10, 12))
    return dossiers


def upload(client, content, name="dvcqg.csv", params=OCT):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.post(f"{URL}?{query}", {"file": SimpleUploadedFile(name, content)})


def csv_file(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


GOOD = csv_file(
    "TINH.STP,2026-10,td_dung_han,Tỷ lệ hồ sơ đúng hạn,4,6,13.33",
    "TINH.STP,2026-10,tt_ho_so_truc_tuyen,Tỷ lệ hồ sơ trực tuyến,4,6,6",
)


def test_a_csv_is_imported_and_audited(client, admin_stp, month, department):
    client.force_login(admin_stp)
    response = upload(client, GOOD)
    assert response.status_code == 302
    figures = {f.indicator: f for f in NationalFigure.objects.all()}
    assert set(figures) == {"td_dung_han", "tt_ho_so_truc_tuyen"}
    on_time = figures["td_dung_han"]
    assert on_time.agency == department and on_time.month == dt.date(2026, 10, 1)
    assert (on_time.numerator, on_time.denominator, on_time.points) == (
        Decimal("4"),
        Decimal("6"),
        Decimal("13.33"),
    )
    assert on_time.imported_by == admin_stp and len(on_time.source_file_sha256) == 64
    audit = AuditRecord.objects.get(action="monitoring.national_figures.import")
    assert audit.actor == admin_stp and audit.data["rows"] == 2
    assert audit.object_id == on_time.source_file_sha256


def test_an_xlsx_is_imported(client, supervisor, month):
    wb = Workbook()
    ws = wb.active
    ws.append(["ma_co_quan", "thang", "ma_chi_so", "tu_so", "mau_so", "diem"])
    ws.append(["TINH.STP", "2026-10", "td_dung_han", 5, 6, 16.67])
    ws.append(["TINH.XA", dt.datetime(2026, 10, 1), "tt_ho_so_truc_tuyen", 0, 1, 0])
    buffer = io.BytesIO()
    wb.save(buffer)
    client.force_login(supervisor)
    response = upload(client, buffer.getvalue(), name="dvcqg.xlsx")
    assert response.status_code == 302
    rows = sorted(
        NationalFigure.objects.values_list("agency__code", "month", "indicator", "numerator")
    )
    assert rows == [
        ("TINH.STP", dt.date(2026, 10, 1), "td_dung_han", Decimal("5")),
        ("TINH.XA", dt.date(2026, 10, 1), "tt_ho_so_truc_tuyen", Decimal("0")),
    ]


def test_a_bad_row_refuses_the_whole_file(client, admin_stp, month):
    client.force_login(admin_stp)
    bad = csv_file(
        "TINH.STP,2026-10,td_dung_han,,4,6,13.33",
        "TINH.STP,2026-13,td_dung_han,,4,6,1",
        "TINH.STP,2026-10,xx_khong_co,,1,2,1",
        "KHONG.CO,2026-10,tt_ho_so,,1,2,1",
        "TINH.STP,2026-10,tt_ho_so,,7,6,abc",
        "TINH.STP,2026-10,td_dung_han,,4,6,13.33",
    )
    response = upload(client, bad)
    assert response.status_code == 400
    errors = response.context["import_errors"]
    assert "Dòng 3, cột thang: “2026-13” không phải tháng dạng YYYY-MM (ví dụ 2026-10)." in errors
    assert "Dòng 4, cột ma_chi_so: không có chỉ số mã “xx_khong_co” trong Bộ chỉ số." in errors
    assert "Dòng 5, cột ma_co_quan: không có cơ quan mã “KHONG.CO”." in errors
    assert "Dòng 6, cột tu_so: tử số lớn hơn mẫu số." in errors
    assert "Dòng 6, cột diem: “abc” không phải là số." in errors
    assert "Dòng 7, cột ma_chi_so: trùng với dòng 2 (cùng cơ quan, tháng và chỉ số)." in errors
    assert "chưa lưu dòng nào" in response.content.decode()
    assert not NationalFigure.objects.exists()
    assert not AuditRecord.objects.filter(action="monitoring.national_figures.import").exists()


def test_a_missing_column_is_named(client, admin_stp, month):
    client.force_login(admin_stp)
    response = upload(client, b"ma_co_quan,thang,ma_chi_so,tu_so,mau_so\nTINH.STP,2026-10,x,1,2\n")
    assert response.status_code == 400
    assert response.context["import_errors"][0].startswith("Dòng 1 (tiêu đề): thiếu cột diem.")


def test_a_re_import_replaces_the_month(client, admin_stp, month):
    client.force_login(admin_stp)
    upload(client, GOOD)
    again = csv_file("TINH.STP,2026-10,td_dung_han,,3,6,10")
    assert upload(client, again).status_code == 302
    rows = list(NationalFigure.objects.values_list("indicator", "numerator"))
    assert rows == [("td_dung_han", Decimal("3"))]
    audits = AuditRecord.objects.filter(action="monitoring.national_figures.import")
    assert [a.data["replaced"] for a in audits.order_by("id")] == [0, 2]


def test_an_officer_of_another_agency_cannot_import_or_see(
    client, admin_stp, month, department, commune
):
    other = UserFactory(username="quantri.xa")
    MembershipFactory(user=other, agency=commune, role=Role.AGENCY_ADMIN)
    client.force_login(admin_stp)
    upload(client, GOOD)
    client.force_login(other)
    assert client.get(URL, OCT).status_code == 404
    assert upload(client, GOOD).status_code == 404
    # Their own page refuses a row of an agency outside their reach.
    response = upload(client, GOOD, params={"period": "2026-10", "agency": "TINH.XA"})
    assert response.status_code == 400
    assert (
        "Dòng 2, cột ma_co_quan: cơ quan “TINH.STP” ngoài phạm vi bạn được nhập số liệu."
        in response.context["import_errors"]
    )
    assert NationalFigure.objects.count() == 2
    # A desk officer of the agency itself sees its figures but not the cross-check.
    desk = UserFactory(username="motcua.stp")
    MembershipFactory(user=desk, agency=department, role=Role.DESK_OFFICER)
    client.force_login(desk)
    assert client.get(URL, OCT).status_code == 403
    overview = client.get(reverse("monitoring:overview"), OCT)
    assert overview.status_code == 200 and URL not in overview.content.decode()


def test_the_comparison_shows_the_difference_and_the_late_dossiers(
    client, admin_stp, month, department
):
    client.force_login(admin_stp)
    upload(client, GOOD)
    response = client.get(URL, OCT)
    assert response.status_code == 200
    rows = {r.code: r for r in response.context["rows"]}
    on_time = rows["td_dung_han"]
    assert (on_time.ours_numerator, on_time.ours_denominator) == (3, 6)
    assert on_time.numerator_diff == -1 and on_time.denominator_diff == 0
    assert on_time.differs
    online = rows["tt_ho_so_truc_tuyen"]
    assert (online.ours_numerator, online.ours_denominator) == (4, 6)
    assert online.numerator_diff == 0 and online.denominator_diff == 0
    assert not rows["ck_dong_bo"].differs  # nothing imported for it
    assert response.context["version"].code == "dvcqg-2026"
    # The first differing dossier-based indicator is explained by default: the late ones.
    assert response.context["chosen"] == "td_dung_han"
    late = {d.code for d in response.context["page"].object_list}
    assert late == {month[3].code, month[4].code, month[5].code}
    page = response.content.decode()
    assert 'class="differs"' in page and month[3].code in page
    assert "3 hồ sơ." in page
    # Online share: the offline dossiers are the two counter ones.
    offline = client.get(URL, {**OCT, "chi-so": "tt_ho_so_truc_tuyen"})
    assert {d.code for d in offline.context["page"].object_list} == {
        month[4].code,
        month[5].code,
    }
    # Under the 2022 reading only settled dossiers count: the one decided late.
    old = client.get(URL, {**OCT, "formula": "qd766-2022"})
    assert old.context["version"].code == "qd766-2022"
    assert {d.code for d in old.context["page"].object_list} == {month[3].code}


def test_the_late_list_is_paginated_by_50(client, supervisor, world, version, department):
    version.agencies.add(department)
    for _ in range(51):
        world.counter(version, department, local(2026, 10, 5))  # all open past the deadline
    client.force_login(supervisor)
    response = client.get(URL, {**OCT, "chi-so": "td_dung_han"})
    page = response.context["page"]
    assert page.paginator.count == 51 and len(page.object_list) == 50
    assert "51 hồ sơ." in response.content.decode()
    second = client.get(URL, {**OCT, "chi-so": "td_dung_han", "trang": "2"})
    assert len(second.context["page"].object_list) == 1


def test_the_dashboard_counts_results_delivered_by_post(client, admin_stp, month, department):
    for n, (dossier, delivered) in enumerate(
        [
            (month[0], local(2026, 10, 9)),  # counted
            (month[1], local(2026, 11, 2)),  # next month
            (month[2], None),  # still on its way
        ]
    ):
        Shipment.objects.create(
            dossier=dossier,
            tracking_number=f"EB00000000{n}VN",
            status=ShipmentStatus.DELIVERED if delivered else ShipmentStatus.IN_TRANSIT,
            postage_vnd=20000,
            created_at=local(2026, 10, 8),
            delivered_at=delivered,
        )
    client.force_login(admin_stp)
    response = client.get(reverse("monitoring:overview"), OCT)
    assert response.context["by_post"] == 1
    page = response.content.decode()
    assert "Kết quả trả qua bưu chính" in page
    assert URL in page  # the agency administrator is offered the cross-check
