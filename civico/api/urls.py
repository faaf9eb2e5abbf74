from django.urls import path, re_path

from civico.api import views
from civico.api.v1 import api

# No app_name: ninja reverses its own top-level namespace "api-v1" (e.g. "api-v1:openapi-json").
urlpatterns = [
    path("integrare/", views.integrare, name="api-integrare"),
    path("v1/", views.con_405_json(api.urls)),
    # Anything else under v1/ is a JSON 404 too, not the site's HTML page.
    re_path(r"^v1/", views.non_trovato),
]
