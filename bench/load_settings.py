"""Settings of the load test (bench/load.py): Padwijzer's own settings plus one unlisted bare view.

Only bench/load.py uses this module (DJANGO_SETTINGS_MODULE=bench.load_settings, with the repository
root on PYTHONPATH); production and the tests never load it, so the bare view exists nowhere else.
"""

from padwijzer.settings import *  # noqa: F403 - the production settings, unchanged but for the urlconf

ROOT_URLCONF = "bench.load_urls"
