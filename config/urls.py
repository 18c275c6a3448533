from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

# Zeren's own error pages in the officer's language (issue 16); 400 and 500 keep Django's handlers
# with the self-contained templates/400.html and templates/500.html.
handler403 = "web.errors.permission_denied"
handler404 = "web.errors.page_not_found"

admin.site.site_header = "责任追究 Zeren"
admin.site.site_title = "Zeren"
admin.site.index_title = "管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("web.urls")),
]
