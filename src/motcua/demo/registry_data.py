"""The demo people as the simulated national registries know them."""

from __future__ import annotations

import datetime as dt

from motcua.accounts.models import Applicant


def fill_registry_simulator(people_rows, businesses: list[Applicant], rng) -> None:
    """The national registries (simulated) know the demo people, so forms prefill.

    Written in bulk to the simulator's own tables (the portal only reaches them over
    HTTP); every third person also holds a land parcel. Existing rows are kept.
    """
    from motcua.registrysim.models import Business, LandParcel, Person

    Person.objects.bulk_create(
        [
            Person(
                personal_id=pid,
                full_name=name,
                birth_date=birth,
                gender="nam" if int(pid[3]) % 2 == 0 else "nu",
                ethnicity="Kinh",
                hometown=address.split(", ", 1)[-1],
                permanent_address=address,
                current_address=address,
                phone=phone,
            )
            for pid, name, birth, address, phone in people_rows
        ],
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
