"""Sensors: the registry of devices, their observations (MQTT and HTTP, FIWARE Smart Data
Models), hourly and daily roll-ups, and the air-quality index (VN_AQI)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SensorsConfig(AppConfig):
    name = "tinhso.sensors"
    label = "sensors"
    verbose_name = _("Sensors")

    def ready(self) -> None:
        from tinhso.core import schedule

        schedule.every(5, "tinhso.sensors.tasks.roll_up_observations")
        schedule.every(24 * 60, "tinhso.sensors.tasks.purge_observations")
        schedule.every(24 * 60, "tinhso.sensors.tasks.create_partitions")
