import pytest
from django.db import transaction

from motcua.audit.exceptions import AuditDataError
from motcua.audit.models import GENESIS_HASH, AuditRecord
from motcua.audit.selectors import VerifyResult, verify_chain
from motcua.audit.services import record
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_first_record_chains_onto_sixty_four_zeros(chain):
    (first,) = chain(1)

    assert first.prev_hash == GENESIS_HASH == "0" * 64


def test_second_record_chains_onto_the_first(chain):
    first, second = chain(2)

    assert second.prev_hash == first.hash
    assert second.hash != first.hash


def test_record_takes_type_id_and_agency_from_the_object(officer):
    membership = MembershipFactory(user=officer)

    entry = record("membership.grant", actor=officer, obj=membership, data={"role": "desk"})

    assert (entry.object_type, entry.object_id) == ("agencies.membership", str(membership.pk))
    assert entry.agency_id == membership.agency_id


def test_actor_label_keeps_the_name_the_actor_had_when_acting(officer):
    entry = record("catalog.publish", actor=officer, object_type="catalog.procedureversion")
    officer.full_name = "Trần Thị Bình"
    officer.save()

    entry.refresh_from_db()
    assert entry.actor_label == "Nguyễn Văn An (canbo)"
    assert verify_chain().ok


def test_record_masks_personal_ids_before_storing(officer):
    entry = record("dossier.receive", actor=officer, data={"applicant": "001090000123"})

    entry.refresh_from_db()
    assert entry.data == {"applicant": "********0123"}
    assert verify_chain().ok


def test_record_refuses_floats_in_data(officer):
    with pytest.raises(AuditDataError, match="số thực"):
        record("dossier.pay", actor=officer, data={"amount": 1e20})

    assert not AuditRecord.objects.exists()


def test_record_disappears_with_the_failed_action_and_the_chain_stays_valid(chain, officer):
    chain(2)

    with pytest.raises(RuntimeError), transaction.atomic():
        record("dossier.approve", actor=officer, object_id=99)
        raise RuntimeError("the action itself failed after recording")
    third = record("dossier.refuse", actor=officer, object_id=99)

    assert not AuditRecord.objects.filter(action="dossier.approve").exists()
    assert verify_chain() == VerifyResult(True, 3, None, "", third.hash, third.pk)
