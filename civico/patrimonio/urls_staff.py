from django.urls import path

from civico.patrimonio import views_staff

app_name = "patrimonio_staff"
urlpatterns = [
    path("<slug:ente>/patrimonio/", views_staff.patrimonio, name="patrimonio"),
]
