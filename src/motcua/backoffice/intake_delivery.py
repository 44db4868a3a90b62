"""How the applicant at the counter receives the result (Decree 118/2025/NĐ-CP
Art. 15): at the desk, by post (to the applicant, at the address given here) or
electronically only. A mixin of the intake form: its fields come last.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from motcua.catalog import eform
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import ResultDelivery
from motcua.postal import services as postal_services
from motcua.postal.addresses import AddressInvalid, clean_address

FIELDS = ("result_delivery", "delivery_street", "delivery_province", "delivery_commune")
# The address checker's field → the intake form's (recipient and phone are the applicant's).
FORM_FIELD = {
    "recipient": "name",
    "phone": "phone",
    "street": "delivery_street",
    "province": "delivery_province",
    "commune": "delivery_commune",
}


class DeliveryChoiceMixin(forms.Form):
    result_delivery = forms.ChoiceField(
        label=_lazy("Hình thức nhận kết quả"),
        choices=ResultDelivery.choices,
        initial=ResultDelivery.DESK,
        required=False,  # not sent: at the desk
    )
    delivery_street = forms.CharField(
        label=_lazy("Nhận qua bưu chính: số nhà, đường phố"), max_length=200, required=False
    )
    delivery_province = forms.ChoiceField(
        label=_lazy("Nhận qua bưu chính: tỉnh, thành phố"), required=False
    )
    delivery_commune = forms.CharField(
        label=_lazy("Nhận qua bưu chính: xã, phường, đặc khu"), max_length=120, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_province"].choices = [("", _("— Chọn —"))] + [
            (name, name) for name in eform.province_names()
        ]
        for name in FIELDS:  # after the intake form's own fields
            self.fields[name] = self.fields.pop(name)

    def clean(self):
        data = super().clean()
        if data.get("result_delivery") == ResultDelivery.POST:
            try:
                data["delivery_address"] = clean_address(self.delivery_address_input(data))
            except AddressInvalid as invalid:
                for name, message in invalid.errors.items():
                    if FORM_FIELD[name] not in self.errors:
                        self.add_error(FORM_FIELD[name], message)
        return data

    @staticmethod
    def delivery_address_input(data) -> dict:
        return {name: data.get(field) or "" for name, field in FORM_FIELD.items()}


def keep_choice(request, dossier, data) -> None:
    """Record the choice on the dossier just received (the postage quoted by the post);
    when the post cannot quote now, the dossier keeps "at the desk" and the officer is
    told to change it from the dossier page later."""
    delivery = data.get("result_delivery") or ResultDelivery.DESK
    if delivery == ResultDelivery.DESK:
        return
    try:
        postal_services.choose_delivery(
            dossier,
            delivery=delivery,
            address=DeliveryChoiceMixin.delivery_address_input(data),
            by=request.user,
        )
    except (AddressInvalid, postal_services.PostalError, DossierError) as error:
        messages.warning(
            request,
            _("Chưa lưu được hình thức nhận kết quả: %(reason)s")
            % {"reason": getattr(error, "message", str(error))},
        )
