from django.urls import path

from web.lists import views as v

urlpatterns = [
    path("views/save/", v.list_view_save, name="list_view_save"),
    path("views/<id:pk>/delete/", v.list_view_delete, name="list_view_delete"),
]
