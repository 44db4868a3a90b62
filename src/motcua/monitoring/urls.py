from django.urls import path

from . import crosscheck_views, plan_views, views

app_name = "monitoring"
urlpatterns = [
    path("", views.overview_view, name="overview"),
    path("xep-hang/", views.ranking_view, name="ranking"),
    path("ho-so/", views.dossiers_view, name="dossiers"),
    path("thu-tuc/", views.procedures_view, name="procedures"),
    path("chi-tieu/", plan_views.targets_view, name="targets"),
    path("ke-hoach/", plan_views.plans_view, name="plans"),
    path("ke-hoach/lap/", plan_views.plan_edit_view, name="plan_edit"),
    path("ke-hoach/<int:pk>/", plan_views.plan_view, name="plan"),
    path("bao-cao/", views.report_pdf_view, name="report_pdf"),
    path("doi-chieu/", crosscheck_views.crosscheck_view, name="crosscheck"),
    path("cong-khai/", views.public_view, name="public"),
    path("cong-khai/thu-tuc/", views.public_procedures_view, name="public_procedures"),
]
