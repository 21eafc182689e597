"""Django's Vietnamese formats, with thousands grouped: Django's own leave
NUMBER_GROUPING at 0, so `intcomma` wrote 200001 where Vietnamese write 200.001."""

from django.conf.locale.vi.formats import *  # noqa: F403

NUMBER_GROUPING = 3
