from django.urls import path

from fitclaim.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
