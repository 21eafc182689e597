from django.apps import AppConfig


class TextEngineConfig(AppConfig):
    name = "tinhso.textengine"
    label = "textengine"
    verbose_name = "Vietnamese text engine"
