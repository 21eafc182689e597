"""The map layers of a sector's page: the sector's sensors and the warehouse datasets of
its themes that have a place (a geometry column or longitude/latitude columns; VN-2000
coordinates were converted to WGS 84 when the dataset was ingested).

Each layer is drawn in the browser from an API the platform already has — the sensors'
stations with their latest values, a dataset's quick-chart map (gridded above 2,000
points) — so the same access rules apply: a layer of a dataset the viewer may not read
is not offered, and its API would refuse it anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from tinhso.core.actors import Actor

# sector → (sensor kinds, DCAT themes of its datasets)
SECTOR_LAYERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "public-services": ((), ("GOVE",)),
    "health": ((), ("HEAL",)),
    "education": ((), ("EDUC",)),
    "environment": (("air_quality", "water_level", "rainfall", "noise"), ("ENVI",)),
    "traffic": (("traffic_flow",), ("TRAN",)),
    "public-order": ((), ("JUST",)),
    "digital": ((), ("TECH",)),
}
MOST_DATASETS = 8


@dataclass(frozen=True)
class Layer:
    kind: str  # "sensors" or "dataset"
    name: str
    url: str  # where the browser reads the points
    page: str = ""  # where the layer's rows are read

    def as_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "url": self.url, "page": self.page}


def for_sector(actor: Actor, sector: str) -> list[Layer]:
    from django.db.models import OuterRef, Subquery

    from tinhso.sensors.models import DeviceKind
    from tinhso.warehouse.access import readable_datasets
    from tinhso.warehouse.charts import has_place
    from tinhso.warehouse.models import DatasetVersion, VersionStatus

    kinds, themes = SECTOR_LAYERS.get(sector, ((), ()))
    layers = [
        Layer(
            "sensors",
            str(DeviceKind(kind).label),
            reverse("api:devices") + f"?kind={kind}",
        )
        for kind in kinds
    ]
    if not themes:
        return layers
    # the current version's schema read with the datasets: one query, however many
    newest = DatasetVersion.objects.filter(
        dataset=OuterRef("pk"), status=VersionStatus.ACCEPTED
    ).order_by("-number")
    datasets = readable_datasets(actor).annotate(schema=Subquery(newest.values("schema")[:1]))
    chosen = []
    for dataset in datasets.order_by("title"):
        if not set(dataset.themes or ()) & set(themes):
            continue
        if dataset.schema is None or not has_place(dataset.schema):
            continue
        chosen.append(dataset)
        if len(chosen) == MOST_DATASETS:
            break
    layers += [
        Layer(
            "dataset",
            d.title,
            reverse("api:dataset_chart", args=[d.slug]) + "?_kind=map",
            reverse("warehouse_dataset", args=[d.slug]),
        )
        for d in chosen
    ]
    return layers
