from django.urls import path

from civico.portale import views

app_name = "portale"
urlpatterns = [
    path("", views.home, name="home"),
]
