"""Pages of the warehouse: the catalogue anyone can browse (what they may read), a
dataset's page with preview, chart, schema, versions and downloads, and the data stewards'
screens — their agency's datasets, metadata, the schema editor, upload with progress, and
each version's validation report."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tinhso.agencies.models import Agency
from tinhso.core.access import AccessDenied
from tinhso.core.actors import actor_from_request
from tinhso.core.text import fold
from tinhso.units import province as home_province
from tinhso.warehouse import access, actions, changes, charts, exports, quality
from tinhso.warehouse import schema as tableschema
from tinhso.warehouse.forms import DatasetForm, UploadForm
from tinhso.warehouse.models import Dataset, IngestJob, Theme, VersionStatus, attach_current

REPORT_ROWS = 200


def catalogue(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    datasets = access.readable_datasets(actor).order_by("-importance", "title")
    q = (request.GET.get("q") or "").strip()
    theme = request.GET.get("theme") or ""
    owner = request.GET.get("agency") or ""
    found = list(datasets)
    if q:
        key = fold(q)
        found = [d for d in found if key in fold(f"{d.title} {d.description} {' '.join(d.tags)}")]
    if theme:
        found = [d for d in found if theme in d.themes]
    if owner:
        found = [d for d in found if d.owner.code == owner]
    page = Paginator(found, 30).get_page(request.GET.get("page"))
    for dataset in attach_current(list(page)):
        dataset.quality = quality.assess(dataset)
    return render(
        request,
        "warehouse/catalogue.html",
        {
            "page": page,
            "q": q,
            "theme": theme,
            "agency": owner,
            "themes": Theme.choices,
            "agencies": Agency.objects.filter(datasets__isnull=False).distinct().order_by("name"),
            "can_create": access.can_create(actor),
        },
    )


def mine(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    access.require_steward(actor)
    datasets = access.stewarded_datasets(actor).prefetch_related("versions")
    rows = []
    for dataset in datasets:
        versions = list(dataset.versions.all())
        current = next((v for v in versions if v.status == VersionStatus.ACCEPTED), None)
        rows.append(
            {
                "dataset": dataset,
                "current": current,
                "last": versions[0] if versions else None,
                "quality": quality.assess(dataset, current),
            }
        )
    jobs = IngestJob.objects.filter(dataset__in=datasets).select_related("dataset", "version")[:10]
    return render(request, "warehouse/mine.html", {"rows": rows, "jobs": jobs})


def create(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    access.require_steward(actor)
    owners = access.owners_for(actor)
    form = DatasetForm(
        request.POST or None,
        owners=owners,
        province_code=home_province.code(),
        initial={"owner": owners.first()},
    )
    if request.method == "POST" and form.is_valid():
        dataset = actions.create_dataset(actor, **form.cleaned_data)
        messages.success(request, _("Dataset created. Upload its first file."))
        return redirect("warehouse_upload", dataset.slug)
    return render(request, "warehouse/dataset_form.html", {"form": form, "dataset": None})


def _dataset_to_write(request: HttpRequest, slug: str):
    actor = actor_from_request(request)
    return actor, access.dataset_for_writer(actor, slug)


def edit(request: HttpRequest, slug: str) -> HttpResponse:
    actor, dataset = _dataset_to_write(request, slug)
    form = DatasetForm(request.POST or None, instance=dataset, province_code=home_province.code())
    if request.method == "POST" and form.is_valid():
        # A fresh copy: validating the form already wrote its values onto `dataset`,
        # and the audit entry needs the state before.
        actions.update_metadata(actor, Dataset.objects.get(pk=dataset.pk), **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("warehouse_dataset", dataset.slug)
    return render(request, "warehouse/dataset_form.html", {"form": form, "dataset": dataset})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = actor_from_request(request)
    dataset = access.dataset_for_reader(actor, slug)
    can_write = access.can_write(actor, dataset)
    versions = access.versions_for_reader(actor, dataset)
    current = dataset.current
    return render(
        request,
        "warehouse/detail.html",
        {
            "dataset": dataset,
            "versions": versions[:30],
            "quality": quality.assess(dataset, current),
            "can_write": can_write,
            "type_labels": tableschema.TYPE_LABELS,
            **explore_context(dataset, current),
        },
    )


def explore_context(dataset: Dataset, current) -> dict:
    """What `warehouse/_explore.html` (the preview, quick chart and map) and
    `_explore_scripts.html` need: shared with the open data portal's dataset page."""
    fields = tableschema.documented(current.schema, dataset.table_schema) if current else []
    return {
        "current": current,
        "fields": fields,
        # The preview's headers: the schema's titles, the column name on hover.
        "column_titles": {f["name"]: f["title"] for f in fields if f.get("title")},
        "primary_key": (
            tableschema.as_table_schema(current.schema).get("primaryKey", []) if current else []
        ),
        "formats": ["csv", "xlsx", "json", "geojson", "parquet"],
        "js_text": {
            "loading": _("Loading…"),
            "rows": _("rows"),
            "exact": _("exactly"),
            "estimated": _("about (estimated)"),
            "shown": _("shown"),
            "none": _("No row matches."),
            "remove": _("Remove filter"),
            "top": _("The most frequent values of"),
            "more": _("(more values not shown)"),
            "timed_out": _("Counting took too long; add a filter and try again."),
            "error": _("Could not load"),
            "chart_rows": _("rows within the filters"),
            "chart_empty": _("without a value"),
            "chart_other": _("other values"),
            "chart_blank": _("(empty)"),
            "chart_nothing": _("Nothing to draw: no row within the filters has a value here."),
            "chart_count": _("Number of rows"),
            "chart_gridded": _(
                "Too many points to show one by one: each circle gathers nearby rows."
            ),
            "chart_points": _("points"),
        },
        "has_geo": exports.has_geometry([f["name"] for f in fields]),
        **_chart_choices(fields),
    }


def _chart_choices(fields: list[dict]) -> dict:
    """The quick chart's selects: each column with the chart it gets, the map when the
    rows have a place, and the number columns a chart may sum (not coordinates)."""
    kinds = {
        "histogram": _("distribution"),
        "counts": _("count per value"),
        "timeseries": _("over time"),
        "map": _("map"),
    }
    titles = {f["name"]: f.get("title") or f["name"] for f in fields}
    types = {f["name"]: f["type"] for f in fields}
    place = charts.place_of(types)
    columns = [
        {"name": name, "title": titles[name], "kind": kind, "kind_label": kinds[kind]}
        for name, kind in ((n, charts.kind_for(t)) for n, t in types.items())
        if kind != "map"
    ]
    return {
        "chart_columns": columns,
        "chart_place": ", ".join(titles[n] for n in place),
        "chart_numbers": [
            {"name": n, "title": titles[n]}
            for n, t in types.items()
            if t in charts.NUMBERS and n not in place
        ],
        "province_code": home_province.code(),
    }


def _schema_from_post(post, names: list[str]) -> dict:
    fields = []
    for index, name in enumerate(names):
        prefix = f"f{index}-"
        constraints = {
            "required": post.get(prefix + "required") == "on",
            "unique": post.get(prefix + "unique") == "on",
        }
        for key in ("minimum", "maximum", "minLength", "maxLength", "pattern"):
            value = (post.get(prefix + key) or "").strip()
            if value:
                constraints[key] = value
        fields.append(
            {
                "name": name,
                "type": post.get(prefix + "type") or "string",
                "title": (post.get(prefix + "title") or "").strip(),
                "description": (post.get(prefix + "description") or "").strip(),
                "constraints": constraints,
            }
        )
    key = [k for k in post.getlist("primary_key") if k in names]
    return {"fields": fields, "primaryKey": key}


def schema_edit(request: HttpRequest, slug: str) -> HttpResponse:
    actor, dataset = _dataset_to_write(request, slug)
    current = dataset.current
    schema = dataset.table_schema or (
        current.schema if current is not None and isinstance(current.schema, dict) else {}
    )
    error = None
    if request.method == "POST":
        if request.POST.get("reset"):
            actions.set_schema(actor, dataset, None)
            messages.success(request, _("The next version's schema will be inferred again."))
            return redirect("warehouse_dataset", dataset.slug)
        names = [f["name"] for f in schema.get("fields", [])]
        proposed = _schema_from_post(request.POST, names)
        try:
            actions.set_schema(actor, dataset, proposed)
        except ValueError as exc:
            error, schema = str(exc), proposed
        else:
            messages.success(
                request, _("Schema saved: the next version uploaded is checked against it.")
            )
            return redirect("warehouse_dataset", dataset.slug)
    return render(
        request,
        "warehouse/schema_form.html",
        {
            "dataset": dataset,
            "fields": schema.get("fields", []),
            "primary_key": schema.get("primaryKey", []),
            "types": [(t, tableschema.TYPE_LABELS[t]) for t in tableschema.TYPES],
            "error": error,
            "stewarded": bool(dataset.table_schema),
        },
    )


def upload(request: HttpRequest, slug: str) -> HttpResponse:
    actor, dataset = _dataset_to_write(request, slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if request.method == "POST":
        if form.is_valid():
            job = actions.stage_upload(
                actor,
                dataset,
                form.cleaned_data["file"],
                append=form.cleaned_data["append"],
                sheet=form.cleaned_data["sheet"],
                accept_schema_change=form.cleaned_data["accept_schema_change"],
                encoding=form.cleaned_data["encoding"],
            )
            url = reverse("warehouse_job", args=[dataset.slug, job.pk])
            if wants_json:
                return JsonResponse({"job": job.pk, "url": url}, status=202)
            return redirect(url)
        if wants_json:
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    return render(request, "warehouse/upload.html", {"dataset": dataset, "form": form})


def job(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    actor, dataset = _dataset_to_write(request, slug)
    found = get_object_or_404(
        IngestJob.objects.select_related("version"), pk=job_id, dataset=dataset
    )
    version_url = (
        reverse("warehouse_version", args=[dataset.slug, found.version.number])
        if found.version
        else ""
    )
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": found.status,
                "status_label": found.get_status_display(),
                "progress": found.progress,
                "message": found.message,
                "version_url": version_url,
            }
        )
    return render(
        request,
        "warehouse/job.html",
        {"dataset": dataset, "job": found, "version_url": version_url},
    )


def version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    actor = actor_from_request(request)
    dataset = access.dataset_for_reader(actor, slug)
    found = get_object_or_404(dataset.versions, number=number)
    if found.status == VersionStatus.REJECTED and not access.can_write(actor, dataset):
        raise AccessDenied(_("Only the owner agency's data stewards see rejected files."))
    diff = None
    if found.status == VersionStatus.ACCEPTED:
        diff = changes.between(actor, slug, number, sample=20)
    report = found.report or {}
    return render(
        request,
        "warehouse/version.html",
        {
            "dataset": dataset,
            "version": found,
            "errors": (report.get("errors") or [])[:REPORT_ROWS],
            "error_count": (report.get("stats") or {}).get(
                "errors", len(report.get("errors") or [])
            ),
            "warnings": report.get("warnings") or [],
            "diff": diff,
            "diff_samples": [
                (_("Some rows added"), (diff or {}).get("added_rows")),
                (_("Some rows removed"), (diff or {}).get("removed_rows")),
            ],
            "report_rows": REPORT_ROWS,
        },
    )
