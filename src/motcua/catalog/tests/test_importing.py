"""Importing and exporting the procedure catalogue (CSV and XLSX)."""

import csv
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from motcua.catalog import services
from motcua.catalog.eform import upgrade
from motcua.catalog.importing import (
    COLUMNS,
    ImportErrors,
    Row,
    export_procedures,
    import_procedures,
    parse_row,
    read_rows,
)
from motcua.catalog.models import (
    AuthorityLevel,
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
    ProcessingUnit,
    ProcessStep,
    Sector,
    ServiceLevel,
)
from motcua.dossiers.services import create_draft
from tests.factories import AgencyFactory, ApplicantFactory

CATALOGUE = settings.MOTCUA_SHARED_DATA_DIR / "procedures.csv"


def catalogue_rows() -> list[dict[str, str]]:
    with CATALOGUE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, rows: list[dict[str, str]], columns=COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def good_row(code: str = "MC.X.01", **overrides) -> dict[str, str]:
    row = {
        "code": code,
        "name": "Thủ tục thử",
        "sector": "Hộ tịch",
        "level": "xa",
        "authority": "UBND cấp xã",
        "days": "3",
        "fee_vnd": "10000",
        "online": "toan_trinh",
        "partial_reason": "",
        "components": "Tờ khai|Giấy tờ kèm theo",
        "reuses": "dan_cu",
        "result": "Kết quả",
    }
    row.update(overrides)
    return row


def db_counts() -> tuple[int, ...]:
    return (
        Procedure.objects.count(),
        ProcedureVersion.objects.count(),
        ProcedureComponent.objects.count(),
        ProcessStep.objects.count(),
        Sector.objects.count(),
    )


# Reading ------------------------------------------------------------------------------


def test_read_rows_numbers_records_by_their_first_line_across_multiline_fields(tmp_path):
    blank = "," * (len(COLUMNS) - 2)
    path = tmp_path / "multi.csv"
    path.write_text(
        ",".join(COLUMNS) + f'\nA,"dòng một\ndòng hai"{blank}\n\nB,tên{blank}\n',
        encoding="utf-8",
    )
    rows = read_rows(path)
    assert [(row.line, row.get("code")) for row in rows] == [(2, "A"), (5, "B")]
    assert rows[0].get("name") == "dòng một\ndòng hai"


def test_read_rows_accepts_a_utf8_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text(
        ",".join(COLUMNS) + "\n" + ",".join(good_row().values()) + "\n", encoding="utf-8-sig"
    )
    assert read_rows(path)[0].values == good_row()


def test_read_rows_rejects_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes((",".join(COLUMNS) + "\nA,Đăng\n").encode("cp1258"))
    with pytest.raises(ImportErrors, match="UTF-8"):
        read_rows(path)


def test_read_rows_reports_missing_and_unknown_columns_on_line_1(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("code,name,ghi_chu\nA,B,C\n", encoding="utf-8")
    with pytest.raises(ImportErrors) as caught:
        read_rows(path)
    reasons = [(error.line, error.reason) for error in caught.value.errors]
    assert any(line == 1 and "ghi_chu" in reason for line, reason in reasons)
    assert any(
        line == 1 and "Thiếu cột" in reason and "fee_vnd" in reason for line, reason in reasons
    )


def test_read_rows_uses_sheet_row_numbers_for_xlsx(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    sheet.append(["A", "Tên", None, None, None, 3])
    sheet.append([])
    sheet.append(["B", "Tên", None, None, None, 5.0])
    path = tmp_path / "rows.xlsx"
    workbook.save(path)
    rows = read_rows(path)
    assert [(row.line, row.get("code"), row.get("days")) for row in rows] == [
        (2, "A", "3"),
        (4, "B", "5"),
    ]


# Checking one row ---------------------------------------------------------------------


def test_parse_row_maps_vietnamese_codes_to_model_values():
    data = parse_row(
        Row(
            2,
            good_row(
                level="tinh", online="mot_phan", partial_reason="Có mặt", reuses="dan_cu|dat_dai"
            ),
        )
    )
    assert data.level == AuthorityLevel.PROVINCE
    assert data.service_level == ServiceLevel.PARTIAL
    assert data.not_fully_online_reason == "Có mặt"
    assert data.data_sources == ["dan_cu", "dat_dai"]
    assert data.components == [("Tờ khai", ""), ("Giấy tờ kèm theo", "")]


def test_parse_row_accepts_english_values():
    data = parse_row(Row(2, good_row(level="ministry", online="counter", partial_reason="x")))
    assert (data.level, data.service_level) == (AuthorityLevel.MINISTRY, ServiceLevel.COUNTER)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"code": ""}, "Thiếu mã thủ tục"),
        ({"name": ""}, "Thiếu tên thủ tục"),
        ({"components": " | "}, "Thiếu thành phần hồ sơ"),
        ({"result": ""}, "Thiếu kết quả thực hiện"),
        ({"level": "huyen"}, "Cấp thực hiện “huyen” không hợp lệ"),
        ({"days": "0"}, "Thời hạn giải quyết “0”"),
        ({"days": "366"}, "Thời hạn giải quyết “366”"),
        ({"days": "2.5"}, "Thời hạn giải quyết “2.5”"),
        ({"fee_vnd": "-1"}, "Phí, lệ phí “-1”"),
        ({"fee_vnd": "10.000"}, "Phí, lệ phí “10.000”"),
        ({"online": "mot_phan"}, "phải ghi lý do"),
        ({"online": "truc_tiep"}, "phải ghi lý do"),
        ({"online": "online"}, "Mức độ cung cấp “online” không hợp lệ"),
        ({"reuses": "dan_cu|cong_an"}, "CSDL “cong_an” không có trong danh mục"),
        ({"online_fee_policy": "half"}, "Chính sách phí khi nộp trực tuyến “half”"),
        ({"online_fee_policy": "percent", "online_fee_value": "150"}, "không được vượt quá 100%"),
        ({"online_fee_policy": "fixed", "online_fee_value": "abc"}, "“abc” phải là số nguyên"),
        ({"online_fee_policy": "exempt", "online_fee_value": "5"}, "chỉ dùng với chính sách"),
        ({"time_unit": "tuan"}, "Đơn vị thời hạn “tuan” không hợp lệ"),
    ],
)
def test_parse_row_rejects_invalid_values_with_a_reason(overrides, reason):
    with pytest.raises(ImportErrors) as caught:
        parse_row(Row(7, good_row(**overrides)))
    errors = caught.value.errors
    assert len(errors) == 1
    assert errors[0].line == 7
    assert reason in errors[0].reason


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        ("", ProcessingUnit.WORKING_DAYS),
        ("gio_lam_viec", ProcessingUnit.WORKING_HOURS),
        ("ngay_lam_viec", ProcessingUnit.WORKING_DAYS),
        ("ngay", ProcessingUnit.CALENDAR_DAYS),
        ("THANG", ProcessingUnit.MONTHS),
        ("calendar_days", ProcessingUnit.CALENDAR_DAYS),
    ],
)
def test_parse_row_reads_the_unit_of_the_time_limit(value, unit):
    assert parse_row(Row(2, good_row(time_unit=value))).processing_unit == unit


def test_parse_row_reports_every_problem_of_a_row():
    with pytest.raises(ImportErrors) as caught:
        parse_row(Row(3, good_row(level="?", days="x", fee_vnd="-")))
    assert len(caught.value.errors) == 3


# Importing the shared catalogue -------------------------------------------------------


@pytest.mark.django_db
def test_importing_the_shared_catalogue_creates_all_72_procedures():
    report = import_procedures(CATALOGUE)
    assert (len(report.created), len(report.new_versions), len(report.unchanged)) == (72, 0, 0)
    assert Procedure.objects.filter(current_version__status="published").count() == 72


@pytest.mark.django_db
def test_import_maps_the_fields_of_a_partial_procedure():
    import_procedures(CATALOGUE)
    version = Procedure.objects.get(code="MC.HT.03").current_version
    assert version.name == "Đăng ký kết hôn"
    assert version.sector.name == "Hộ tịch"
    assert version.level == AuthorityLevel.COMMUNE
    assert version.processing_days == 1
    # procedures.csv has no time_unit column: its limits are in working days.
    assert version.processing_unit == ProcessingUnit.WORKING_DAYS
    assert version.processing_time_label == "1 ngày làm việc"
    assert version.service_level == ServiceLevel.PARTIAL
    assert version.not_fully_online_reason == (
        "Hai bên nam nữ phải có mặt khi trao Giấy chứng nhận kết hôn"
    )
    assert version.data_sources == ["dan_cu", "ho_tich"]
    assert [(c.name, c.registry) for c in version.components.all()] == [
        ("Tờ khai đăng ký kết hôn", "")
    ]
    assert version.result_name == "Giấy chứng nhận kết hôn"


@pytest.mark.django_db
def test_import_maps_quoted_components_and_fee():
    import_procedures(CATALOGUE)
    version = Procedure.objects.get(code="MC.HT.07").current_version
    assert version.fee_vnd == 15000
    assert version.is_fully_online
    assert [c.name for c in version.components.all()] == [
        "Tờ khai đăng ký thay đổi cải chính bổ sung thông tin hộ tịch",
        "Giấy tờ làm căn cứ cải chính",
    ]


@pytest.mark.django_db
def test_reimporting_the_same_file_creates_no_new_versions():
    import_procedures(CATALOGUE)
    before = db_counts()
    report = import_procedures(CATALOGUE)
    assert (len(report.created), len(report.new_versions), len(report.unchanged)) == (0, 0, 72)
    assert db_counts() == before


@pytest.mark.django_db
def test_a_changed_fee_creates_exactly_one_new_version(tmp_path):
    import_procedures(CATALOGUE)
    rows = catalogue_rows()
    changed = next(row for row in rows if row["code"] == "MC.HT.01")
    changed["fee_vnd"] = "5000"
    before = ProcedureVersion.objects.count()

    report = import_procedures(write_csv(tmp_path / "changed.csv", rows))

    assert report.new_versions == ["MC.HT.01"]
    assert len(report.unchanged) == 71
    assert ProcedureVersion.objects.count() == before + 1
    procedure = Procedure.objects.get(code="MC.HT.01")
    assert (procedure.current_version.number, procedure.current_version.fee_vnd) == (2, 5000)
    assert procedure.versions.get(number=1).status == ProcedureVersion.Status.SUPERSEDED


@pytest.mark.django_db
def test_a_dossier_keeps_the_version_it_was_filed_under(tmp_path):
    import_procedures(CATALOGUE)
    old = Procedure.objects.get(code="MC.HT.04").current_version
    dossier = create_draft(applicant=ApplicantFactory(), version=old, agency=AgencyFactory())
    rows = catalogue_rows()
    next(row for row in rows if row["code"] == "MC.HT.04")["fee_vnd"] = "10000"

    import_procedures(write_csv(tmp_path / "changed.csv", rows))

    dossier.refresh_from_db()
    procedure = Procedure.objects.get(code="MC.HT.04")
    assert dossier.procedure_version_id == old.pk
    assert dossier.procedure_version.fee_vnd == 8000
    assert procedure.current_version_id != old.pk
    assert procedure.current_version.fee_vnd == 10000


@pytest.mark.django_db
def test_a_new_version_keeps_a_customised_form_and_process(tmp_path):
    import_procedures(CATALOGUE)
    version = Procedure.objects.get(code="MC.HT.01").current_version
    draft = services.new_draft_version(version.procedure)
    draft.form_schema = upgrade([{"name": "child_name", "label": "Họ tên trẻ", "type": "text"}])
    draft.supplement_days = 10
    draft.save()
    draft.steps.filter(position=2).update(name="Thẩm định")
    services.publish_version(draft)
    rows = catalogue_rows()
    next(row for row in rows if row["code"] == "MC.HT.01")["days"] = "2"

    report = import_procedures(write_csv(tmp_path / "changed.csv", rows))

    current = Procedure.objects.get(code="MC.HT.01").current_version
    assert report.new_versions == ["MC.HT.01"]
    assert current.processing_days == 2
    assert current.form_schema == draft.form_schema
    assert current.supplement_days == 10
    assert current.steps.get(position=2).name == "Thẩm định"


@pytest.mark.django_db
def test_a_file_with_bad_rows_reports_each_line_and_writes_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        ",".join(COLUMNS) + "\n"
        # line 2: fine, with a component spanning two lines (lines 2-3)
        'MC.X.01,Thủ tục một,Hộ tịch,xa,UBND cấp xã,3,0,toan_trinh,,"Tờ khai\nghi chú",'
        "dan_cu,Kết quả\n"
        # line 4: unknown level
        "MC.X.02,Thủ tục hai,Hộ tịch,huyen,UBND,3,0,toan_trinh,,Tờ khai,dan_cu,Kết quả\n"
        # line 5: partial without a reason, unknown registry
        "MC.X.03,Thủ tục ba,Hộ tịch,xa,UBND,3,0,mot_phan,,Tờ khai,so_do,Kết quả\n"
        # line 6: duplicate of line 2
        "MC.X.01,Thủ tục bốn,Hộ tịch,xa,UBND,3,0,toan_trinh,,Tờ khai,dan_cu,Kết quả\n"
        # line 7: missing code, days too long
        ",Thủ tục năm,Hộ tịch,xa,UBND,400,0,toan_trinh,,Tờ khai,dan_cu,Kết quả\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportErrors) as caught:
        import_procedures(path)
    found = [(e.line, e.code, e.reason.split(" ")[0]) for e in caught.value.errors]
    assert found == [
        (4, "MC.X.02", "Cấp"),
        (5, "MC.X.03", "Thủ"),
        (5, "MC.X.03", "CSDL"),
        (6, "MC.X.01", "Mã"),
        (7, "", "Thiếu"),
        (7, "", "Thời"),
    ]
    assert "trùng với dòng 2" in caught.value.errors[3].reason
    assert db_counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_a_bad_row_leaves_an_imported_catalogue_untouched(tmp_path):
    import_procedures(CATALOGUE)
    before = db_counts()
    rows = catalogue_rows()
    rows[0]["fee_vnd"] = "1"  # a valid change that must not be written either
    rows[-1]["days"] = "0"
    with pytest.raises(ImportErrors) as caught:
        import_procedures(write_csv(tmp_path / "bad.csv", rows))
    assert [(e.line, e.code) for e in caught.value.errors] == [(73, rows[-1]["code"])]
    assert db_counts() == before
    assert Procedure.objects.get(code=rows[0]["code"]).current_version.number == 1


@pytest.mark.django_db
def test_xlsx_import_creates_the_procedures(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for row in catalogue_rows()[:5]:
        sheet.append([int(row[c]) if c in ("days", "fee_vnd") else row[c] for c in COLUMNS])
    path = tmp_path / "procedures.xlsx"
    workbook.save(path)

    report = import_procedures(path)

    assert len(report.created) == 5
    assert Procedure.objects.get(code="MC.HT.04").current_version.fee_vnd == 8000


@pytest.mark.django_db
def test_import_reads_the_optional_columns(tmp_path):
    columns = COLUMNS + ("online_fee_policy", "online_fee_value", "description", "time_unit")
    row = good_row(
        online_fee_policy="percent", online_fee_value="50", description="Mô tả", time_unit="thang"
    )
    import_procedures(write_csv(tmp_path / "extra.csv", [row], columns))
    version = Procedure.objects.get(code="MC.X.01").current_version
    assert (version.online_fee_policy, version.online_fee_value) == ("percent", 50)
    assert version.online_fee_vnd == 5000
    assert version.description == "Mô tả"
    assert (version.processing_days, version.processing_unit) == (3, ProcessingUnit.MONTHS)
    assert version.processing_time_label == "3 tháng"


@pytest.mark.django_db
def test_a_changed_unit_creates_a_new_version(tmp_path):
    import_procedures(write_csv(tmp_path / "days.csv", [good_row(days="8")]))
    columns = COLUMNS + ("time_unit",)
    report = import_procedures(
        write_csv(tmp_path / "hours.csv", [good_row(days="8", time_unit="gio_lam_viec")], columns)
    )
    assert report.new_versions == ["MC.X.01"]
    version = Procedure.objects.get(code="MC.X.01").current_version
    assert version.processing_time_label == "8 giờ làm việc"


# Exporting ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_reimport_changes_nothing(tmp_path, suffix):
    import_procedures(CATALOGUE)
    procedure = Procedure.objects.get(code="MC.HT.01")
    draft = services.new_draft_version(procedure)
    draft.online_fee_policy, draft.online_fee_value = "fixed", 0
    draft.description = 'Dòng một\r\nDòng hai, có dấu phẩy và "ngoặc kép"'
    draft.processing_unit = ProcessingUnit.CALENDAR_DAYS
    draft.save()
    services.publish_version(draft)
    before = db_counts()

    path = tmp_path / f"export{suffix}"
    assert export_procedures(path) == 72
    report = import_procedures(path)

    assert len(report.unchanged) == 72
    assert db_counts() == before


@pytest.mark.django_db
def test_export_writes_the_source_file_columns_and_codes(tmp_path):
    import_procedures(CATALOGUE)
    path = tmp_path / "export.csv"
    export_procedures(path)
    with path.open(encoding="utf-8", newline="") as handle:
        exported = {row["code"]: row for row in csv.DictReader(handle)}
    for original in catalogue_rows():
        assert {c: exported[original["code"]][c] for c in COLUMNS} == original


# Commands -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_command_prints_a_summary(capsys):
    call_command("import_procedures", str(CATALOGUE))
    assert "72 thủ tục: 72 mới, 0 phiên bản mới, 0 không đổi" in capsys.readouterr().out


@pytest.mark.django_db
def test_import_command_prints_every_error_and_exits_with_status_1(tmp_path, capsys):
    rows = [good_row("MC.X.01", level="huyen"), good_row("MC.X.02"), good_row("MC.X.03", days="")]
    path = write_csv(tmp_path / "bad.csv", rows)

    # call_command, not execute_from_command_line: the latter closes the database
    # connection of the test's transaction on PostgreSQL.
    stderr = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_procedures", str(path), stderr=stderr)

    assert failed.value.returncode == 1
    err = stderr.getvalue()
    assert "Dòng 2 (MC.X.01): Cấp thực hiện “huyen” không hợp lệ" in err
    assert "Dòng 4 (MC.X.03): Thời hạn giải quyết" in err
    assert Procedure.objects.count() == 0


@pytest.mark.django_db
def test_export_command_writes_the_file(tmp_path, capsys):
    import_procedures(CATALOGUE)
    path = tmp_path / "out.xlsx"
    call_command("export_procedures", str(path))
    assert "72 thủ tục" in capsys.readouterr().out
    assert len(read_rows(path)) == 72
