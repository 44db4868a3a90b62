"""Demo citizens and businesses: seeded Vietnamese names, personal IDs and tax codes.

Everything is deterministic for a given seed. Citizens get a User for the portal;
businesses act through a citizen as their legal representative.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password

from motcua.accounts.models import Applicant, User
from motcua.demo.province import COMMUNES, Log

OFFICER_EMAIL_DOMAIN = "motcua.example"


class People:
    """Seeded Vietnamese names, phone numbers and addresses (Faker vi_VN underneath)."""

    MIDDLE_MALE = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Xuân", "Công", "Ngọc", "Tuấn"]
    MIDDLE_FEMALE = ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Thúy", "Mai"]
    EXTRA_SURNAMES = ["Ngô", "Đỗ", "Hồ", "Phan", "Đinh", "Trịnh", "Lương", "Nguyễn", "Nguyễn"]
    PHONE_PREFIXES = [
        "032",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "039",
        "056",
        "058",
        "070",
        "076",
        "077",
        "078",
        "079",
        "081",
        "082",
        "083",
        "084",
        "085",
        "086",
        "088",
        "089",
        "090",
        "091",
        "093",
        "094",
        "096",
        "097",
        "098",
    ]
    VILLAGES = [
        "Thôn Đông",
        "Thôn Đoài",
        "Thôn Trung",
        "Thôn Nam",
        "Thôn Bắc",
        "Thôn Thượng",
        "Thôn Hạ",
        "Xóm Mới",
        "Thôn Phúc Lộc",
        "Thôn An Bình",
    ]

    def __init__(self, seed: int):
        from faker import Faker

        self.rng = random.Random(seed)
        self.fake = Faker("vi_VN")
        self.fake.seed_instance(seed)

    def name(self, male: bool) -> str:
        fake, rng = self.fake, self.rng
        surname = fake.last_name() if rng.random() < 0.8 else rng.choice(self.EXTRA_SURNAMES)
        if male:
            return f"{surname} {rng.choice(self.MIDDLE_MALE)} {fake.first_name_male()}"
        return f"{surname} {rng.choice(self.MIDDLE_FEMALE)} {fake.first_name_female()}"

    def phone(self) -> str:
        return self.rng.choice(self.PHONE_PREFIXES) + f"{self.rng.randrange(10**7):07d}"

    def address(self, commune_name: str) -> str:
        rng = self.rng
        if commune_name.startswith("Phường"):
            place = f"Số {rng.randint(1, 300)} đường {self.fake.street_name()}"
        else:
            place = rng.choice(self.VILLAGES)
        return f"{place}, {commune_name}, tỉnh Bắc Ninh"


def personal_id(province_code: str, male: bool, birth_year: int, serial: int) -> str:
    """A 12-digit personal ID: province (3), gender/century (1), birth year (2), serial (6)."""
    century = 0 if birth_year < 2000 else 2
    return f"{province_code}{century + (0 if male else 1)}{birth_year % 100:02d}{serial:06d}"


TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_code(first_nine: str) -> str | None:
    """``first_nine`` plus its check digit, or None when no check digit exists."""
    check = 10 - sum(int(d) * w for d, w in zip(first_nine, TAX_WEIGHTS, strict=True)) % 11
    return None if check == 10 else first_nine + str(check)


BUSINESS_KINDS = ["Công ty TNHH", "Công ty TNHH", "Công ty cổ phần", "Doanh nghiệp tư nhân"]
BUSINESS_TRADES = [
    "Thương mại",
    "Xây dựng",
    "Dịch vụ",
    "Sản xuất",
    "Công nghệ",
    "Vận tải",
    "Nông sản",
    "Thực phẩm",
    "Điện tử",
    "Du lịch",
    "Đầu tư",
    "Dược phẩm",
]
BUSINESS_BRANDS = [
    "Minh Phát",
    "Hưng Thịnh",
    "An Phú",
    "Thành Đạt",
    "Kinh Bắc",
    "Việt Tiến",
    "Phú Lâm",
    "Đông Á",
    "Hoàng Long",
    "Quan Họ",
    "Tiên Sơn",
    "Bảo An",
    "Vạn Xuân",
    "Tân Hồng",
    "Phúc Hưng",
    "Đại Việt",
]


def create_applicants(citizens: int, businesses: int, people: People, log: Log) -> None:
    """Citizens (each with a User for the portal) and businesses with a representative.

    Idempotent for a given seed: people that already exist are not created twice.
    """
    rng = people.rng
    unusable = make_password(None)
    commune_names = [name for _s, name, _w in COMMUNES]
    commune_weights = [w for _s, _n, w in COMMUNES]
    rows, seen = [], set()
    while len(rows) < citizens:
        male = rng.random() < 0.5
        year = rng.randint(1950, 2007)
        if not rows:
            # The first citizen (the browser walk's) is a young married woman who
            # registers the birth of her first child (see registry_data).
            male, year = False, 1993 + year % 6
        pid = personal_id("027", male, year, rng.randrange(10**6))
        if pid in seen:
            continue
        seen.add(pid)
        birth = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        commune = rng.choices(commune_names, commune_weights)[0]
        rows.append((pid, people.name(male), birth, people.address(commune), people.phone()))

    existing_users = dict(User.objects.filter(username__in=seen).values_list("username", "id"))
    # The bundled identity provider's e-ID level (Decree 69/2024/NĐ-CP Art. 9): most demo
    # citizens verified their identity in person (level 2); every tenth did not (level 1).
    new_users = [
        User(
            username=pid,
            full_name=name,
            personal_id=pid,
            phone=phone,
            password=unusable,
            eid_level=1 if index % 10 == 9 else 2,
        )
        for index, (pid, name, _b, _a, phone) in enumerate(rows)
        if pid not in existing_users
    ]
    for user in User.objects.bulk_create(new_users, batch_size=1000):
        existing_users[user.username] = user.pk
    existing = set(
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, personal_id__in=seen).values_list(
            "personal_id", flat=True
        )
    )
    Applicant.objects.bulk_create(
        [
            Applicant(
                kind=Applicant.Kind.PERSON,
                name=name,
                personal_id=pid,
                birth_date=birth,
                address=address,
                phone=phone,
                user_id=existing_users[pid],
            )
            for pid, name, birth, address, phone in rows
            if pid not in existing
        ],
        batch_size=1000,
    )
    persons = list(
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, personal_id__in=seen).order_by("pk")
    )

    codes, made = set(), []
    existing_codes = set(
        Applicant.objects.filter(kind=Applicant.Kind.BUSINESS).values_list("tax_code", flat=True)
    )
    representatives = rng.sample(persons, min(businesses, len(persons)))
    for representative in representatives:
        code = None
        while code is None or code in codes:
            code = tax_code(f"23{rng.randrange(10**7):07d}")
        codes.add(code)
        commune = rng.choices(commune_names, commune_weights)[0]
        name = (
            f"{rng.choice(BUSINESS_KINDS)} {rng.choice(BUSINESS_TRADES)} "
            f"{rng.choice(BUSINESS_BRANDS)}"
        )
        if code in existing_codes:
            continue
        made.append(
            Applicant(
                kind=Applicant.Kind.BUSINESS,
                name=name,
                tax_code=code,
                address=people.address(commune),
                phone=people.phone(),
                email=f"lienhe.{code}@{OFFICER_EMAIL_DOMAIN}",
                representative=representative,
                user_id=representative.user_id,
            )
        )
    Applicant.objects.bulk_create(made, batch_size=1000)
    from motcua.demo.registry_data import fill_registry_simulator

    fill_registry_simulator(rows, made, rng)
    log(
        f"Người nộp hồ sơ: {len(new_users)} công dân mới (tổng {len(persons)}), "
        f"{len(made)} doanh nghiệp mới."
    )
