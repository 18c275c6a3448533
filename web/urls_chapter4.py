"""Pages of Chapters 4–5: annual assessment, patrols, interviews (约谈), publication, rewards."""

from django.urls import path

from web import views_chapter4 as v

urlpatterns = [
    path("assessment/", v.assessment_home, name="assessment"),
]
