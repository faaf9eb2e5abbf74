from django.contrib import admin
from django.urls import include, path

from civico.portale import views as portale

urlpatterns = [
    path("healthz", portale.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("civico.portale.urls")),
]
