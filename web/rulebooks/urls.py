"""Pages of the rulebooks (issue 13): the rulebooks loaded, one rulebook with what it inherits,
and the diff between two versions. Every name starts with ``rulebook`` so the navigation marks
the section."""

from django.urls import path

from web.rulebooks import views as v

urlpatterns = [
    path("rulebooks/", v.rulebook_list, name="rulebooks"),
    path("rulebooks/<slug:code>/", v.rulebook_detail, name="rulebook_detail"),
    path("rulebooks/<slug:code>/versions/<id:number>/", v.rulebook_detail, name="rulebook_version"),
    path("rulebooks/<slug:code>/diff/", v.rulebook_diff, name="rulebook_diff"),
]
