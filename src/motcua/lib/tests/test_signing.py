import hashlib
import hmac

from motcua.lib.signing import SIGNATURE, TIMESTAMP, check, sign, signature_header

SECRET = "khoa-ky-thu-nghiem-0123456789"


def test_the_signature_is_the_hmac_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), b"1700000000.{}", hashlib.sha256).hexdigest()
    assert sign(SECRET, "1700000000", b"{}") == expected
    assert signature_header(SECRET, "1700000000", b"{}") == f"sha256={expected}"


def test_check_accepts_a_fresh_signature_and_one_of_several_during_a_change_of_secret():
    header = signature_header(SECRET, "1700000000", b"abc")
    assert check(SECRET, "1700000000", b"abc", header, window_s=300, now=1700000100) == ""
    both = f"sha256={'0' * 64}, {header}"
    assert check(SECRET, "1700000000", b"abc", both, window_s=300, now=1700000000) == ""


def test_check_refuses_a_stale_timestamp_a_changed_body_another_secret_or_scheme():
    header = signature_header(SECRET, "1700000000", b"abc")
    assert check(SECRET, "1700000000", b"abc", header, window_s=300, now=1700000301) == TIMESTAMP
    assert check(SECRET, "x", b"abc", header, window_s=300, now=1700000000) == TIMESTAMP
    assert check(SECRET, "1700000000", b"abd", header, window_s=300, now=1700000000) == SIGNATURE
    assert check("khac", "1700000000", b"abc", header, window_s=300, now=1700000000) == SIGNATURE
    v1 = signature_header(SECRET, "1700000000", b"abc", scheme="v1")
    assert check(SECRET, "1700000000", b"abc", v1, window_s=300, now=1700000000) == SIGNATURE


def test_a_timestamp_of_non_ascii_digits_is_refused_not_a_crash():
    # "²".isdigit() is True but int("²") raises: refused as a bad timestamp.
    for timestamp in ("²", "١٢٣", "１２３"):
        header = signature_header("s", timestamp, b"{}")
        assert check("s", timestamp, b"{}", header, window_s=300) == TIMESTAMP
