"""Households and relations in the population registry, and the write endpoints."""

import datetime as dt
import json

import pytest

from motcua.registrysim import services
from motcua.registrysim.models import Business, CivilStatusEvent, Person, Registration
from motcua.registrysim.registrations import century_sex_digit, new_personal_id
from tests.fixtures import registry_family

pytestmark = pytest.mark.django_db

WIFE, HUSBAND, GRANDMA, SON = "027190001111", "027088002222", "027160003333", "027212004444"
BAC_NINH = {"province": "Tỉnh Bắc Ninh", "commune": "Phường Kinh Bắc", "detail": "Số 5 Lý Bôn"}
PARENTS = {
    "mother_personal_id": WIFE,
    "mother_full_name": "Nguyễn Thị Hoa",
    "mother_birth_date": "1990-05-17",
    "father_personal_id": HUSBAND,
    "father_full_name": "Trần Văn Nam",
}
GRANDMA_DEATH = {"personal_id": GRANDMA, "full_name": "Lê Thị Mận", "date_of_death": "2025-10-01"}


@pytest.fixture
def family():
    """A couple heading a household in Bắc Ninh, the wife's mother and their son."""
    registry_family(
        wife=(WIFE, "Nguyễn Thị Hoa", "1990-05-17"),
        husband=(HUSBAND, "Trần Văn Nam", "1988-03-04"),
        grandma=(GRANDMA, "Lê Thị Mận", "1960-02-01"),
        household_id="HK0001",
        residence=BAC_NINH,
        address="Số 5 Lý Bôn",
    )
    common = {"household_id": "HK0001", "residence": BAC_NINH, "permanent_address": "Số 5 Lý Bôn"}
    services.upsert_person(
        personal_id=SON,
        full_name="Trần Minh Khôi",
        birth_date="2012-09-10",
        gender="nam",
        father_id=HUSBAND,
        mother_id=WIFE,
        relation_to_head="con",
        **common,
    )


@pytest.fixture
def post(client):
    """POST a write to the simulator with the test key (or another one)."""

    def send(registry, action, reference, payload, key="khoa-thu-nghiem"):
        headers = {"X-API-Key": key} if key is not None else {}
        return client.post(
            f"/mo-phong/csdl/{registry}/dang-ky/{action}/",
            data=json.dumps({"reference": reference, "payload": payload}),
            content_type="application/json",
            headers=headers,
        )

    return send


def test_population_record_carries_spouse_parents_children_and_household(api, family):
    body = api(f"dan_cu/{WIFE}/").json()

    assert body["sex"] == "nu" and body["residence"] == BAC_NINH
    relations = body["relations"]
    assert relations["spouse"] == {
        "personal_id": HUSBAND,
        "full_name": "Trần Văn Nam",
        "birth_date": "1988-03-04",
        "sex": "nam",
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "residence": BAC_NINH,
        "deceased": False,
    }
    assert relations["mother"]["full_name"] == "Lê Thị Mận"
    assert relations["father"] is None  # not in the registry
    assert [c["personal_id"] for c in relations["children"]] == [SON]
    household = relations["household"]
    assert household["head"]["personal_id"] == HUSBAND
    assert [(m["personal_id"], m["relation"]) for m in household["members"]] == [
        (HUSBAND, "chu_ho"),
        (WIFE, "vo"),
        (SON, "con"),
    ]
    assert household["members"][2]["relation_label"] == "Con"


def test_birth_registration_creates_a_child_linked_to_both_parents(api, post, family):
    child = {"full_name": "Trần Thị  Bống", "birth_date": "2025-11-02", "sex": "nu"}
    payload = {"child": child, **PARENTS}

    first = post("dan_cu", "register_birth", "H27.1-251102-0001", payload)

    assert first.status_code == 201
    pid = first.json()["personal_id"]
    baby = Person.objects.get(personal_id=pid)
    assert baby.full_name == "Trần Thị Bống"
    assert (baby.mother_id, baby.father_id) == (WIFE, HUSBAND)
    assert (baby.household_id, baby.relation_to_head) == ("HK0001", "con")
    assert baby.residence_province == "Tỉnh Bắc Ninh"
    assert CivilStatusEvent.objects.get(person=baby).kind == "khai_sinh"
    mother = api(f"dan_cu/{WIFE}/").json()["relations"]
    assert [c["personal_id"] for c in mother["children"]] == [SON, pid]
    # Province 027 (mother's), 3 = a girl born 2000–2099, year 25, 6 random digits.
    assert pid[:6] == "027325" and len(pid) == 12 and pid.isdigit()

    again = post("dan_cu", "register_birth", "H27.1-251102-0001", {**payload, "child": child})
    assert again.status_code == 200
    assert again.json()["personal_id"] == pid and again.json()["created"] is False
    assert Person.objects.filter(mother_id=WIFE).count() == 2
    assert Registration.objects.count() == 1


def test_new_personal_ids_follow_circular_59_and_do_not_repeat(family):
    assert [century_sex_digit(s, y) for s, y in [("nam", 1999), ("nu", 1950)]] == [0, 1]
    assert [century_sex_digit(s, y) for s, y in [("nam", 2000), ("nu", 2099)]] == [2, 3]
    ids = {new_personal_id("001", "nam", dt.date(2024, 1, 1)) for _ in range(50)}
    assert all(pid.startswith("001224") and len(pid) == 12 for pid in ids)
    assert len(ids) == 50
    assert not Person.objects.filter(personal_id__in=ids).exists()


def test_birth_needs_a_known_parent_and_a_valid_child(post, family):
    unknown = post(
        "dan_cu",
        "register_birth",
        "R1",
        {
            "child": {"full_name": "A", "birth_date": "2025-01-01", "sex": "nu"},
            "mother_personal_id": "001190009999",
        },
    )
    assert unknown.status_code == 400
    assert "người mẹ" in unknown.json()["detail"]
    future = post(
        "dan_cu",
        "register_birth",
        "R2",
        {
            "child": {"full_name": "A", "birth_date": "2999-01-01", "sex": "nu"},
            "mother_personal_id": WIFE,
        },
    )
    assert future.status_code == 400 and "tương lai" in future.json()["detail"]
    assert not Registration.objects.exists()


def test_death_registration_marks_the_person_deceased_once(api, post, family):
    payload = {**GRANDMA_DEATH, "birth_date": "1960-02-01"}

    assert post("ho_tich", "register_death", "KT-1", payload).status_code == 201
    assert post("ho_tich", "register_death", "KT-1", payload).status_code == 200

    assert Person.objects.get(personal_id=GRANDMA).deceased_on == dt.date(2025, 10, 1)
    assert CivilStatusEvent.objects.filter(person__personal_id=GRANDMA, kind="khai_tu").count() == 1
    assert api(f"ho_tich/{GRANDMA}/").json()["deceased"] is True
    assert api(f"dan_cu/{WIFE}/").json()["relations"]["mother"]["deceased"] is True


def test_marriage_sets_the_spouse_both_ways_and_refuses_a_married_person(api, post, family):
    groom = services.upsert_person(
        personal_id="027095005555", full_name="Phạm Văn An", birth_date="1995-01-01", gender="nam"
    )
    bride = services.upsert_person(
        personal_id="027197006666", full_name="Đỗ Thị Lan", birth_date="1997-01-01", gender="nu"
    )
    payload = {
        "husband_personal_id": groom.personal_id,
        "husband_full_name": "Phạm Văn An",
        "wife_personal_id": bride.personal_id,
        "wife_full_name": "ĐỖ THỊ LAN",  # case and spacing do not matter
    }

    assert post("ho_tich", "register_marriage", "KH-1", payload).status_code == 201
    assert post("ho_tich", "register_marriage", "KH-1", payload).status_code == 200

    assert api(f"dan_cu/{groom.personal_id}/").json()["relations"]["spouse"]["full_name"] == (
        "Đỗ Thị Lan"
    )
    assert Person.objects.get(pk=bride.pk).spouse_id == groom.personal_id
    assert CivilStatusEvent.objects.filter(kind="ket_hon").count() == 2
    bigamy = post(
        "ho_tich",
        "register_marriage",
        "KH-2",
        {**payload, "wife_personal_id": WIFE, "wife_full_name": "Nguyễn Thị Hoa"},
    )
    assert bigamy.status_code == 400 and "đang có vợ/chồng" in bigamy.json()["detail"]


def test_household_business_gets_a_new_tax_code_once(post, family):
    payload = {
        "name": "Hộ kinh doanh Tạp hóa Hoa",
        "owner_personal_id": WIFE,
        "owner_full_name": "Nguyễn Thị Hoa",
        "address": BAC_NINH,
        "capital_vnd": 50_000_000,
    }

    first = post("dang_ky_kinh_doanh", "register_household_business", "HKD-1", payload)
    again = post("dang_ky_kinh_doanh", "register_household_business", "HKD-1", payload)

    assert first.status_code == 201 and again.status_code == 200
    code = first.json()["business_code"]
    assert again.json()["business_code"] == code and len(code) == 10
    business = Business.objects.get()
    assert business.tax_code == code
    assert business.head_office == "Số 5 Lý Bôn, Phường Kinh Bắc, Tỉnh Bắc Ninh"
    assert business.representative_personal_id == WIFE


def test_writes_need_the_api_key_and_a_matching_registry(post, family):
    payload = GRANDMA_DEATH

    assert post("dan_cu", "register_death", "KT-1", payload, key=None).status_code == 401
    assert post("dan_cu", "register_death", "KT-1", payload, key="sai").status_code == 401
    wrong = post("dang_ky_kinh_doanh", "register_death", "KT-1", payload)
    assert wrong.status_code == 400
    assert post("dan_cu", "no_such_action", "KT-1", payload).status_code == 404
    assert Person.objects.get(personal_id=GRANDMA).deceased_on is None


def test_a_registry_that_is_down_refuses_writes_with_503(post, family):
    services.set_mode("dan_cu", "down")
    payload = GRANDMA_DEATH

    response = post("dan_cu", "register_death", "KT-1", payload)

    assert response.status_code == 503 and response["Retry-After"] == "1"
    assert Person.objects.get(personal_id=GRANDMA).deceased_on is None
    assert not Registration.objects.exists()


def test_a_corrected_birth_amends_the_child_and_keeps_its_personal_id(api, post, family):
    child = {"full_name": "Trần Thị Bống", "birth_date": "2025-11-02", "sex": "nu"}
    first = post("dan_cu", "register_birth", "KS-9", {"child": child, **PARENTS})
    pid = first.json()["personal_id"]
    corrected = {
        "full_name": "Trần Thị  Bông",
        "birth_date": "2025-11-03",
        "sex": "nu",
        "ethnicity": "Tày",
    }
    only_mother = {k: v for k, v in PARENTS.items() if k.startswith("mother_")}

    amended = post("dan_cu", "register_birth", "KS-9", {"child": corrected, **only_mother})

    assert amended.status_code == 200
    body = amended.json()
    assert (body["personal_id"], body["amended"], body["created"]) == (pid, True, False)
    assert body["full_name"] == "Trần Thị Bông" and body["father_personal_id"] == ""
    baby = Person.objects.get(personal_id=pid)
    assert (baby.full_name, baby.birth_date, baby.ethnicity) == (
        "Trần Thị Bông",
        dt.date(2025, 11, 3),
        "Tày",
    )
    assert (baby.mother_id, baby.father_id) == (WIFE, "")
    assert Person.objects.filter(full_name__startswith="Trần Thị B").count() == 1
    assert CivilStatusEvent.objects.filter(person=baby, kind="khai_sinh").count() == 1
    registration = Registration.objects.get()
    assert registration.amendments == 1
    assert registration.payload["child"]["ethnicity"] == "Tày"
    assert registration.result["full_name"] == "Trần Thị Bông"
    assert registration.updated_at >= registration.created_at
    assert [
        c["personal_id"] for c in api(f"dan_cu/{HUSBAND}/").json()["relations"]["children"]
    ] == [SON]

    again = post("dan_cu", "register_birth", "KS-9", {"child": corrected, **only_mother})
    assert again.status_code == 200 and "amended" not in again.json()
    assert again.json()["personal_id"] == pid
    assert Registration.objects.get().amendments == 1


def test_a_corrected_death_date_and_business_keep_their_records(post, family):
    assert post("ho_tich", "register_death", "KT-5", GRANDMA_DEATH).status_code == 201

    later = post(
        "ho_tich", "register_death", "KT-5", {**GRANDMA_DEATH, "date_of_death": "2025-10-03"}
    )

    assert later.status_code == 200 and later.json()["amended"] is True
    assert Person.objects.get(personal_id=GRANDMA).deceased_on == dt.date(2025, 10, 3)
    assert CivilStatusEvent.objects.filter(kind="khai_tu").count() == 1
    shop = {
        "name": "Hộ kinh doanh Tạp hóa Hoa",
        "owner_personal_id": WIFE,
        "owner_full_name": "Nguyễn Thị Hoa",
        "address": BAC_NINH,
        "capital_vnd": 50_000_000,
    }
    code = post("dang_ky_kinh_doanh", "register_household_business", "HKD-5", shop).json()[
        "business_code"
    ]
    renamed = {
        **shop,
        "name": "Hộ kinh doanh Hoa Sen",
        "capital_vnd": 70_000_000,
        "owner_personal_id": HUSBAND,
        "owner_full_name": "Trần Văn Nam",
    }
    amended = post("dang_ky_kinh_doanh", "register_household_business", "HKD-5", renamed)

    assert amended.json()["business_code"] == code and amended.json()["amended"] is True
    business = Business.objects.get()
    assert (business.tax_code, business.name, business.charter_capital_vnd) == (
        code,
        "Hộ kinh doanh Hoa Sen",
        70_000_000,
    )
    assert business.representative_personal_id == HUSBAND


def test_a_corrected_marriage_pair_unlinks_the_old_spouse(post, family):
    groom = services.upsert_person(
        personal_id="027095005555", full_name="Phạm Văn An", birth_date="1995-01-01", gender="nam"
    )
    typo = services.upsert_person(
        personal_id="027197006666", full_name="Đỗ Thị Lan", birth_date="1997-01-01", gender="nu"
    )
    bride = services.upsert_person(
        personal_id="027198007777", full_name="Đỗ Thị Lan", birth_date="1998-01-01", gender="nu"
    )
    payload = {
        "husband_personal_id": groom.personal_id,
        "husband_full_name": "Phạm Văn An",
        "wife_personal_id": typo.personal_id,
        "wife_full_name": "Đỗ Thị Lan",
    }
    assert post("ho_tich", "register_marriage", "KH-5", payload).status_code == 201

    fixed = {**payload, "wife_personal_id": bride.personal_id, "wife_birth_date": "1998-01-01"}
    response = post("ho_tich", "register_marriage", "KH-5", fixed)

    assert response.status_code == 200 and response.json()["amended"] is True
    assert response.json()["wife_personal_id"] == bride.personal_id
    assert Person.objects.get(pk=typo.pk).spouse_id == ""
    assert Person.objects.get(pk=bride.pk).spouse_id == groom.personal_id
    assert Person.objects.get(pk=groom.pk).spouse_id == bride.personal_id
    assert not CivilStatusEvent.objects.filter(person=typo).exists()
    assert CivilStatusEvent.objects.filter(kind="ket_hon", reference="KH-5").count() == 2


def test_a_personal_id_of_someone_else_is_refused_with_422_and_writes_nothing(post, family):
    wrong_name = post(
        "ho_tich", "register_death", "KT-7", {**GRANDMA_DEATH, "full_name": "Lê Văn Mận"}
    )
    wrong_birth = post(
        "ho_tich", "register_death", "KT-7", {**GRANDMA_DEATH, "birth_date": "1961-02-01"}
    )
    no_name = post("ho_tich", "register_death", "KT-7", {**GRANDMA_DEATH, "full_name": ""})
    child = {"full_name": "Trần Thị Bống", "birth_date": "2025-11-02", "sex": "nu"}
    wrong_father = post(
        "dan_cu",
        "register_birth",
        "KS-7",
        {"child": child, **PARENTS, "father_full_name": "Trần Văn Hùng"},
    )

    for response in (wrong_name, wrong_birth, wrong_father):
        assert response.status_code == 422
        assert response.json()["error"] == "mismatch"
    assert wrong_name.json()["detail"] == (
        f"Số định danh cá nhân {GRANDMA} của người chết không khớp với họ tên/ngày sinh "
        "trong CSDL quốc gia về dân cư."
    )
    assert no_name.status_code == 400 and "Thiếu họ" in no_name.json()["detail"]
    assert Person.objects.get(personal_id=GRANDMA).deceased_on is None
    assert not CivilStatusEvent.objects.exists()
    assert not Person.objects.filter(full_name="Trần Thị Bống").exists()
    assert not Registration.objects.exists()
    # A mismatch in a correction leaves the first registration as it was.
    assert post("ho_tich", "register_death", "KT-7", GRANDMA_DEATH).status_code == 201
    retyped = {**GRANDMA_DEATH, "personal_id": WIFE, "date_of_death": "2025-10-05"}
    assert post("ho_tich", "register_death", "KT-7", retyped).status_code == 422
    assert Person.objects.get(personal_id=GRANDMA).deceased_on == dt.date(2025, 10, 1)
    assert Person.objects.get(personal_id=WIFE).deceased_on is None
    assert Registration.objects.get().amendments == 0
