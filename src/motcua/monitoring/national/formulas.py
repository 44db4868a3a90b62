"""The registry of the national formulas: each version's groups, sub-indicators and points.

Two versions are kept because the sources disagree (docs/INDICATORS.md, "Formula
versions"):

* ``qd766-2022`` – Decision 766/QĐ-TTg of 23 June 2022 as its annex was published: five
  groups (công khai, minh bạch 18; tiến độ, kết quả giải quyết 20; số hóa hồ sơ 22;
  cung cấp dịch vụ trực tuyến 22 – payment inside it; mức độ hài lòng 18). Our reading:
  the on-time rate counts settled dossiers only and every ratio scores linearly
  (points × rate); satisfaction in settling dossiers is the share of satisfied ratings.
* ``dvcqg-2026`` – as the National Public Service Portal computes it now
  (REGULATIONS.md, "Measurement", captured 2026): six groups (online payment split
  out of online services: 12 + 10), dossiers still in process counted in the on-time
  rate, more than one supplement request and a late online intake counted late,
  withdrawn/stopped/refused counted as ended, full points from 80 % (50 % for the
  online-dossier share, 90 % for satisfaction in settling dossiers).

A version applies to the periods ending on or after its ``in_force_from``; the default
for a period is the latest such version (``MOTCUA_KPI_FORMULA`` forces one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Units a denominator counts: the minimum-data rule (MOTCUA_KPI_MIN_DOSSIERS) applies to
# dossiers; a procedure or PAKN ratio is only empty when its denominator is 0.
DOSSIERS, PROCEDURES, PAKN = "dossiers", "procedures", "pakn"

SOURCE_766 = _(
    "Quyết định 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ, Phụ lục Bộ chỉ số "
    "chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp"
)
SOURCE_PORTAL = _(
    "Cổng Dịch vụ công quốc gia – Bộ chỉ số phục vụ người dân, doanh nghiệp (cách tính "
    "hiện hành, ghi nhận năm 2026)"
)
GRADE_SCALE_LABEL = _("Thang xếp loại của Bộ (đánh giá hệ thống thông tin 2024)")


@dataclass(frozen=True)
class IndicatorDef:
    """One sub-indicator: how many points, from which rate, by which formula."""

    code: str
    name: str
    points: float
    measure: str  # a key of compute.MEASURES; "" = not measured by MotCua
    formula: str
    threshold: float = 100.0  # the rate (%) that earns full points; below: linear
    unit: str = DOSSIERS
    note: str = ""

    @property
    def measured(self) -> bool:
        return bool(self.measure)


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    points: float
    indicators: tuple[IndicatorDef, ...]


@dataclass(frozen=True)
class FormulaVersion:
    code: str
    name: str
    in_force_from: dt.date
    source: str
    groups: tuple[Group, ...]

    @property
    def indicators(self) -> list[tuple[Group, IndicatorDef]]:
        return [(g, i) for g in self.groups for i in g.indicators]

    @property
    def total_points(self) -> float:
        return sum(g.points for g in self.groups)


def _transparency(threshold: float) -> Group:
    return Group(
        "cong_khai",
        _("Công khai, minh bạch"),
        18,
        (
            IndicatorDef(
                "ck_cong_bo",
                _("Tỷ lệ TTHC được công bố, công khai đúng hạn"),
                6,
                "",
                _("TTHC công bố đúng hạn ÷ TTHC phải công bố (dữ liệu của CSDL quốc gia về TTHC)"),
                threshold,
                PROCEDURES,
                _("Không đo được trên MotCua: việc công bố TTHC nằm ở CSDL quốc gia."),
            ),
            IndicatorDef(
                "ck_cap_nhat",
                _("Tỷ lệ TTHC được cập nhật, công khai trên CSDL quốc gia đúng hạn"),
                4,
                "",
                _("TTHC cập nhật đúng hạn ÷ TTHC phải cập nhật"),
                threshold,
                PROCEDURES,
                _("Không đo được trên MotCua."),
            ),
            IndicatorDef(
                "ck_day_du",
                _("Công khai đầy đủ các bộ phận bắt buộc của TTHC"),
                2,
                "",
                _("TTHC công khai đủ các bộ phận ÷ TTHC"),
                threshold,
                PROCEDURES,
                _("Không đo được trên MotCua."),
            ),
            IndicatorDef(
                "ck_dong_bo",
                _("Tỷ lệ hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc gia"),
                6,
                "sync",
                _(
                    "Hồ sơ tiếp nhận trong kỳ đã gửi được (ít nhất một sự kiện) tới bên nhận "
                    "“Đồng bộ với Cổng DVCQG” ÷ hồ sơ tiếp nhận trong kỳ"
                ),
                threshold,
            ),
        ),
    )


def _digitisation(threshold: float) -> Group:
    return Group(
        "so_hoa",
        _("Mức độ số hóa hồ sơ"),
        22,
        (
            IndicatorDef(
                "sh_ket_qua",
                _("Tỷ lệ kết quả giải quyết điện tử"),
                6,
                "e_results",
                _("Kết quả cấp điện tử ÷ kết quả đã cấp trong kỳ"),
                threshold,
            ),
            IndicatorDef(
                "sh_thanh_phan",
                _("Tỷ lệ số hóa thành phần hồ sơ"),
                4,
                "digitised",
                _(
                    "Thành phần hồ sơ giấy (nộp trực tiếp, bưu chính) đã số hóa khi tiếp nhận "
                    "÷ thành phần hồ sơ giấy tiếp nhận trong kỳ"
                ),
                threshold,
            ),
            IndicatorDef(
                "sh_chung_thuc",
                _("Cung cấp dịch vụ chứng thực bản sao điện tử"),
                2,
                "",
                _("Có / không cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính"),
                threshold,
                PROCEDURES,
                _("Không đo được trên MotCua: chưa có dịch vụ chứng thực điện tử."),
            ),
            IndicatorDef(
                "sh_tai_su_dung",
                _("Tỷ lệ tái sử dụng dữ liệu đã số hóa"),
                2,
                "reuse",
                _(
                    "Hồ sơ có dữ liệu tái sử dụng (lấy từ CSDL quốc gia hoặc giấy tờ lấy từ kho "
                    "dữ liệu cá nhân) ÷ hồ sơ tiếp nhận"
                ),
                threshold,
            ),
            IndicatorDef(
                "sh_kho_du_lieu",
                _("Khai thác, đẩy dữ liệu kho quản lý dữ liệu điện tử của cá nhân, tổ chức"),
                4,
                "datastore",
                _(
                    "(Hồ sơ lấy giấy tờ từ kho dữ liệu + kết quả điện tử đẩy vào kho) ÷ "
                    "(hồ sơ tiếp nhận + kết quả đã cấp)"
                ),
                threshold,
            ),
            IndicatorDef(
                "sh_dan_cu_ho_so",
                _("Tỷ lệ hồ sơ sử dụng dữ liệu từ CSDL quốc gia về dân cư"),
                2,
                "population_dossiers",
                _("Hồ sơ có thông tin điền sẵn từ CSDL quốc gia về dân cư ÷ hồ sơ tiếp nhận"),
                threshold,
            ),
            IndicatorDef(
                "sh_dan_cu_tthc",
                _("Tỷ lệ TTHC kết nối, khai thác CSDL quốc gia về dân cư"),
                2,
                "population_procedures",
                _(
                    "TTHC có ít nhất một hồ sơ dùng dữ liệu dân cư trong kỳ ÷ TTHC có hồ sơ "
                    "tiếp nhận trong kỳ"
                ),
                threshold,
                PROCEDURES,
            ),
        ),
    )


def _payment(threshold: float) -> tuple[IndicatorDef, ...]:
    return (
        IndicatorDef(
            "tt_tthc_cho_phep",
            _("Tỷ lệ TTHC có phí cho phép thanh toán trực tuyến"),
            2,
            "pay_procedures_offered",
            _(
                "TTHC có hồ sơ phải nộp phí trong kỳ và được cung cấp trực tuyến (thanh toán "
                "qua cổng) ÷ TTHC có hồ sơ phải nộp phí trong kỳ"
            ),
            threshold,
            PROCEDURES,
        ),
        IndicatorDef(
            "tt_tthc_phat_sinh",
            _("Tỷ lệ TTHC có phát sinh thanh toán trực tuyến"),
            2,
            "pay_procedures_used",
            _("TTHC có ít nhất một hồ sơ thanh toán trực tuyến ÷ TTHC có hồ sơ phải nộp phí"),
            threshold,
            PROCEDURES,
        ),
        IndicatorDef(
            "tt_ho_so",
            _("Tỷ lệ hồ sơ thanh toán trực tuyến"),
            6,
            "pay_dossiers",
            _("Hồ sơ phải nộp phí đã nộp trực tuyến ÷ hồ sơ tiếp nhận phải nộp phí"),
            threshold,
        ),
    )


def _pakn(threshold: float) -> tuple[IndicatorDef, ...]:
    return (
        IndicatorDef(
            "hl_pakn_dung_han",
            _("Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn"),
            6,
            "pakn_on_time",
            _("PAKN xử lý xong đúng hạn ÷ PAKN đến hạn xử lý trong kỳ"),
            threshold,
            PAKN,
        ),
        IndicatorDef(
            "hl_pakn_hai_long",
            _("Mức độ hài lòng về xử lý phản ánh, kiến nghị"),
            6,
            "pakn_satisfied",
            _("PAKN được đánh giá hài lòng ÷ PAKN được đánh giá"),
            threshold,
            PAKN,
        ),
    )


QD766_2022 = FormulaVersion(
    code="qd766-2022",
    name=_("Quyết định 766/QĐ-TTg (phụ lục công bố năm 2022)"),
    in_force_from=dt.date(2022, 6, 23),
    source=SOURCE_766,
    groups=(
        _transparency(100),
        Group(
            "tien_do",
            _("Tiến độ, kết quả giải quyết"),
            20,
            (
                IndicatorDef(
                    "td_dung_han",
                    _("Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn"),
                    20,
                    "on_time_settled",
                    _(
                        "Hồ sơ giải quyết trước hạn và đúng hạn ÷ hồ sơ đã giải quyết trong kỳ "
                        "(ngày quyết định so với hạn giải quyết đã cộng thời gian chờ bổ sung)"
                    ),
                ),
            ),
        ),
        _digitisation(100),
        Group(
            "dvc_truc_tuyen",
            _("Cung cấp dịch vụ trực tuyến"),
            22,
            (
                IndicatorDef(
                    "tt_ho_so_truc_tuyen",
                    _("Tỷ lệ hồ sơ trực tuyến của TTHC đủ điều kiện trực tuyến toàn trình"),
                    12,
                    "online_eligible",
                    _(
                        "Hồ sơ nộp trực tuyến (kể cả nộp hộ qua đại lý, tổ công nghệ số) của "
                        "TTHC toàn trình ÷ hồ sơ tiếp nhận của TTHC đủ điều kiện toàn trình"
                    ),
                ),
                *_payment(100),
            ),
        ),
        Group(
            "hai_long",
            _("Mức độ hài lòng"),
            18,
            (
                *_pakn(100),
                IndicatorDef(
                    "hl_giai_quyet",
                    _("Mức độ hài lòng trong tiếp nhận, giải quyết TTHC"),
                    6,
                    "satisfied_ratings",
                    _("Lượt đánh giá hài lòng (từ 4/5) ÷ lượt đánh giá trong kỳ"),
                ),
            ),
        ),
    ),
)

DVCQG_2026 = FormulaVersion(
    code="dvcqg-2026",
    name=_("Cách tính của Cổng Dịch vụ công quốc gia (2026)"),
    in_force_from=dt.date(2026, 1, 1),
    source=SOURCE_PORTAL,
    groups=(
        _transparency(80),
        Group(
            "tien_do",
            _("Tiến độ giải quyết"),
            20,
            (
                IndicatorDef(
                    "td_dung_han",
                    _("Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn"),
                    20,
                    "on_time_all",
                    _(
                        "(Hồ sơ kết thúc trong kỳ + hồ sơ đang giải quyết cuối kỳ − hồ sơ trễ hạn) "
                        "÷ (hồ sơ kết thúc trong kỳ + hồ sơ đang giải quyết cuối kỳ). Kết thúc: "
                        "có kết quả, từ chối, rút, dừng giải quyết. Trễ hạn: kết thúc sau hạn, "
                        "đang giải quyết mà đã quá hạn, bị yêu cầu bổ sung quá một lần, hoặc "
                        "tiếp nhận hồ sơ trực tuyến quá 8 giờ làm việc"
                    ),
                    80,
                ),
            ),
        ),
        Group(
            "dvc_truc_tuyen",
            _("Dịch vụ công trực tuyến"),
            12,
            (
                IndicatorDef(
                    "tt_ho_so_truc_tuyen",
                    _("Tỷ lệ hồ sơ trực tuyến của TTHC đủ điều kiện trực tuyến toàn trình"),
                    12,
                    "online_eligible",
                    _(
                        "Hồ sơ nộp trực tuyến (kể cả nộp hộ qua đại lý, tổ công nghệ số) của "
                        "TTHC toàn trình ÷ hồ sơ tiếp nhận của TTHC đủ điều kiện toàn trình; "
                        "đủ điểm từ 50 %"
                    ),
                    50,
                ),
            ),
        ),
        Group("thanh_toan", _("Thanh toán trực tuyến"), 10, _payment(80)),
        _digitisation(80),
        Group(
            "hai_long",
            _("Mức độ hài lòng"),
            18,
            (
                *_pakn(80),
                IndicatorDef(
                    "hl_giai_quyet",
                    _("Mức độ hài lòng trong tiếp nhận, giải quyết TTHC"),
                    6,
                    "satisfaction_portal",
                    _(
                        "100 % − tỷ lệ hồ sơ trễ hạn − tỷ lệ hồ sơ bị phản ánh, kiến nghị hoặc "
                        "đánh giá “không hài lòng” (1–2/5), trên hồ sơ kết thúc và đang giải "
                        "quyết; đủ điểm từ 90 %"
                    ),
                    90,
                ),
            ),
        ),
    ),
)

VERSIONS: dict[str, FormulaVersion] = {v.code: v for v in (QD766_2022, DVCQG_2026)}


class UnknownFormula(ValueError):
    pass


def get(code: str | None = None, *, on: dt.date | None = None) -> FormulaVersion:
    """The version named ``code``; else ``MOTCUA_KPI_FORMULA``; else the one in force ``on``.

    Raises UnknownFormula for a name that is not in the registry.
    """
    code = code or getattr(settings, "MOTCUA_KPI_FORMULA", "")
    if code:
        try:
            return VERSIONS[code]
        except KeyError:
            raise UnknownFormula(
                _("Không có phiên bản công thức “%(code)s”. Có: %(known)s.")
                % {"code": code, "known": ", ".join(VERSIONS)}
            ) from None
    on = on or dt.date.today()
    in_force = [v for v in VERSIONS.values() if v.in_force_from <= on]
    if not in_force:
        return min(VERSIONS.values(), key=lambda v: v.in_force_from)
    return max(in_force, key=lambda v: v.in_force_from)


def grades() -> list[tuple[str, float]]:
    """The grade scale, best first (``MOTCUA_KPI_GRADES``)."""
    return [(str(g), float(m)) for g, m in settings.MOTCUA_KPI_GRADES]


def grade_scale_text() -> str:
    """ "A ≥ 90, B ≥ 80, C ≥ 65, D ≥ 50, E < 50" for the pages."""
    scale = grades()
    parts = [f"{g} ≥ {m:g}" for g, m in scale[:-1]]
    if scale:
        last = scale[-1][0]
        parts.append(f"{last} < {scale[-2][1]:g}" if len(scale) > 1 else last)
    return ", ".join(parts)
