"""Tỉnh Số — an open-source Intelligent Operations Center for a Vietnamese province."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tinhso")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
