from django.urls import path

from . import apply_views, delivery, dossier_views, pwa, receipt, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    # Installable on a phone: the manifest, the service worker (root scope), offline page.
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("ngoai-tuyen/", pwa.offline, name="offline"),
    path("favicon.ico", pwa.favicon, name="favicon"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
    path("thu-tuc/<str:code>/nop-ho-so/", apply_views.apply_start, name="apply"),
    path("tim-kiem/", views.search_results, name="search"),
    path("tro-ly/", views.assistant_page, name="assistant"),
    path("tro-ly/api", views.assistant_api, name="assistant_api"),
    path("tro-ly/phan-hoi/<uuid:public_id>/", views.assistant_feedback, name="assistant_feedback"),
    path("tra-cuu/", receipt.lookup, name="lookup"),
    path("bieu-mau/xa-phuong/", apply_views.communes, name="communes"),
    # The citizen's dossiers (each view is limited to the citizen's own).
    path("ho-so/", dossier_views.my_dossiers, name="my_dossiers"),
    path("ho-so/<uuid:public_id>/", dossier_views.dossier_detail, name="dossier"),
    path("ho-so/<uuid:public_id>/khai/", apply_views.apply_form, name="apply_form"),
    path(
        "ho-so/<uuid:public_id>/lay-lai-du-lieu/", apply_views.apply_refresh, name="apply_refresh"
    ),
    path("ho-so/<uuid:public_id>/giay-to/", apply_views.apply_files, name="apply_files"),
    path("ho-so/<uuid:public_id>/giay-to/tai-len/", apply_views.apply_upload, name="apply_upload"),
    path("ho-so/<uuid:public_id>/giay-to/tu-kho/", apply_views.apply_pick, name="apply_pick"),
    path(
        "ho-so/<uuid:public_id>/giay-to/<uuid:attachment_id>/xoa/",
        apply_views.apply_remove,
        name="apply_remove",
    ),
    path("ho-so/<uuid:public_id>/xem-lai/", apply_views.apply_review, name="apply_review"),
    path("ho-so/<uuid:public_id>/nhan-ket-qua/", delivery.apply_delivery, name="apply_delivery"),
    path("ho-so/<uuid:public_id>/nop/", apply_views.apply_submit, name="apply_submit"),
    path("ho-so/<uuid:public_id>/bien-nhan/", receipt.receipt, name="receipt"),
    path("ho-so/<uuid:public_id>/bien-nhan/pdf/", receipt.receipt_pdf, name="receipt_pdf"),
    path(
        "ho-so/<uuid:public_id>/tep/<uuid:attachment_id>/",
        dossier_views.attachment_file,
        name="attachment",
    ),
    path("ho-so/<uuid:public_id>/bo-sung/", dossier_views.supplement, name="supplement"),
    path("ho-so/<uuid:public_id>/rut/", dossier_views.withdraw, name="withdraw"),
    path("ho-so/<uuid:public_id>/dung-giai-quyet/", dossier_views.stop, name="stop"),
    path("ho-so/<uuid:public_id>/danh-gia/", dossier_views.rate, name="rate"),
]
