from django.urls import path

from civico.patrimonio import views

app_name = "patrimonio"
urlpatterns = [
    path("patrimonio/<slug:ente>/<slug:tipo>/beni.geojson", views.beni, name="beni"),
]
