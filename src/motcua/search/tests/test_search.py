import json
from io import StringIO

import pytest
from django.core.management import call_command

from motcua.catalog.models import AuthorityLevel, Sector
from motcua.search.models import LexiconEntry
from motcua.search.selectors import search
from tests.factories import procedure_version


def top(query, **filters):
    return [hit.code for hit in search(query, limit=3, **filters).hits]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("lam so do", "MC.DD.02"),
        ("sang tên sổ hồng", "MC.DD.01"),
        ("cccd", "MC.CC.01"),
        ("lấy vợ", "MC.HT.03"),
        ("nhap ho khau", "MC.CT.01"),
        ("gplx bi mat", "MC.GT.02"),
        ("c/o", "MC.TM.02"),
    ],
)
def test_everyday_words_find_the_official_procedure(catalogue, query, code):
    assert top(query)[0] == code


def test_search_without_diacritics_finds_the_procedure(catalogue):
    assert top("dang ky ket hon")[0] == "MC.HT.03"


def test_typo_is_corrected(catalogue):
    result = search("dang ky khai sihn")
    assert result.hits[0].code == "MC.HT.01"
    assert result.corrections == {"sihn": "sinh"}


def test_question_in_own_words_finds_birth_registration(catalogue):
    assert top("con toi moi sinh phai lam gi")[0] == "MC.HT.01"


def test_lexicon_entry_added_by_an_administrator_takes_effect(catalogue):
    assert "MC.HT.03" not in top("rước dâu")
    LexiconEntry.objects.create(phrase="rước dâu", expansion="đăng ký kết hôn")
    assert top("rước dâu")[0] == "MC.HT.03"


def test_sector_filter_keeps_only_that_sector(catalogue):
    land = Sector.objects.get(name="Đất đai")
    codes = top("giấy phép", sector=land.pk) + top("cấp", sector=land.pk)
    assert codes and all(code.startswith("MC.DD.") for code in codes)


def test_level_filter_keeps_only_that_level(catalogue):
    unfiltered = top("giấy phép xây dựng")
    hits = search("giấy phép xây dựng", level=AuthorityLevel.PROVINCE).hits
    assert "MC.XD.01" in unfiltered  # a commune-level procedure…
    assert hits and "MC.XD.01" not in [h.code for h in hits]  # …filtered out
    assert hits[0].code == "MC.XD.02"


def test_exact_diacritics_match_ranks_above_folded_match(db):
    procedure_version("TEST.BAN", name="Cấp giấy phép bán hàng", sector="Thương mại")
    procedure_version("TEST.BAN2", name="Cấp giấy phép bản vẽ", sector="Thương mại")
    assert top("bán")[0] == "TEST.BAN"
    assert top("bản")[0] == "TEST.BAN2"


@pytest.mark.parametrize("query", ["", "   ", "xqzv wpfk", "!!!???", "a" * 5000])
def test_empty_or_absurd_query_gives_no_hits_and_suggestions(catalogue, query):
    result = search(query)
    assert result.hits == []
    assert len(result.suggestions) == 5


def test_new_procedure_is_found_without_restart(catalogue):
    procedure_version("TEST.NEW", name="Cấp giấy phép nuôi ong mật", sector="Chăn nuôi")
    assert top("nuoi ong")[0] == "TEST.NEW"


def test_find_procedure_json_contract(catalogue):
    out = StringIO()
    call_command("find_procedure", "lam so do", "--limit", "3", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert 1 <= len(rows) <= 3
    assert rows[0]["code"] == "MC.DD.02"
    assert rows[0]["name"] == "Đăng ký cấp Giấy chứng nhận quyền sử dụng đất lần đầu"
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert "Đăng ký" in out.getvalue()  # not \\u-escaped


def test_find_procedure_prints_a_readable_list(catalogue):
    out = StringIO()
    call_command("find_procedure", "cccd", stdout=out)
    assert "MC.CC.01" in out.getvalue() and "căn cước" in out.getvalue()
