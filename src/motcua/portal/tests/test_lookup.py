"""The public look-up by dossier code and the secret printed on the receipt."""

import pytest

from motcua.dossiers.models import Status

from .conftest import PID

pytestmark = pytest.mark.django_db

NOT_FOUND = "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này."


@pytest.fixture
def submitted(citizen, make_dossier):
    return make_dossier(citizen, Status.SUBMITTED)


def test_code_and_secret_show_the_status(client, submitted):
    response = client.post(
        "/tra-cuu/",
        {"code": submitted.code.lower(), "secret": submitted.lookup_secret.lower()},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Đã nộp, chờ tiếp nhận" in body
    assert "Đăng ký khai sinh" in body
    assert "tính từ ngày cơ quan tiếp nhận hồ sơ" in body


def test_the_code_alone_is_not_enough(client, submitted):
    response = client.post("/tra-cuu/", {"code": submitted.code, "secret": ""})
    body = response.content.decode()
    assert "Vui lòng nhập mã tra cứu in trên biên nhận." in body
    assert "Đã nộp, chờ tiếp nhận" not in body


def test_a_wrong_secret_and_a_wrong_code_get_the_same_answer(client, submitted):
    wrong_secret = client.post("/tra-cuu/", {"code": submitted.code, "secret": "00000000"})
    wrong_code = client.post(
        "/tra-cuu/", {"code": "BN.KB-000000-9999", "secret": submitted.lookup_secret}
    )
    assert NOT_FOUND in wrong_secret.content.decode()
    assert NOT_FOUND in wrong_code.content.decode()
    assert wrong_secret.status_code == wrong_code.status_code
    assert wrong_secret.context["form"].errors == wrong_code.context["form"].errors


def test_the_look_up_shows_no_more_personal_data_than_the_receipt(client, submitted):
    body = client.post(
        "/tra-cuu/", {"code": submitted.code, "secret": submitted.lookup_secret}
    ).content.decode()
    assert PID not in body
    assert "********" + PID[-4:] in body
    assert "0912345678" not in body  # the phone number in the e-form
    assert "Hàng Bông" not in body  # the address in the e-form


def test_notes_stay_out_of_the_public_timeline(client, submitted):
    from motcua.dossiers.services import transition

    transition(submitted, "refuse_intake", note="Giấy chứng sinh của cháu Nguyễn Văn Bé bị mờ")
    body = client.post(
        "/tra-cuu/", {"code": submitted.code, "secret": submitted.lookup_secret}
    ).content.decode()
    assert "Từ chối" in body
    assert "Nguyễn Văn Bé" not in body
