"""The portal's search entry per dataset: the warehouse's metadata folded for search
(docs/decisions/0013). A cache, rebuilt from the warehouse whenever it is stale."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One dataset as package_search reads it: accent-folded text, and the terms of its
    facets between bars (`|educ|envi|`) so a LIKE finds one exactly on any database."""

    dataset = models.OneToOneField(
        "warehouse.Dataset", on_delete=models.CASCADE, related_name="search_entry"
    )
    uuid = models.CharField(max_length=36, unique=True)
    # The dataset's updated_at and current version it was built from: stale when either moves.
    built_from = models.CharField(max_length=80)
    text = models.TextField()  # title, description, tags, themes, columns: folded
    title = models.CharField(max_length=200)  # folded, for the score
    title_sort = models.CharField(max_length=200)  # lower-case, for `title_string asc`
    tags = models.TextField()  # |tag|tag|, as written
    groups = models.CharField(max_length=200)  # |educ|envi|
    formats = models.CharField(max_length=100)  # |csv|xlsx|json|parquet|
    resources = models.TextField()  # |uuid|uuid|: the resource ids of its formats
    modified = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return self.uuid
