"""pakn_facts: what the national satisfaction indicators read (late and on-time cases)."""

import datetime as dt

import pytest
from django.utils import timezone

from motcua.feedback.models import Feedback, Kind, Status, Subject
from motcua.feedback.public import PaknFacts, pakn_facts

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def at(day, hour=9):
    return timezone.make_aware(dt.datetime(2026, 3, day, hour) if isinstance(day, int) else day)


def make(agency, n, *, received, due, answered=None, satisfied=None, rated=None, dossier=None):
    return Feedback.objects.create(
        code=f"PAKN-T-{n:04d}",
        kind=Kind.FEEDBACK,
        subject=Subject.DOSSIER if dossier else Subject.AGENCY,
        dossier=dossier,
        agency=agency,
        title="T",
        content="C",
        contact_name="A",
        contact_phone="0900000000",
        received_at=received,
        due_date=due,
        status=Status.ANSWERED if answered else Status.RECEIVED,
        answered_at=answered,
        satisfied=satisfied,
        rated_at=rated,
    )


def test_facts_count_on_time_late_rated_and_complained(ward, other_ward, dossier):
    # 1: received and answered on time in March, rated satisfied.
    make(
        ward,
        1,
        received=at(2),
        due=dt.date(2026, 3, 16),
        answered=at(10),
        satisfied=True,
        rated=at(11),
    )
    # 2: answered late (after its due date, both in March), rated not satisfied.
    make(
        ward,
        2,
        received=at(3),
        due=dt.date(2026, 3, 17),
        answered=at(20),
        satisfied=False,
        rated=at(21),
    )
    # 3: due in March, never answered: late.
    make(ward, 3, received=at(4), due=dt.date(2026, 3, 18), dossier=dossier)
    # 4: received in February, answered on time in March (handled this month).
    make(
        ward,
        4,
        received=timezone.make_aware(dt.datetime(2026, 2, 25, 9)),
        due=dt.date(2026, 3, 11),
        answered=at(5),
    )
    # 5: received in March, due in April, still open: received, not due, not late.
    make(ward, 5, received=at(30), due=dt.date(2026, 4, 13))
    # 6: another agency's: never counted for ward.
    make(other_ward, 6, received=at(2), due=dt.date(2026, 3, 16), answered=at(30))

    facts = pakn_facts([ward.pk], *MARCH)
    assert facts == PaknFacts(
        received=4,
        due_in_period=4,
        handled=3,
        handled_on_time=2,
        late=2,
        rated=2,
        satisfied=1,
        dossiers_complained=frozenset({dossier.pk}),
    )
    other = pakn_facts([other_ward.pk], *MARCH)
    assert (other.received, other.handled, other.handled_on_time, other.late) == (1, 1, 0, 1)
    both = pakn_facts([ward.pk, other_ward.pk], *MARCH)
    assert both.received == 5 and both.late == 3


def test_no_pakn_is_all_zero(ward):
    facts = pakn_facts([ward.pk], *MARCH)
    assert facts == PaknFacts()
    assert facts.dossiers_complained == frozenset()
    with pytest.raises(AttributeError):
        facts.received = 1  # frozen
