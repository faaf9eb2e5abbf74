"""django-axes' record of failed sign-ins, locking by account OR by address.

`AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]` counts failures per account from any
address and per address for any account. Axes' stock reset on success would delete every
failure matching either, so one successful sign-in from an address (a citizen's e-mailed link
counts) would wipe that address's failures on everybody else's accounts. Here a success forgives
only the failures of the account that signed in.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.http import HttpRequest


class GestoreTentativi(AxesDatabaseHandler):
    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        cancellati, _ = AccessAttempt.objects.filter(username=username).delete()
        return cancellati
