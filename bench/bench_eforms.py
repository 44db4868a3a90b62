"""What a citizen and an officer wait for with the real e-forms (issue #16).

For each of the 12 modelled procedures (``catalog/data/forms``), with demo data that its
rules accept, and against the baseline of the same steps on the generic form every
procedure had before (applicant, phone, e-mail, "Nội dung đề nghị"), measured in the
same run:

- **validate**: ``eform.validate_data`` of a submitted form (JSON Schema 2020-12 +
  cross-field rules), what each save and the submission run;
- **render**: the e-form page's form (``portal/_eform.html`` from the definition and the
  data), what each "Khai thông tin" page builds;
- **result**: the result PDF rendered from the procedure's body template with the form
  and decision data (WeasyPrint), what "Xem trước kết quả" waits for before signing.

Usage: ``python bench/bench_eforms.py [--repeat 30]`` (SQLite scratch database unless
``DATABASE_URL`` names an empty one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup_django  # noqa: E402
from _results import emit  # noqa: E402

MOTHER = {
    "name": "Nguyễn Thị Hoa",
    "personal_id": "027192001111",
    "birth_date": dt.date(1992, 5, 17),
    "address": "Số 5 Lý Bôn, Phường Kinh Bắc, Tỉnh Bắc Ninh",
    "phone": "0912345678",
}
GENERIC_DATA = {
    "full_name": "Nguyễn Thị Hoa",
    "personal_id": "027192001111",
    "birth_date": "1992-05-17",
    "permanent_address": "Số 5 Lý Bôn, Phường Kinh Bắc, Tỉnh Bắc Ninh",
    "phone": "0912345678",
    "email": "hoa@example.vn",
    "request_note": "Đề nghị giải quyết.",
}


def timed(fn, repeat: int) -> float:
    """Median milliseconds of ``fn()`` over ``repeat`` runs (after one warm-up)."""
    fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    scratch = setup_django("eforms")
    try:
        run(args.repeat)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def run(repeat: int) -> None:
    from django.core.management import call_command
    from django.template.loader import render_to_string
    from django.utils import timezone

    from motcua.agencies.models import Agency
    from motcua.catalog import eform, forms_library
    from motcua.catalog.formschema import default_schema
    from motcua.demo.form_data import sample_decision_data, sample_form_data
    from motcua.portal import eform_pages
    from motcua.results import rendering

    call_command("migrate", verbosity=0)
    call_command("load_agencies", verbosity=0)
    agency = Agency.objects.filter(kind=Agency.Kind.PROVINCE).order_by("code").first()
    rng = random.Random(16)
    generic = eform.upgrade(default_schema(["dan_cu"]))
    assert eform.validate_data(generic, GENERIC_DATA) == {}

    def page(defn, data) -> str:
        return render_to_string(
            "portal/_eform.html", {"eform": eform_pages.eform_context(defn, data)}
        )

    def result(body: str | None, data: dict, decision: dict, defn: dict) -> bytes:
        context = {
            "data": data,
            "decision": decision,
            "sections": eform.display(defn, data),
            "decision_sections": eform.display(defn, decision, decision=True) if decision else [],
            "form_rows": [],
            "applicant": {"name": MOTHER["name"], "identifier": MOTHER["personal_id"]},
            "dossier": {"code": "BN.KINHBAC-261207-0001"},
            "agency": agency,
            "header": rendering.header_lines(agency),
            "place": rendering.place_of(agency),
            "number": "1/2026/KQ-BENCH",
            "issued_on": timezone.localdate(),
            "signed_at": timezone.localtime(),
            "signer_name": agency.name,
            "signer_person": "Phạm Ngọc Khoa",
            "signer_title": ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
            "title": "KẾT QUẢ",
            "verify_url": "https://dichvucong.example.vn/ket-qua/xac-minh/bench/",
        }
        return rendering.render_result_pdf(context, body)

    baseline = {
        "validate": timed(lambda: eform.validate_data(generic, GENERIC_DATA), repeat),
        "render": timed(lambda: page(generic, GENERIC_DATA), repeat),
        "result": timed(lambda: result(None, GENERIC_DATA, {}, generic), max(3, repeat // 5)),
    }
    print(
        f"{'procedure':<10} {'fields':>6} {'validate ms':>12} {'render ms':>10} {'result ms':>10}"
    )
    print(
        f"{'generic':<10} {len(eform.leaf_fields(generic)):>6} {baseline['validate']:>12.2f} "
        f"{baseline['render']:>10.2f} {baseline['result']:>10.1f}   (baseline: the old form)"
    )
    figures = {}
    for code in sorted(forms_library.codes()):
        defn = forms_library.definition_for(code)
        data = sample_form_data(code, MOTHER, rng)
        assert eform.validate_data(defn, data) == {}, code
        decision = sample_decision_data(code, data, rng) or {}
        body_path = Path(rendering.__file__).parent / "templates/results/bodies" / f"{code}.html"
        body = body_path.read_text(encoding="utf-8") if body_path.exists() else None
        row = {
            "validate": timed(lambda d=defn, x=data: eform.validate_data(d, x), repeat),
            "render": timed(lambda d=defn, x=data: page(d, x), repeat),
            "result": timed(
                lambda b=body, x=data, y=decision, d=defn: result(b, x, y, d), max(3, repeat // 5)
            ),
        }
        figures[code] = row
        print(
            f"{code:<10} {len(eform.leaf_fields(defn)):>6} {row['validate']:>12.2f} "
            f"{row['render']:>10.2f} {row['result']:>10.1f}"
        )
    worst = {k: max(row[k] for row in figures.values()) for k in ("validate", "render", "result")}
    print(
        f"slowest of the 12: validate {worst['validate']:.2f} ms, render {worst['render']:.2f} ms, "
        f"result PDF {worst['result']:.0f} ms"
    )
    emit(
        eform_validate_ms_max=worst["validate"],
        eform_validate_ms_baseline=baseline["validate"],
        eform_render_ms_max=worst["render"],
        eform_render_ms_baseline=baseline["render"],
        result_pdf_ms_max=worst["result"],
        result_pdf_ms_baseline=baseline["result"],
    )


if __name__ == "__main__":
    main()
