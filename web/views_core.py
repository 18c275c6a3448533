"""Dashboard, inbox and queue, case list and case page, transition forms."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def dashboard(request):
    return render(request, "web/dashboard.html", {})
