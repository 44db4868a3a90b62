import re

import pytest

from tests.factories import procedure_version


@pytest.mark.django_db
def test_home_lists_published_procedures_and_filters_by_name(client):
    procedure_version("T.01", name="Đăng ký khai sinh")
    procedure_version("T.02", name="Cấp giấy phép xây dựng", sector="Xây dựng")
    page = client.get("/", {"q": "khai sinh"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Đăng ký khai sinh" in body
    assert "Cấp giấy phép xây dựng" not in body


@pytest.mark.django_db
def test_procedure_page_shows_the_online_fee_discount(client):
    procedure_version("T.03", fee_vnd=100000, online_fee_policy="percent", online_fee_value=50)
    body = client.get("/thu-tuc/T.03/").content.decode()
    assert "100.000 đồng" in body
    assert "50.000 đồng" in body


@pytest.mark.django_db
def test_unknown_procedure_code_is_not_found(client):
    assert client.get("/thu-tuc/KHONG.CO/").status_code == 404


@pytest.mark.django_db
def test_the_catalogue_can_be_browsed_by_agency(client):
    from tests.factories import AgencyFactory, procedure_version

    commune = AgencyFactory(name="UBND xã Yên Phong")
    ours = procedure_version("HT.AG1", name="Đăng ký khai sinh")
    ours.agencies.add(commune)
    procedure_version("HT.AG2", name="Đăng ký kết hôn")
    page = client.get("/", {"co_quan": commune.pk}).content.decode()
    assert "UBND xã Yên Phong" in page
    assert "Đăng ký khai sinh" in page and "Đăng ký kết hôn" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "unit", "shown"),
    [
        (8, "working_hours", "8 giờ làm việc"),
        (15, "working_days", "15 ngày làm việc"),
        (30, "calendar_days", "30 ngày"),
        (3, "months", "3 tháng"),
    ],
)
def test_procedure_page_states_the_time_limit_as_the_law_does(client, amount, unit, shown):
    procedure_version("T.TL", processing_days=amount, processing_unit=unit)
    body = client.get("/thu-tuc/T.TL/").content.decode()
    assert f"<dd>{shown}</dd>" in body


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/?q=khai+sinh", "/tim-kiem/?q=khai+sinh"])
def test_every_search_region_of_a_page_has_its_own_name(client, path):
    body = client.get(path).content.decode()
    regions = re.findall(r'<form[^>]*role="search"[^>]*>', body)
    names = [re.search(r'aria-label="([^"]+)"', form) for form in regions]
    assert regions and all(names), regions
    assert len({name.group(1) for name in names}) == len(names)
