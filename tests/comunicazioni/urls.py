"""The project's URLs with this app's mounted, as civico/urls.py will have them."""

from django.urls import include, path

from civico.urls import urlpatterns as progetto

urlpatterns = [path("", include("civico.comunicazioni.urls")), *progetto]
