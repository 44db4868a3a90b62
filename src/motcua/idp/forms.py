"""The provider's sign-in form: personal identification number and password."""

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import validate_personal_id

# The user name a sign-in with an unknown personal identification number is tried under.
UNKNOWN_ACCOUNT_PREFIX = "khong-co-tai-khoan:"


class CitizenLoginForm(forms.Form):
    """Checks a citizen's số định danh cá nhân and password (``LoginView``'s form contract)."""

    personal_id = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=12,
        validators=[validate_personal_id],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "username", "autofocus": True}
        ),
        error_messages={"required": _("Vui lòng nhập số định danh cá nhân (12 chữ số).")},
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Vui lòng nhập mật khẩu.")},
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        personal_id = self.cleaned_data.get("personal_id")
        password = self.cleaned_data.get("password")
        if not personal_id or not password:
            return self.cleaned_data
        user_model = get_user_model()
        username = (
            user_model.objects.filter(personal_id=personal_id)
            .values_list(user_model.USERNAME_FIELD, flat=True)
            .first()
        )
        if username is None:
            # An unknown number goes through the backends too, under a name no account can
            # have (":" is not allowed in user names): the password is hashed all the same
            # and the failure is counted by the lockout, which therefore answers alike for
            # numbers that have an account and numbers that do not.
            username = f"{UNKNOWN_ACCOUNT_PREFIX}{personal_id}"
        # Through the configured backends: is_active, lockout and signals all apply.
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            raise forms.ValidationError(
                _(
                    "Số định danh cá nhân hoặc mật khẩu không đúng. "
                    "Vui lòng kiểm tra lại (mật khẩu phân biệt chữ hoa, chữ thường)."
                ),
                code="invalid_login",
            )
        return self.cleaned_data

    def get_user(self):
        return self.user_cache
