"""The login backend: Django's ModelBackend, except that loading the user of a request also loads the user's
active memberships (one query instead of two on every page: ``memberships_of`` needs them on nearly every
page, for the menu and every access check)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from apps.accounts.permissions import active_memberships, remember_memberships
from apps.core.ids import parse_id
from apps.core.prepared import Prepared

# the query of every request, compiled once (apps/core/prepared.py)
_memberships_with_user = Prepared(lambda user_id: active_memberships().filter(user_id=user_id).select_related("user"))


class ModelBackend(DjangoModelBackend):
    """Passwords and permissions as Django's ``ModelBackend``; ``get_user`` (the user of a session) reads the
    user together with the memberships ``memberships_of`` returns, in one query (a user without active
    memberships: one more query, as before)."""

    def get_user(self, user_id: Any) -> Any:
        pk = parse_id(user_id)
        if pk is None:
            return None
        memberships = _memberships_with_user(user_id=pk)
        if not memberships:
            return super().get_user(user_id)
        user = memberships[0].user
        if not self.user_can_authenticate(user):
            return None
        for membership in memberships:
            membership.user = user  # one user object, as memberships_of would leave it
        remember_memberships(user, memberships)
        return user
