import pytest
from django.contrib import admin
from django.contrib.admin.sites import AdminSite
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from motcua.lib.admin import ReadOnlyAdminMixin, ReadOnlyModelAdmin

User = get_user_model()


class DeletableAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    allow_delete = True


class StaffWithout:
    """A staff member holding no permission at all."""

    is_active = is_staff = True
    is_superuser = False

    def has_perm(self, perm, obj=None) -> bool:
        return False


@pytest.fixture
def request_of_superuser():
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    return request


def test_even_a_superuser_may_only_view(request_of_superuser):
    model_admin = ReadOnlyModelAdmin(User, AdminSite())
    assert model_admin.has_view_permission(request_of_superuser)
    assert not model_admin.has_add_permission(request_of_superuser)
    assert not model_admin.has_change_permission(request_of_superuser)
    assert not model_admin.has_delete_permission(request_of_superuser)


def test_deleting_may_be_kept_with_its_usual_permission(request_of_superuser):
    model_admin = DeletableAdmin(User, AdminSite())
    assert model_admin.has_delete_permission(request_of_superuser)
    assert not model_admin.has_add_permission(request_of_superuser)
    assert not model_admin.has_change_permission(request_of_superuser)
    request_of_superuser.user = StaffWithout()
    assert not model_admin.has_delete_permission(request_of_superuser)


def test_an_inline_is_read_only_too(request_of_superuser):
    class Inline(ReadOnlyAdminMixin, admin.TabularInline):
        model = User

    inline = Inline(User, AdminSite())
    assert not inline.has_add_permission(request_of_superuser, obj=None)
    assert not inline.has_change_permission(request_of_superuser)
    assert not inline.has_delete_permission(request_of_superuser)
