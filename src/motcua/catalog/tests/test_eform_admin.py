"""Authoring an e-form in the admin: the live preview renders what the portal renders,
export and import round-trip, invalid files are refused, published forms stay fixed."""

from __future__ import annotations

import copy
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.catalog import services
from motcua.catalog.admin import ProcedureVersionForm
from motcua.catalog.models import ProcedureVersion
from motcua.portal.tests.test_eform_v2 import DEFINITION, draft, url, v2_version
from tests.factories import procedure_version

pytestmark = pytest.mark.django_db
__all__ = ["draft", "v2_version"]  # fixtures of the portal's e-form tests

PREVIEW = "/quan-tri/catalog/procedureversion/form-preview/"


def _names_and_labels(html: str) -> tuple[set[str], set[str]]:
    form = html[html.index('class="eform') :]
    names = set(re.findall(r'name="([a-z][a-z0-9_]*)"', form)) - {"csrfmiddlewaretoken", "action"}
    labels = set(re.findall(r"<label for=\"id_[^\"]+\">([^<]+)", form))
    return names, labels


@pytest.fixture
def draft_version():
    published = procedure_version("HT.ADM")
    return services.new_draft_version(published.procedure)


def test_the_preview_renders_what_the_portal_renders(admin_client, citizen, draft):
    answer = admin_client.post(PREVIEW, {"definition": json.dumps(DEFINITION)})
    assert answer.status_code == 200
    preview = answer.content.decode()
    citizen_client = Client()
    citizen_client.force_login(citizen)
    portal = citizen_client.get(url(draft())).content.decode()
    preview_names, preview_labels = _names_and_labels(preview)
    portal_names, portal_labels = _names_and_labels(portal)
    assert preview_names == portal_names
    assert preview_labels == portal_labels
    assert {"mother__full_name", "members__0__full_name", "child_birth"} <= preview_names


def test_the_preview_explains_an_invalid_definition(admin_client):
    answer = admin_client.post(PREVIEW, {"definition": '{"format": "motcua-eform/2",'})
    assert answer.status_code == 400
    assert "Nội dung không phải JSON hợp lệ" in answer.content.decode()
    bad = copy.deepcopy(DEFINITION)
    bad["sections"][0]["fields"][1]["type"] = "khong_co"
    answer = admin_client.post(PREVIEW, {"definition": json.dumps(bad)})
    assert answer.status_code == 400
    assert "Biểu mẫu chưa hợp lệ" in answer.content.decode()


def test_the_preview_is_for_administrators_only(client, citizen):
    client.force_login(citizen)
    answer = client.post(PREVIEW, {"definition": json.dumps(DEFINITION)})
    assert answer.status_code == 403


def test_export_then_import_gives_the_same_definition(admin_client, draft_version):
    services.replace_form(draft_version, DEFINITION)
    base = f"/quan-tri/catalog/procedureversion/{draft_version.pk}"
    exported = admin_client.get(f"{base}/form.json")
    assert exported.status_code == 200
    filename = f"HT.ADM-v{draft_version.number}.form.json"
    assert filename in exported["Content-Disposition"]
    other = services.new_draft_version(draft_version.procedure)
    upload = SimpleUploadedFile(filename, exported.content, content_type="application/json")
    answer = admin_client.post(
        f"/quan-tri/catalog/procedureversion/{other.pk}/form-import/", {"form_file": upload}
    )
    assert answer.status_code == 302
    other.refresh_from_db()
    draft_version.refresh_from_db()
    assert other.form_schema == draft_version.form_schema
    assert other.form_schema["sections"] == DEFINITION["sections"]


def test_an_invalid_file_is_refused_with_messages(admin_client, draft_version):
    before = copy.deepcopy(draft_version.form_schema)
    bad = copy.deepcopy(DEFINITION)
    bad["sections"][1]["fields"][0]["name"] = "Tên Sai"
    upload = SimpleUploadedFile("x.form.json", json.dumps(bad).encode(), "application/json")
    answer = admin_client.post(
        f"/quan-tri/catalog/procedureversion/{draft_version.pk}/form-import/",
        {"form_file": upload},
        follow=True,
    )
    body = answer.content.decode()
    assert "Chưa nhập biểu mẫu: tệp không hợp lệ." in body
    upload = SimpleUploadedFile("x.form.json", b"{khong phai json", "application/json")
    answer = admin_client.post(
        f"/quan-tri/catalog/procedureversion/{draft_version.pk}/form-import/",
        {"form_file": upload},
        follow=True,
    )
    assert "Tệp không phải JSON hợp lệ" in answer.content.decode()
    draft_version.refresh_from_db()
    assert draft_version.form_schema == before


def test_saving_an_invalid_definition_shows_the_errors(draft_version):
    bad = copy.deepcopy(DEFINITION)
    bad["sections"][0]["fields"][1]["type"] = "khong_co"
    form = ProcedureVersionForm({"form_schema": json.dumps(bad)}, instance=draft_version)
    assert not form.is_valid()
    assert form.errors["form_schema"]
    form = ProcedureVersionForm({"form_schema": json.dumps(DEFINITION)}, instance=draft_version)
    assert form.is_valid(), form.errors
    # Shown pretty-printed, Vietnamese as is.
    shown = ProcedureVersionForm(instance=draft_version)["form_schema"].value()
    assert "\n  " in str(shown)


def test_the_change_page_has_the_preview_and_the_export(admin_client, draft_version):
    page = admin_client.get(f"/quan-tri/catalog/procedureversion/{draft_version.pk}/change/")
    body = page.content.decode()
    assert 'id="eform-preview"' in body and PREVIEW in body
    assert "catalog/eform_admin.js" in body and "Tải biểu mẫu (.json)" in body
    assert 'class="eform-json"' in body


def test_a_published_form_cannot_be_changed_through_the_admin(admin_client):
    published = procedure_version("HT.PUB")
    assert published.status == ProcedureVersion.Status.PUBLISHED
    before = copy.deepcopy(published.form_schema)
    base = f"/quan-tri/catalog/procedureversion/{published.pk}"
    page = admin_client.get(f"{base}/change/").content.decode()
    assert "chỉ xem, không sửa được" in page
    assert 'name="form_file"' not in page
    answer = admin_client.post(f"{base}/change/", {"form_schema": json.dumps(DEFINITION)})
    assert answer.status_code == 403
    upload = SimpleUploadedFile("x.form.json", json.dumps(DEFINITION).encode(), "application/json")
    admin_client.post(f"{base}/form-import/", {"form_file": upload})
    with pytest.raises(ValidationError):
        services.replace_form(published, DEFINITION)
    published.refresh_from_db()
    assert published.form_schema == before
