"""Views of the duty ledger pages (placeholder: being built)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def ledger_home(request):
    return render(request, "web/duties/home.html", {"here": "duties"})
