"""Login hooks: start the idle clock and forget a previous second-factor state."""

from __future__ import annotations

import time
from typing import Any

from apps.accounts.middleware import LAST_SEEN_KEY
from apps.accounts.second_factor import SESSION_KEY, second_factor_state


def start_session_clock(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """On every login: the idle clock starts now and the second-factor state is computed afresh (2-3 queries
    here, so that pages do not pay for it)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session[LAST_SEEN_KEY] = int(time.time())
    session[SESSION_KEY] = str(second_factor_state(user))
