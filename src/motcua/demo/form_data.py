"""Plausible form and decision data for the procedures whose real tờ khai is modelled.

``sample_form_data(code, applicant, rng)`` fills the e-form of ``code`` (see
``catalog/data/forms``) for a demo applicant: the blocks the registries prefill carry
the applicant's own data, the rest is drawn from Vietnamese names and places with
ages that fit the procedure (a newborn days or weeks old, a couple of legal age…).
``sample_decision_data`` gives what the specialist would record. Both return None
for a procedure without a modelled form.

``applicant`` is a dict: ``name``, ``personal_id``, ``birth_date`` (date or ISO text),
``address`` ("detail, commune, tỉnh …"), and optionally ``phone``, ``email``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

PROVINCE = "Tỉnh Bắc Ninh"
COMMUNES = [
    "Phường Kinh Bắc",
    "Phường Võ Cường",
    "Phường Vũ Ninh",
    "Phường Từ Sơn",
    "Phường Bắc Giang",
    "Xã Tiên Du",
    "Xã Yên Phong",
    "Xã Gia Bình",
]
STREETS = ["Nguyễn Trãi", "Lý Thái Tổ", "Ngô Gia Tự", "Trần Hưng Đạo", "Hai Bà Trưng", "Lê Lợi"]
VILLAGES = ["Thôn Đông", "Thôn Đoài", "Thôn Trung", "Thôn Phúc Lộc", "Thôn An Bình", "Xóm Mới"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"]
MIDDLE_MALE = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Gia", "Bảo"]
MIDDLE_FEMALE = ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Khánh", "Bảo"]
GIVEN_MALE = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khang", "Long", "Nam", "Phúc", "Quân"]
GIVEN_FEMALE = ["Anh", "Chi", "Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Ngân", "Thảo", "Vy"]
HOSPITALS = [
    "Bệnh viện Sản - Nhi Bắc Ninh",
    "Bệnh viện Đa khoa tỉnh Bắc Ninh",
    "Trung tâm Y tế Từ Sơn",
    "Bệnh viện Sản - Nhi Bắc Giang",
]
VSIC_PREFERRED = ["5610", "4711", "4722", "4771", "9631", "4520", "1071", "4773"]
PURPOSES = [
    "Bổ sung hồ sơ xin việc",
    "Hồ sơ đi làm việc ở nước ngoài",
    "Bổ sung hồ sơ thi tuyển công chức",
    "Hồ sơ xin cấp thị thực du học",
]


# --- people and places ------------------------------------------------------------


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _sex_of(personal_id: str) -> str:
    """The 4th digit of a personal ID encodes the century and the sex (even: male)."""
    return "nam" if personal_id and int(personal_id[3]) % 2 == 0 else "nu"


def address_object(text: str) -> dict[str, str]:
    """A demo address line ("Số 12 đường X, Phường Kinh Bắc, tỉnh Bắc Ninh") as an
    address block."""
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    commune = next((p for p in parts if p.startswith(("Phường", "Xã", "Đặc khu"))), COMMUNES[0])
    detail = parts[0] if parts and parts[0] != commune else "Thôn Đông"
    return {"province": PROVINCE, "commune": commune, "detail": detail}


def random_address(rng: random.Random) -> dict[str, str]:
    commune = rng.choice(COMMUNES)
    if commune.startswith("Phường"):
        detail = f"Số {rng.randint(1, 250)} đường {rng.choice(STREETS)}"
    else:
        detail = rng.choice(VILLAGES)
    return {"province": PROVINCE, "commune": commune, "detail": detail}


def _name(rng: random.Random, male: bool, surname: str | None = None) -> str:
    middle = MIDDLE_MALE if male else MIDDLE_FEMALE
    given = GIVEN_MALE if male else GIVEN_FEMALE
    return f"{surname or rng.choice(SURNAMES)} {rng.choice(middle)} {rng.choice(given)}"


def _personal_id(rng: random.Random, birth: dt.date, male: bool) -> str:
    century = 0 if birth.year < 2000 else 2
    return f"027{century + (0 if male else 1)}{birth.year % 100:02d}{rng.randrange(10**6):06d}"


def _birth(rng: random.Random, on: dt.date, low: int, high: int) -> dt.date:
    """A birth date making someone ``low``..``high`` years old on ``on``."""
    return on - dt.timedelta(days=rng.randint(low * 365 + 5, high * 365 - 5))


def _person(rng, on, low, high, male, *, parts=None, surname=None) -> dict[str, Any]:
    birth = _birth(rng, on, low, high)
    person = {
        "full_name": _name(rng, male, surname),
        "birth_date": birth.isoformat(),
        "sex": "nam" if male else "nu",
        "personal_id": _personal_id(rng, birth, male),
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "residence": random_address(rng),
    }
    return {k: v for k, v in person.items() if parts is None or k in parts}


def _self(applicant: dict, parts=None) -> dict[str, Any]:
    """The applicant as the population registry would prefill them."""
    person = {
        "full_name": applicant["name"],
        "birth_date": _date(applicant["birth_date"]).isoformat(),
        "sex": applicant.get("sex") or _sex_of(applicant["personal_id"]),
        "personal_id": applicant["personal_id"],
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "residence": address_object(applicant.get("address", "")),
    }
    return {k: v for k, v in person.items() if parts is None or k in parts}


def _phone(applicant: dict, rng: random.Random) -> str:
    return applicant.get("phone") or f"09{rng.randrange(10**8):08d}"


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --- the forms --------------------------------------------------------------------

REQ = ["full_name", "personal_id", "residence"]
PARENT = ["full_name", "birth_date", "personal_id", "ethnicity", "nationality", "residence"]


def _khai_sinh(applicant, rng, on):
    """The applicant files for their newborn: as the mother, or (a man) as the father."""
    me = _self(applicant, PARENT)
    applicant_male = _sex_of(applicant["personal_id"]) == "nam"
    my_birth = _date(me["birth_date"])
    if not 20 <= _age(my_birth, on) <= 45:
        me["birth_date"] = _birth(rng, on, 24, 38).isoformat()
    other = _person(rng, on, 22, 40, not applicant_male, parts=PARENT)
    other["residence"] = dict(me["residence"])
    mother, father = (other, me) if applicant_male else (me, other)
    child_birth = on - dt.timedelta(days=rng.randint(3, 55))
    male = rng.random() < 0.5
    surname = father["full_name"].split()[0]
    data = {
        "requester": _self(applicant, REQ),
        "requester_relation": "cha" if applicant_male else "me",
        "child": {
            "full_name": _name(rng, male, surname),
            "birth_date": child_birth.isoformat(),
            "sex": "nam" if male else "nu",
            "ethnicity": "Kinh",
            "nationality": "Việt Nam",
        },
        "birth_place": f"{rng.choice(HOSPITALS)}, {mother['residence']['commune']}, {PROVINCE}",
        "hometown": f"{rng.choice(COMMUNES)}, {PROVINCE}",
        "mother": mother,
        "father_known": True,
        "father": father,
        "copies_wanted": True,
        "copies": rng.randint(1, 3),
        "commitment": True,
    }
    return data


def _khai_tu(applicant, rng, on):
    deceased = _person(rng, on, 62, 92, rng.random() < 0.55)
    death = on - dt.timedelta(days=rng.randint(1, 14))
    return {
        "requester": _self(applicant, REQ),
        "requester_relation": rng.choice(["con", "vo_chong", "chau"]),
        "deceased": deceased,
        "death_date": death.isoformat(),
        "death_time": f"{rng.randint(0, 23):02d}:{rng.choice([0, 15, 30, 45]):02d}",
        "death_place": rng.choice(["Tại nhà riêng", "Bệnh viện Đa khoa tỉnh Bắc Ninh"])
        + f", {deceased['residence']['commune']}, {PROVINCE}",
        "death_cause": rng.choice(["Già yếu", "Bệnh tim mạch", "Tai biến mạch máu não"]),
        "notice_number": f"{rng.randint(1, 999):03d}/GBT",
        "notice_date": (death + dt.timedelta(days=rng.randint(0, 1))).isoformat(),
        "notice_issuer": f"UBND {deceased['residence']['commune'].lower()}"
        if rng.random() < 0.5
        else "Bệnh viện Đa khoa tỉnh Bắc Ninh",
        "copies_wanted": False,
        "commitment": True,
    }


def _ket_hon(applicant, rng, on):
    me = _self(applicant, PARENT)
    male = _sex_of(applicant["personal_id"]) == "nam"
    my_birth = _date(me["birth_date"])
    if _age(my_birth, on) < (20 if male else 18) or _age(my_birth, on) > 45:
        my_birth = _birth(rng, on, 22, 35)
        me["birth_date"] = my_birth.isoformat()
    other = _person(rng, on, 22 if male else 24, 34, not male, parts=PARENT)
    bride, groom = (other, me) if male else (me, other)
    return {
        "bride": bride,
        "bride_marriage_count": 1,
        "groom": groom,
        "groom_marriage_count": 1,
        "commitment": True,
        "copies_wanted": True,
        "copies": 2,
    }


def _trich_luc(applicant, rng, on):
    subject = _self(applicant)
    registered = _date(subject["birth_date"]) + dt.timedelta(days=rng.randint(5, 50))
    return {
        "requester": _self(applicant, REQ),
        "requester_relation": "ban_than",
        "event_type": "khai_sinh",
        "subject": subject,
        "registered_at": f"UBND {subject['residence']['commune']}, {PROVINCE}",
        "registered_on": registered.isoformat(),
        "original_number": str(rng.randint(1, 400)),
        "original_book": f"01/{registered.year}",
        "copies": rng.randint(1, 3),
        "commitment": True,
    }


def _tinh_trang_hon_nhan(applicant, rng, on):
    subject = _self(applicant)
    male = subject["sex"] == "nam"
    return {
        "subject": subject,
        "past_period": False,
        "marital_status": "chua_ket_hon",
        "purpose": "ket_hon",
        "partner": _person(
            rng,
            on,
            20,
            35,
            not male,
            parts=["full_name", "birth_date", "personal_id", "nationality"],
        ),
        "marriage_place": f"UBND {subject['residence']['commune']}, {PROVINCE}",
        "copies": 1,
        "commitment": True,
    }


def _ly_lich_tu_phap(applicant, rng, on):
    requester = _self(applicant)
    birth = _date(requester["birth_date"])
    card = "so_1" if rng.random() < 0.8 else "so_2"
    # Residence since the age of 14, in two or three periods up to now.
    start = dt.date(birth.year + 14, birth.month, min(birth.day, 28))
    cuts, previous = [], start
    for _ in range(rng.randint(1, 2)):
        cut = previous + dt.timedelta(days=rng.randint(200, 2500))
        if cut >= on - dt.timedelta(days=30):
            break
        cuts.append(cut)
        previous = cut + dt.timedelta(days=1)
    history, begin = [], start
    jobs = [("Học sinh", "Trường THPT Hàn Thuyên"), ("Sinh viên", "Đại học Bách khoa Hà Nội")]
    for index, end in enumerate([*cuts, None]):
        place = random_address(rng) if end else requester["residence"]
        occupation, workplace = (
            jobs[index]
            if index < len(jobs) and end
            else ("Nhân viên văn phòng", "Công ty TNHH Minh Phát")
        )
        item = {
            "from_date": begin.isoformat(),
            "place": f"{place['detail']}, {place['commune']}, {PROVINCE}",
            "occupation": occupation,
            "workplace": workplace,
        }
        if end:
            item["to_date"] = end.isoformat()
            begin = end + dt.timedelta(days=1)
        history.append(item)
    surname = requester["full_name"].split()[0]
    data = {
        "card_type": card,
        "purpose": rng.choice(PURPOSES),
        "copies": 2,
        "requester": requester,
        "birth_place": f"{requester['residence']['commune']}, {PROVINCE}",
        "id_issued_on": (on - dt.timedelta(days=rng.randint(100, 1500))).isoformat(),
        "id_issued_by": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
        "phone": _phone(applicant, rng),
        "father": {
            "full_name": _name(rng, True, surname),
            "birth_date": (birth - dt.timedelta(days=rng.randint(9000, 12000))).isoformat(),
        },
        "mother": {
            "full_name": _name(rng, False),
            "birth_date": (birth - dt.timedelta(days=rng.randint(7500, 11000))).isoformat(),
        },
        "residence_history": history,
        "declares_conviction": False,
        "commitment": True,
    }
    if card == "so_1":
        data["ban_confirmation"] = False
    return data


def _cu_tru(code):
    def build(applicant, rng, on):
        declarant = _self(applicant, ["full_name", "birth_date", "sex", "personal_id"])
        head_male = rng.random() < 0.6
        head_birth = _birth(rng, on, 35, 70)
        members = []
        if rng.random() < 0.4:
            child_birth = _birth(rng, on, 1, 12)
            male = rng.random() < 0.5
            members.append(
                {
                    "full_name": _name(rng, male, declarant["full_name"].split()[0]),
                    "birth_date": child_birth.isoformat(),
                    "sex": "nam" if male else "nu",
                    "personal_id": _personal_id(rng, child_birth, male),
                    "relation": "chau",
                }
            )
        data = {
            "declarant": declarant,
            "phone": _phone(applicant, rng),
            "head_relation": "con" if code == "MC.CT.01" else "khac",
            "head_name": _name(rng, head_male),
            "head_personal_id": _personal_id(rng, head_birth, head_male),
            "request_type": "dang_ky_thuong_tru" if code == "MC.CT.01" else "dang_ky_tam_tru",
            "new_address": random_address(rng),
            "members": members,
            "head_consent": True,
            "owner_is_declarant": False,
            "owner_consent": True,
            "commitment": True,
        }
        data["owner_name"], data["owner_personal_id"] = data["head_name"], data["head_personal_id"]
        if code == "MC.CT.01":
            data["basis"] = "ve_o_voi_nguoi_than"
        else:
            data["basis"] = "thue_muon_o_nho"
            data["stay_until"] = (on + dt.timedelta(days=rng.choice([180, 365, 730]))).isoformat()
        return data

    return build


def _ho_kinh_doanh(applicant, rng, on):
    from motcua.catalog import eform

    owner = _self(applicant)
    known = {value for value, _label in eform.codelist("vsic")}
    codes = [c for c in VSIC_PREFERRED if c in known] or sorted(c for c in known if len(c) == 4)[:8]
    picked = rng.sample(codes, k=min(len(codes), rng.randint(1, 2)))
    lines = [{"vsic": code, "main": index == 0} for index, code in enumerate(picked)]
    brand = rng.choice(["Minh Anh", "Hương Quê", "Phúc Lộc", "Kinh Bắc", "An Khang", "Thành Đạt"])
    kind = rng.choice(["Phở", "Tạp hóa", "Cà phê", "Sửa xe", "Bánh đa"])
    capital = rng.choice([50, 80, 100, 150, 200, 300]) * 1_000_000
    data = {
        "owner": owner,
        "phone": _phone(applicant, rng),
        "founded_by": "ca_nhan",
        "business_name": f"Hộ kinh doanh {kind} {brand}",
        "business_address": owner["residence"] if rng.random() < 0.5 else random_address(rng),
        "lines": lines,
        "capital": capital,
        "employees": rng.randint(1, 6),
        "start_date": (on + dt.timedelta(days=rng.randint(3, 20))).isoformat(),
        "tax_method": "khoan",
        "commitment": True,
    }
    if rng.random() < 0.3:
        spouse_birth = _birth(rng, on, 25, 55)
        male = owner["sex"] != "nam"
        data["founded_by"] = "ho_gia_dinh"
        data["members"] = [
            {
                "full_name": _name(rng, male),
                "birth_date": spouse_birth.isoformat(),
                "sex": "nam" if male else "nu",
                "personal_id": _personal_id(rng, spouse_birth, male),
                "contribution": capital // 2,
            }
        ]
    return data


def _chung_thuc(applicant, rng, on):
    titles = [
        ("Bằng tốt nghiệp đại học", "Trường Đại học Kinh tế Quốc dân"),
        ("Giấy khai sinh", "UBND phường Kinh Bắc"),
        ("Học bạ trung học phổ thông", "Trường THPT Hàn Thuyên"),
        ("Giấy chứng nhận quyền sử dụng đất", "Sở Tài nguyên và Môi trường tỉnh Bắc Ninh"),
    ]
    docs = []
    for title, issuer in rng.sample(titles, k=rng.randint(1, 3)):
        docs.append(
            {
                "title": title,
                "issued_on": (on - dt.timedelta(days=rng.randint(200, 6000))).isoformat(),
                "issuer": issuer,
                "pages": rng.randint(1, 4),
                "copies": rng.randint(1, 5),
            }
        )
    return {
        "requester": _self(applicant, REQ),
        "phone": _phone(applicant, rng),
        "documents": docs,
        "commitment": True,
    }


def _giay_phep_lai_xe(applicant, rng, on):
    driver = _self(
        applicant, ["full_name", "birth_date", "sex", "personal_id", "nationality", "residence"]
    )
    birth = _date(driver["birth_date"])
    if _age(birth, on) < 23:
        birth = _birth(rng, on, 25, 55)
        driver["birth_date"] = birth.isoformat()
    issued = on - dt.timedelta(days=rng.randint(3300, 3640))
    issued = max(issued, dt.date(birth.year + 19, 6, 1))
    return {
        "driver": driver,
        "phone": _phone(applicant, rng),
        "trained_at": "Trung tâm Đào tạo lái xe Bắc Ninh",
        "trained_year": issued.year,
        "licence_class": "B2",
        "licence_number": f"27{rng.randrange(10**10):010d}",
        "licence_issuer": "Sở Giao thông vận tải Bắc Ninh",
        "licence_issued_on": issued.isoformat(),
        "licence_expires_on": (issued + dt.timedelta(days=3652)).isoformat(),
        "requested_class": "B",
        "reason": "het_han",
        "integrate": False,
        "violations": False,
        "health_certificate": f"Số {rng.randint(100, 9999)}/GKSK ngày "
        f"{(on - dt.timedelta(days=rng.randint(2, 20))).strftime('%d/%m/%Y')}, "
        "Bệnh viện Đa khoa tỉnh Bắc Ninh",
        "commitment": True,
    }


def _the_bhyt(applicant, rng, on):
    data = {
        "reason": rng.choice(["mat", "hong"]),
        "delivery": "dien_tu",
        "phone": _phone(applicant, rng),
        "commitment": True,
    }
    if rng.random() < 0.5:
        data["for_whom"] = "ban_than"
        data["insured_self"] = _self(applicant)
    else:
        data["for_whom"] = "con"
        child = _person(rng, on, 1, 5, rng.random() < 0.5)
        child["residence"] = address_object(applicant.get("address", ""))
        data["insured_child"] = child
    data["insurance_number"] = f"27{rng.randrange(10**8):08d}"
    return data


BUILDERS: dict[str, Callable[[dict, random.Random, dt.date], dict]] = {
    "MC.HT.01": _khai_sinh,
    "MC.HT.02": _khai_tu,
    "MC.HT.03": _ket_hon,
    "MC.HT.04": _trich_luc,
    "MC.HT.05": _tinh_trang_hon_nhan,
    "MC.TP.01": _ly_lich_tu_phap,
    "MC.CT.01": _cu_tru("MC.CT.01"),
    "MC.CT.02": _cu_tru("MC.CT.02"),
    "MC.HK.01": _ho_kinh_doanh,
    "MC.TP.02": _chung_thuc,
    "MC.GT.01": _giay_phep_lai_xe,
    "MC.BH.01": _the_bhyt,
}


def sample_form_data(
    code: str, applicant: dict, rng: random.Random, on: dt.date | None = None
) -> dict | None:
    """Form data of ``code`` filed by ``applicant`` on ``on`` (default today), or None."""
    build = BUILDERS.get(code)
    if build is None:
        return None
    return build(applicant, rng, on or dt.date.today())


# --- decision data ----------------------------------------------------------------


def _register(rng: random.Random, on: dt.date) -> dict[str, Any]:
    return {
        "register_number": str(rng.randint(1, 480)),
        "register_book": f"01/{on.year}",
        "register_page": rng.randint(1, 240),
        "registered_on": on.isoformat(),
    }


def sample_decision_data(
    code: str, form_data: dict, rng: random.Random, on: dt.date | None = None
) -> dict | None:
    """What the specialist records for a dossier of ``code`` with ``form_data``, or None."""
    on = on or dt.date.today()
    if code in ("MC.HT.01", "MC.HT.02", "MC.HT.03"):
        data = _register(rng, on)
        if code == "MC.HT.03":
            data["handover_on"] = on.isoformat()
        return data
    if code == "MC.HT.04":
        return {
            "record_found": True,
            "register_number": form_data.get("original_number") or str(rng.randint(1, 400)),
            "register_book": form_data.get("original_book") or f"01/{on.year}",
            "copies_issued": form_data.get("copies", 1),
        }
    if code == "MC.HT.05":
        return {
            "confirmed_status": form_data.get("marital_status", "chua_ket_hon"),
            "verified_sources": "Đã tra cứu CSDL hộ tịch điện tử và CSDL quốc gia về dân cư.",
            **(
                {"confirmed_spouse": form_data.get("spouse_name", "")}
                if form_data.get("marital_status") == "dang_co_vo_chong"
                else {}
            ),
        }
    if code == "MC.TP.01":
        data: dict[str, Any] = {
            "has_conviction": False,
            "has_ban": False,
            "verified_sources": "CSDL lý lịch tư pháp; văn bản trả lời của Công an tỉnh Bắc Ninh.",
        }
        if rng.random() < 0.04:
            data["has_conviction"] = True
            data["convictions"] = [
                {
                    "judgment": f"{rng.randint(10, 250)}/{on.year - 6}/HS-ST",
                    "judgment_date": dt.date(on.year - 6, rng.randint(1, 12), 10).isoformat(),
                    "court": "Tòa án nhân dân khu vực 1 - Bắc Ninh",
                    "crime": "Trộm cắp tài sản (khoản 1 Điều 173 Bộ luật Hình sự)",
                    "sentence": "09 tháng tù cho hưởng án treo, thời gian thử thách 18 tháng",
                    "status": "da_xoa",
                }
            ]
        return data
    if code == "MC.CT.01":
        return {"registered_on": on.isoformat(), "head_after": form_data.get("head_name", "")}
    if code == "MC.CT.02":
        until = form_data.get("stay_until") or (on + dt.timedelta(days=365)).isoformat()
        return {"temp_from": on.isoformat(), "temp_until": until}
    if code == "MC.HK.01":
        return {
            "business_code": f"27A8{rng.randrange(10**6):06d}",
            "registered_on": on.isoformat(),
        }
    if code == "MC.TP.02":
        copies = sum(int(d.get("copies", 1)) for d in form_data.get("documents", []))
        return {
            "certification_book": f"{rng.randint(1, 900)}/{on.year}/SCT-BS",
            "certified_on": on.isoformat(),
            "copies_certified": max(copies, 1),
        }
    if code == "MC.GT.01":
        return {
            "new_licence_number": f"27{rng.randrange(10**10):010d}",
            "new_class": form_data.get("requested_class", "B"),
            "issued_on": on.isoformat(),
            "valid_until": (on + dt.timedelta(days=3652)).isoformat(),
        }
    if code == "MC.BH.01":
        child = form_data.get("for_whom") == "con"
        prefix = "TE1" if child else "GD4"
        return {
            "card_number": f"{prefix}27{rng.randrange(10**10):010d}",
            "valid_from": on.isoformat(),
            **({"valid_until": (on + dt.timedelta(days=365)).isoformat()} if not child else {}),
            "facility": "Trung tâm Y tế Từ Sơn" if child else "Bệnh viện Đa khoa tỉnh Bắc Ninh",
        }
    return None
