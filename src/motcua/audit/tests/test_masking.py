from motcua.audit.masking import mask_personal_ids


def test_twelve_digit_numbers_are_masked_to_their_last_four_digits_inside_nested_data():
    data = {
        "applicant": {"personal_id": "001090000123", "ids": ["079203004567", 136085000891]},
        "note": "CCCD 001090000123 đã đối chiếu",
        "001090000123": True,
    }

    assert mask_personal_ids(data) == {
        "applicant": {"personal_id": "********0123", "ids": ["********4567", "********0891"]},
        "note": "CCCD ********0123 đã đối chiếu",
        "********0123": True,
    }


def test_numbers_that_are_not_twelve_digits_are_left_alone():
    data = {"tax_code": "0101234567-001", "long": "1234567890123", "phone": "0912345678"}

    assert mask_personal_ids(data) == data
