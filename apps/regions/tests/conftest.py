from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """These tests read the English wording of errors; the Dutch catalogue is tested in core."""
    with translation.override("en"):
        yield
