"""The person's data store pages: list, upload, download, delete. Thin: services do the work."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.accounts.citizen import citizen_required
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.files import max_upload_bytes
from motcua.lib.downloads import file_response

from . import conf, selectors, services
from .forms import UploadForm
from .models import Document


def _own_document(request, public_id) -> Document:
    try:
        return selectors.document_of(request.user, public_id)
    except Document.DoesNotExist:
        raise Http404 from None


@citizen_required
def home(request):
    """The person's documents, newest first, optionally only uploads or only results."""
    kind = request.GET.get("loai", "")
    if kind not in Document.Kind.values:
        kind = ""
    documents = selectors.documents_of(request.user, kind or None).select_related(
        "source_attachment__dossier__procedure_version"
    )
    page = Paginator(documents, conf.page_size()).get_page(request.GET.get("trang"))
    page.object_list = list(page.object_list)
    for document in page.object_list:
        document.rows = selectors.data_rows(document)
    return render(
        request,
        "datastore/home.html",
        {
            "page": page,
            "kind": kind,
            "kinds": Document.Kind.choices,
            "used": selectors.used_bytes(request.user),
            "quota": conf.quota_bytes(),
        },
    )


@citizen_required
@require_http_methods(["GET", "POST"])
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.save_upload(
                request.user, form.cleaned_data["file"], name=form.cleaned_data["name"]
            )
        except DossierError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(
                request, _("Đã lưu “%(name)s” vào kho dữ liệu.") % {"name": document.name}
            )
            return redirect("datastore:home")
    return render(
        request,
        "datastore/upload.html",
        {"form": form, "limit": max_upload_bytes()},
        status=400 if form.errors else 200,
    )


@citizen_required
@never_cache
def download(request, public_id):
    """The file, to the owner only (anyone else gets 404); ``?xem=1`` opens a signed
    result in the browser, anything else is always a download."""
    document = _own_document(request, public_id)
    return file_response(
        document.file.open("rb"),
        inline=bool(request.GET.get("xem")) and document.opens_inline,
        filename=document.download_name,
        content_type=document.content_type,
    )


@citizen_required
@require_http_methods(["GET", "POST"])
def delete(request, public_id):
    """Ask for confirmation, then delete one of the person's own uploads."""
    document = _own_document(request, public_id)
    if request.method == "POST":
        try:
            services.delete_document(request.user, document)
        except DossierError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Đã xóa “%(name)s” khỏi kho dữ liệu.") % {"name": document.name}
            )
        return redirect("datastore:home")
    return render(request, "datastore/delete.html", {"document": document})
