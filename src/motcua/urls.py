from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path

from motcua.portal.preview import form_preview

urlpatterns = [
    # The e-form editor's live preview (portal renderer), before the admin's own URLs.
    path("quan-tri/catalog/procedureversion/form-preview/", form_preview, name="eform_preview"),
    path("quan-tri/", admin.site.urls),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-cua/", include("motcua.backoffice.urls")),
    path("ho-tro-nop-ho-so/", include("motcua.assisted.urls")),
    path("giam-sat/", include("motcua.monitoring.urls")),
    path("cong-dan/", include("motcua.accounts.citizen_urls")),
    path("kho-du-lieu/", include("motcua.datastore.urls")),
    path("phan-anh-kien-nghi/", include("motcua.feedback.urls")),
    path("idp/", include("motcua.idp.urls")),
    path("mo-phong/csdl/", include("motcua.registrysim.urls")),
    path("mo-phong/thanh-toan/", include("motcua.paygate.urls")),
    path("mo-phong/buu-chinh/", include("motcua.postsim.urls")),
    path("buu-chinh/", include("motcua.postal.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("ket-qua/", include("motcua.results.urls")),
    path("api/", include("motcua.api.urls")),
    path("lien-thong/", include("motcua.federation.urls")),
    path("lien-thong/", include("motcua.exchange.urls")),
    path("", include("motcua.ops.urls")),  # /healthz, /readyz, /metrics
    path("", include("motcua.portal.urls")),
]

if settings.MOTCUA_BENCH:
    # The benchmark's floor (bench/bench_http.py): a view that does nothing, behind the
    # same middleware as every page. Absent unless MOTCUA_BENCH=1.
    def _bench_plain(request):
        return HttpResponse("MotCua", content_type="text/plain; charset=utf-8")

    urlpatterns.append(path("bench/plain/", _bench_plain, name="bench_plain"))
# The site's own error pages, in Vietnamese and in its layout (motcua.portal.errors).
handler400 = "motcua.portal.errors.bad_request"
handler403 = "motcua.portal.errors.permission_denied"
handler404 = "motcua.portal.errors.page_not_found"
handler500 = "motcua.portal.errors.server_error"
