from django.urls import path

from . import (
    apologies,
    assessment,
    digitisation,
    fees,
    home,
    intake,
    pakn,
    postal_handover,
    result_preview,
    views,
)
from .paperwork import views as paperwork

app_name = "backoffice"
urlpatterns = [
    path("", home.landing, name="queue"),
    path("tiep-nhan-ho/", home.received_for_others, name="received_for_others"),
    path("ho-so/<uuid:public_id>/", views.dossier_detail, name="dossier"),
    path("tiep-nhan/", intake.intake, name="intake"),
    path("ho-so/<uuid:public_id>/bien-nhan/", intake.receipt, name="receipt"),
    path("ho-so/<uuid:public_id>/thao-tac/<slug:action>/", views.act, name="act"),
    path("ho-so/<uuid:public_id>/xin-loi/", apologies.draft, name="apology_draft"),
    path("ho-so/<uuid:public_id>/xin-loi/<int:pk>/duyet/", apologies.decide, name="apology_decide"),
    path(
        "ho-so/<uuid:public_id>/xin-loi/<int:pk>/in/", apologies.print_letter, name="apology_print"
    ),
    path("ho-so/<uuid:public_id>/tham-dinh/", assessment.record_decision, name="record_decision"),
    path(
        "ho-so/<uuid:public_id>/xem-truoc-ket-qua/", result_preview.preview, name="result_preview"
    ),
    path(
        "ho-so/<uuid:public_id>/xem-truoc-ket-qua/pdf/",
        result_preview.preview_pdf,
        name="result_preview_pdf",
    ),
    path("tep/<uuid:public_id>/", views.attachment, name="attachment"),
    path(
        "ho-so/<uuid:public_id>/tep/<uuid:attachment_id>/so-hoa/",
        digitisation.mark_digitised,
        name="mark_digitised",
    ),
    path("ho-so/<uuid:public_id>/thu-phi/", fees.collect_fee, name="collect_fee"),
    path("ho-so/<uuid:public_id>/hoan-tien/", fees.refund_at_desk, name="refund_at_desk"),
    path("bien-lai/<uuid:public_id>/", fees.payment_receipt, name="payment_receipt"),
    # Phản ánh, kiến nghị (PAKN): backoffice/pakn.py.
    path("phan-anh-kien-nghi/", pakn.queue, name="pakn_queue"),
    path("phan-anh-kien-nghi/so-lieu/", pakn.figures, name="pakn_figures"),
    path("phan-anh-kien-nghi/tep/<uuid:public_id>/", pakn.attachment, name="pakn_file"),
    path("phan-anh-kien-nghi/<uuid:public_id>/", pakn.detail, name="pakn"),
    path("phan-anh-kien-nghi/<uuid:public_id>/tra-loi/", pakn.answer, name="pakn_answer"),
    path("phan-anh-kien-nghi/<uuid:public_id>/cong-khai/", pakn.publish, name="pakn_publish"),
    path("phan-anh-kien-nghi/<uuid:public_id>/chuyen/", pakn.reassign, name="pakn_reassign"),
    # The official forms of Circular 03/2025/TT-VPCP, Appendix I (docs/FORMS.md).
    path(
        "ho-so/<uuid:public_id>/bieu-mau/<slug:form_number>.pdf",
        paperwork.form_pdf,
        name="paperwork_form",
    ),
    path("so-theo-doi/", paperwork.register_page, name="register"),
    path("ho-so/<uuid:public_id>/buu-chinh/", postal_handover.send_by_post, name="send_by_post"),
]
