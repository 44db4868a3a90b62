"""Fixtures of the postal tests: the postal simulator served over real HTTP (the live
server), a small geography (two provinces and their communes), and a dossier whose
result is issued and waits to be posted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.agencies.models import Agency, Role
from motcua.dossiers.models import ResultDelivery, Status
from tests.factories import (
    AgencyFactory,
    citizen_user,
    dossier_in_status,
    offered_version,
    officer_user,
)

KEY = "khoa-chung-buu-chinh-thu-nghiem"
ADDRESS = {
    "recipient": "Nguyễn Thị Hoa",
    "phone": "0912345678",
    "street": "Số 12 đường Lý Thái Tổ",
    "province": "Tỉnh Bắc Ninh",
    "commune": "Phường Võ Cường",
}


@pytest.fixture
def post(live_server, settings):
    """The simulator on the live server, MotCua's connector pointed at it, one key."""
    settings.MOTCUA_POSTAL_BACKEND = "http"
    settings.MOTCUA_POSTAL_URL = f"{live_server.url}/mo-phong/buu-chinh/"
    settings.MOTCUA_POSTAL_KEY = settings.MOTCUA_POSTSIM_KEY = KEY
    settings.MOTCUA_POSTAL_TIMEOUT_S = 10
    settings.MOTCUA_POSTAL_RETRIES = 0
    settings.MOTCUA_POSTSIM_WEBHOOK_TIMEOUT_S = 10
    settings.MOTCUA_POSTSIM_IN_PROVINCE_VND = 22_000
    settings.MOTCUA_POSTSIM_OTHER_VND = 30_000
    settings.MOTCUA_POSTSIM_TRANSIT_S = 0
    settings.MOTCUA_NOTIFICATIONS_INLINE = False
    return live_server


@pytest.fixture
def callback(post):
    return f"{post.url}/buu-chinh/su-kien/"


@pytest.fixture
def geography(db):
    """Bắc Ninh (Kinh Bắc, Võ Cường) and Hà Nội (Hoàn Kiếm), the current lists."""
    bac_ninh = AgencyFactory(code="BN", name="Tỉnh Bắc Ninh", kind=Agency.Kind.PROVINCE)
    ha_noi = AgencyFactory(code="HN", name="Thành phố Hà Nội", kind=Agency.Kind.CITY)
    kinh_bac = AgencyFactory(
        code="BN.KB", name="Phường Kinh Bắc", kind=Agency.Kind.COMMUNE, parent=bac_ninh
    )
    AgencyFactory(code="BN.VC", name="Phường Võ Cường", kind=Agency.Kind.COMMUNE, parent=bac_ninh)
    AgencyFactory(code="HN.HK", name="Phường Hoàn Kiếm", kind=Agency.Kind.COMMUNE, parent=ha_noi)
    return {"bac_ninh": bac_ninh, "ha_noi": ha_noi, "kinh_bac": kinh_bac}


@pytest.fixture
def citizen():
    user = citizen_user("congdan", "Nguyễn Thị Hoa", "001090001111")
    user.applicants.filter(kind="person").update(email="hoa@example.vn", phone="0912345678")
    return user


@pytest.fixture
def desk(geography):
    return officer_user(geography["kinh_bac"], Role.DESK_OFFICER, "motcua.kb")


@pytest.fixture
def make_dossier(geography, citizen):
    version = offered_version("HT.01", [geography["kinh_bac"]], name="Đăng ký khai sinh")

    def make(status=Status.RESULT_ISSUED, delivery=ResultDelivery.POST, **fields):
        values = dict(
            applicant=citizen.applicants.get(kind="person"),
            procedure_version=version,
            agency=geography["kinh_bac"],
            submitted_at=timezone.now() - dt.timedelta(days=5),
            result_delivery=delivery,
            delivery_address=dict(ADDRESS) if delivery == ResultDelivery.POST else {},
            postage_vnd=22_000 if delivery == ResultDelivery.POST else None,
        )
        values.update(fields)
        return dossier_in_status(status, **values)

    return make
