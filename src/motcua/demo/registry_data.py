"""The demo people as the simulated national registries know them.

Each demo citizen lives in a household of the population registry with, by a
deterministic draw per person, a spouse, parents and children (registry-only people:
they have no portal account). The first citizen (the one the browser walk signs in
as) is a married woman without children yet, so registering a birth gives her one.
"""

from __future__ import annotations

import datetime as dt
import random

from motcua.accounts.models import Applicant
from motcua.demo.people import People, personal_id

PROVINCE = "Tỉnh Bắc Ninh"
THIS_YEAR = 2025


def residence(address: str) -> dict[str, str]:
    """``"Số 5 đường X, Phường Kinh Bắc, tỉnh Bắc Ninh"`` as a structured address."""
    parts = address.split(", ")
    return {
        "province": PROVINCE,
        "commune": parts[1] if len(parts) > 2 else "",
        "detail": parts[0] if len(parts) > 1 else address,
    }


def _is_male(pid: str) -> bool:
    return int(pid[3]) % 2 == 0


class _Family:
    """Draws the relatives of the demo citizens (deterministic per personal ID)."""

    def __init__(self, taken: set[str], names: People):
        self.taken, self.names, self.people = taken, names, []

    def new_pid(self, rng: random.Random, male: bool, year: int) -> str:
        while True:
            pid = personal_id("027", male, year, rng.randrange(10**6))
            if pid not in self.taken:
                self.taken.add(pid)
                return pid

    def person(self, rng, *, male, year, surname=None, **fields) -> dict:
        name = self.names.name(male)
        if surname:
            name = f"{surname} {name.split(' ', 1)[1]}"
        row = {
            "personal_id": self.new_pid(rng, male, year),
            "full_name": name,
            "birth_date": dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365)),
            "gender": "nam" if male else "nu",
            **fields,
        }
        self.people.append(row)
        return row


def _families(people_rows, names: People) -> tuple[dict[str, dict], list[dict]]:
    """Relation fields of each citizen, and the relatives to create."""
    family = _Family({row[0] for row in people_rows}, names)
    links: dict[str, dict] = {}
    for index, (pid, name, birth, address, _phone) in enumerate(people_rows):
        rng = random.Random(f"family-{pid}")
        male, place = _is_male(pid), residence(address)
        household = f"HK027{pid[-7:]}"
        home = {"residence": place, "address": address, "household_id": household}
        mine = links.setdefault(pid, {"household_id": household, "relation_to_head": "chu_ho"})
        if rng.random() < 0.8 and birth.year - 35 > 1925:
            parents_home = {
                "residence": {**place, "detail": names.address(place["commune"]).split(", ")[0]},
                "household_id": f"HK027P{pid[-6:]}",
            }
            parents_home["address"] = (
                f"{parents_home['residence']['detail']}, {address.split(', ', 1)[-1]}"
            )
            father = family.person(
                rng,
                male=True,
                year=birth.year - rng.randint(24, 35),
                surname=name.split(" ")[0],
                relation_to_head="chu_ho",
                **parents_home,
            )
            mother = family.person(
                rng,
                male=False,
                year=father["birth_date"].year + rng.randint(0, 5),
                relation_to_head="vo",
                **parents_home,
            )
            father["spouse_id"], mother["spouse_id"] = mother["personal_id"], father["personal_id"]
            mine.update(father_id=father["personal_id"], mother_id=mother["personal_id"])
        married = index == 0 or (THIS_YEAR - birth.year >= 23 and rng.random() < 0.75)
        if not married:
            continue
        spouse = family.person(
            rng,
            male=not male,
            year=birth.year + (rng.randint(-1, 5) if male else rng.randint(-5, 1)),
            spouse_id=pid,
            relation_to_head="vo" if male else "chong",
            household_id=household,
            residence=place,
            address=address,
        )
        mine["spouse_id"] = spouse["personal_id"]
        husband_name = name if male else spouse["full_name"]
        ids = {"father_id": pid, "mother_id": spouse["personal_id"]}
        if not male:
            ids = {"father_id": spouse["personal_id"], "mother_id": pid}
        if index == 0:
            continue  # the walk's citizen registers her first child
        younger = max(birth.year, spouse["birth_date"].year)
        for _child in range(rng.choice([0, 1, 1, 2, 2, 3])):
            year = younger + rng.randint(22, 38)
            if year > THIS_YEAR - 1:
                break
            family.person(
                rng,
                male=rng.random() < 0.5,
                year=year,
                surname=husband_name.split(" ")[0],
                relation_to_head="con",
                **ids,
                **home,
            )
    return links, family.people


def fill_registry_simulator(people_rows, businesses: list[Applicant], rng) -> None:
    """The national registries (simulated) know the demo people, so forms prefill.

    Written in bulk to the simulator's own tables (the portal only reaches them over
    HTTP); every third person also holds a land parcel. Existing rows are kept.
    """
    from motcua.registrysim.models import Business, LandParcel, Person

    links, relatives = _families(people_rows, People(seed=7919 + len(people_rows)))

    def fields(row: dict) -> dict:
        place, address = row.pop("residence"), row.pop("address")
        return {
            **row,
            "ethnicity": "Kinh",
            "hometown": address.split(", ", 1)[-1],
            "permanent_address": address,
            "current_address": address,
            "residence_province": place["province"],
            "residence_commune": place["commune"],
            "residence_detail": place["detail"],
        }

    Person.objects.bulk_create(
        [
            Person(
                **fields(
                    {
                        "personal_id": pid,
                        "full_name": name,
                        "birth_date": birth,
                        "gender": "nam" if _is_male(pid) else "nu",
                        "phone": phone,
                        "residence": residence(address),
                        "address": address,
                        **links.get(pid, {}),
                    }
                )
            )
            for pid, name, birth, address, phone in people_rows
        ]
        + [Person(**fields(dict(row))) for row in relatives],
        batch_size=2000,
        ignore_conflicts=True,
    )
    Business.objects.bulk_create(
        [
            Business(
                tax_code=b.tax_code,
                name=b.name,
                head_office=b.address,
                representative_personal_id=b.representative.personal_id,
                business_type=b.name.split(" ")[0],
                registered_on=dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650)),
            )
            for b in businesses
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    LandParcel.objects.bulk_create(
        [
            LandParcel(
                owner_id=pid,
                map_sheet=str(rng.randint(1, 60)),
                parcel_number=str(rng.randint(1, 900)),
                address=address,
                area_m2=rng.randint(60, 400),
                land_use="Đất ở tại đô thị",
                certificate_number=f"CS{rng.randrange(10**6):06d}",
                certificate_issued_on=dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(5000)),
            )
            for index, (pid, _n, _b, address, _p) in enumerate(people_rows)
            if index % 3 == 0
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
