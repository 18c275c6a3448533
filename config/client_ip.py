"""The client's address for django-axes (``AXES_CLIENT_IP_CALLABLE``).

With ``ZEREN_PROXY_COUNT=0`` (the default, no proxy) it is ``REMOTE_ADDR``: a client-sent
``X-Forwarded-For`` is ignored, so nobody can pick the address their failures are counted under.
With ``ZEREN_PROXY_COUNT=N`` behind N proxies that each append the address they saw
(nginx's ``$proxy_add_x_forwarded_for``), the client is the N-th address from the right of
``X-Forwarded-For``: the entries left of it were written by the client and are not trusted.
A request without enough entries (one that bypassed the proxy) falls back to ``REMOTE_ADDR``.

django-axes would do this through django-ipware, which is not installed; without it axes reads
``REMOTE_ADDR`` only and ignores its ``AXES_IPWARE_*`` settings, so behind nginx every failure
was counted under the proxy's address and the username-and-address lockout became per username.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = int(getattr(settings, "ZEREN_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return _address(forwarded[-proxies]) or remote
