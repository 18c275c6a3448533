from django.urls import path

from web.accidents import views as v

urlpatterns = [
    path("accidents/", v.accident_list, name="accident_list"),
    path("accidents/new/", v.accident_new, name="accident_new"),
    path("accidents/<id:pk>/", v.accident_detail, name="accident_detail"),
]
