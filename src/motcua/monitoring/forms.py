"""Forms of the monitoring pages (Vietnamese labels and errors)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import AuthorityLevel, Sector

from .models import Indicator, Target
from .provision import ProcedureState
from .services import PlannedProcedure

# The indicators an agency's plan sets monthly targets for.
PLAN_INDICATORS = [
    Indicator.ELIGIBLE_FULL_ONLINE,
    Indicator.ONLINE_DOSSIERS,
    Indicator.FULLY_ONLINE_DOSSIERS,
]
MONTHS = range(1, 13)


def month_label(month: int) -> str:
    return _("Tháng %(month)d") % {"month": month}


class FilterForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("Kỳ"),
        required=False,
        help_text=gettext_lazy("2026-10, 2026-Q4, 2026 hoặc 2026-10-01..2026-10-15"),
    )
    sector = forms.ModelChoiceField(
        label=gettext_lazy("Lĩnh vực"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=gettext_lazy("Mọi lĩnh vực"),
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Cấp thực hiện"),
        choices=[("", gettext_lazy("Mọi cấp"))] + list(AuthorityLevel.choices),
        required=False,
    )


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=gettext_lazy("Chỉ số"), choices=Indicator.choices)
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100)
    value = forms.DecimalField(
        label=gettext_lazy("Chỉ tiêu"), min_value=Decimal(0), max_digits=6, decimal_places=2
    )
    agency = forms.ChoiceField(label=gettext_lazy("Áp dụng cho"))
    source = forms.CharField(label=gettext_lazy("Căn cứ"), required=False, max_length=500)

    def __init__(self, *args, agencies: list[tuple[int, str]], national: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if national:
            choices += [
                (f"national:{k}", _("Quốc gia – %(label)s") % {"label": v})
                for k, v in Target.AppliesTo.choices
            ]
        choices += [(f"agency:{pk}", name) for pk, name in agencies]
        self.fields["agency"].choices = choices


class PlanForm(forms.Form):
    """The plan's header, its monthly targets and one row per procedure the agency offers."""

    document_number = forms.CharField(label=gettext_lazy("Số, ký hiệu văn bản"), max_length=100)
    issued_on = forms.DateField(
        label=gettext_lazy("Ngày ban hành"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    summary = forms.CharField(
        label=gettext_lazy("Nội dung chính"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, procedures: list[ProcedureState], **kwargs):
        super().__init__(*args, **kwargs)
        self.procedures = procedures
        for indicator in PLAN_INDICATORS:
            for month in MONTHS:
                self.fields[f"target_{indicator.value}_{month}"] = forms.DecimalField(
                    label=f"{indicator.label} – {month_label(month)}",
                    required=False,
                    min_value=Decimal(0),
                    max_value=Decimal(100),
                    decimal_places=2,
                    max_digits=6,
                )
        for state in procedures:
            pid = state.procedure_id
            self.fields[f"proc_{pid}_eligible"] = forms.ChoiceField(
                label=f"{state.code} {state.name}",
                choices=[
                    ("yes", _("Đủ điều kiện")),
                    ("no", _("Không đủ điều kiện")),
                ],
                initial="yes" if state.eligible else "no",
                widget=forms.Select(
                    attrs={"aria-label": _("%(code)s: đủ điều kiện?") % {"code": state.code}}
                ),
            )
            self.fields[f"proc_{pid}_month"] = forms.TypedChoiceField(
                label=_("Tháng cung cấp toàn trình"),
                choices=[("", "–")] + [(m, str(m)) for m in range(1, 13)],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.Select(
                    attrs={
                        "aria-label": _("%(code)s: tháng cung cấp toàn trình")
                        % {"code": state.code}
                    }
                ),
            )
            self.fields[f"proc_{pid}_reason"] = forms.CharField(
                label=_("Lý do không đủ điều kiện"),
                required=False,
                initial=state.reason,
                max_length=1000,
                widget=forms.TextInput(
                    attrs={
                        "aria-label": _("%(code)s: lý do không đủ điều kiện") % {"code": state.code}
                    }
                ),
            )

    def target_rows(self):
        """(indicator label, [bound field per month]) for the template."""
        for indicator in PLAN_INDICATORS:
            yield indicator.label, [self[f"target_{indicator.value}_{m}"] for m in MONTHS]

    def procedure_rows(self):
        for state in self.procedures:
            pid = state.procedure_id
            yield (
                state,
                self[f"proc_{pid}_eligible"],
                self[f"proc_{pid}_month"],
                self[f"proc_{pid}_reason"],
            )

    def clean(self):
        data = super().clean()
        for state in self.procedures:
            pid = state.procedure_id
            if (
                data.get(f"proc_{pid}_eligible") == "no"
                and not (data.get(f"proc_{pid}_reason") or "").strip()
            ):
                self.add_error(
                    f"proc_{pid}_reason",
                    _("Thủ tục %(code)s không đủ điều kiện: hãy ghi rõ lý do.")
                    % {"code": state.code},
                )
        return data

    def monthly_targets(self) -> dict[tuple[int, str], Decimal]:
        result = {}
        for indicator in PLAN_INDICATORS:
            for month in MONTHS:
                value = self.cleaned_data.get(f"target_{indicator.value}_{month}")
                if value is not None:
                    result[(month, indicator.value)] = value
        return result

    def planned(self) -> list[PlannedProcedure]:
        result = []
        for state in self.procedures:
            pid = state.procedure_id
            eligible = self.cleaned_data.get(f"proc_{pid}_eligible") == "yes"
            result.append(
                PlannedProcedure(
                    procedure_id=pid,
                    eligible=eligible,
                    target_month=self.cleaned_data.get(f"proc_{pid}_month") if eligible else None,
                    reason=self.cleaned_data.get(f"proc_{pid}_reason") or "",
                )
            )
        return result
