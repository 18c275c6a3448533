from django.urls import path

from web.cadres import views as v

urlpatterns = [
    path("cadres/", v.cadre_list, name="cadre_list"),
    path("cadres/<id:pk>/", v.cadre_record_view, name="cadre_record"),
]
