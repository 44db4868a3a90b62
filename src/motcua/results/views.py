"""Public verification of signed results: by uploading a file, or from the QR code."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from motcua.accounts.ratelimit import rate_limited

from . import selectors
from .forms import VerifyForm
from .verify import verify_pdf, verify_stored


@never_cache
@rate_limited("results-verify")
def verify(request):
    """Anyone may check whether a PDF is an unchanged result issued on the platform."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    verdict = details = None
    if request.method == "POST" and form.is_valid():
        verdict = verify_pdf(form.cleaned_data["file"])
        if verdict.document is not None:
            details = selectors.public_details(verdict.document)
    return render(
        request,
        "results/verify.html",
        {"form": form, "verdict": verdict, "details": details},
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


@never_cache
@rate_limited("results-verify")
def verify_token(request, token):
    """The QR code's page: the result's public details (never the document itself), the
    state of the stored record, and a form to check a file against this very result."""
    document = selectors.document_by_token(token)
    if document is None:
        return render(request, "results/not_found.html", status=404)
    form = VerifyForm(request.POST or None, request.FILES or None)
    verdict = None
    if request.method == "POST" and form.is_valid():
        verdict = verify_pdf(form.cleaned_data["file"], expected=document)
    return render(
        request,
        "results/verify_token.html",
        {
            "form": form,
            "verdict": verdict,
            "details": selectors.public_details(document),
            "record": verify_stored(document),
        },
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )
