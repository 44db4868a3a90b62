"""How the citizen receives the result, chosen on the review page before submitting
(Decree 118/2025/NĐ-CP Art. 15: at the one-stop desk, through the public postal
service, or electronically; Decree 42/2022/NĐ-CP Art. 11 for full-process services).

By post the citizen gives the recipient, phone and address (province, then a commune of
that province from the current list) and sees the postage, quoted by the postal service,
before confirming; ``postal.services.choose_delivery`` checks and keeps it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from motcua.catalog import eform
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import ResultDelivery, Status
from motcua.lib.formatting import format_vnd
from motcua.postal import services as postal_services
from motcua.postal.addresses import FIELDS, province_of

from . import selectors, services
from .access import citizen_view


class DeliveryForm(forms.Form):
    """The fieldset "Hình thức nhận kết quả" (the address only matters by post)."""

    delivery = forms.ChoiceField(
        label=_lazy("Hình thức nhận kết quả"),
        choices=ResultDelivery.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _lazy("Hãy chọn hình thức nhận kết quả.")},
    )
    recipient = forms.CharField(
        label=_lazy("Họ tên người nhận"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_lazy("Số điện thoại người nhận"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    street = forms.CharField(
        label=_lazy("Số nhà, đường phố, thôn, xóm"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    province = forms.ChoiceField(
        label=_lazy("Tỉnh, thành phố"),
        required=False,
        widget=forms.Select(
            attrs={"data-province-of": "delivery", "autocomplete": "address-level1"}
        ),
    )
    commune = forms.CharField(
        label=_lazy("Xã, phường, đặc khu"),
        required=False,
        widget=forms.TextInput(
            attrs={"data-commune-of": "delivery", "autocomplete": "address-level2"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", _("— Chọn —"))]
        self.fields["province"].choices = blank + [(n, n) for n in eform.province_names()]
        province = (self.data.get("province") if self.is_bound else None) or self.initial.get(
            "province"
        )
        names = eform.communes(province) if province else []
        if names:
            self.fields["commune"].widget = forms.Select(
                attrs={"data-commune-of": "delivery", "autocomplete": "address-level2"},
                choices=blank + [(n, n) for n in names],
            )

    def add_address_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)


def initial_for(dossier) -> dict:
    """The saved choice, else the applicant's name and phone and the agency's province."""
    address = dossier.delivery_address or {}
    applicant = dossier.applicant
    initial = {
        "delivery": dossier.result_delivery,
        "recipient": applicant.name,
        "phone": applicant.phone or getattr(applicant.user, "phone", "") or "",
        "province": province_of(dossier.agency),
    }
    initial.update({name: address[name] for name in FIELDS if address.get(name)})
    return initial


def delivery_form(dossier, data=None) -> DeliveryForm:
    return DeliveryForm(data, initial=initial_for(dossier))


@require_POST
@citizen_view
def apply_delivery(request, applicant, public_id):
    """Save the choice of the review page; by post, check the address and quote postage."""
    from .apply_views import _review_page

    dossier = selectors.dossier_for(applicant, public_id)
    if dossier.status != Status.DRAFT:
        return redirect("portal:dossier", dossier.public_id)
    form = delivery_form(dossier, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            postal_services.choose_delivery(
                dossier,
                delivery=data["delivery"],
                address={name: data.get(name, "") for name in FIELDS},
                by=request.user,
            )
        except postal_services.AddressInvalid as invalid:
            form.add_address_errors(invalid.errors)
        except (postal_services.PostalError, DossierError) as error:
            form.add_error(None, error.message)
        else:
            if dossier.result_delivery == ResultDelivery.POST:
                messages.success(
                    request,
                    _("Đã lưu địa chỉ nhận kết quả qua bưu chính; cước phí: %(postage)s.")
                    % {"postage": format_vnd(dossier.postage_vnd)},
                )
            else:
                messages.success(request, _("Đã lưu hình thức nhận kết quả."))
            return redirect(
                reverse("portal:apply_review", args=[dossier.public_id]) + "#nhan-ket-qua"
            )
    problems = services.submission_problems(dossier, by=request.user, check_registries=False)
    return _review_page(request, dossier, problems=problems, delivery=form, status=400)
