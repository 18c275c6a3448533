"""Views of the Chapter 4–5 pages (placeholder: being built)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def assessment_home(request):
    return render(request, "web/chapter4/home.html", {"here": "assessment"})
