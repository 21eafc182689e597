"""The `tinhso` command.

    tinhso run                       migrate, load the demo province, serve web + worker
    tinhso demo [--province CODE]    build the demo province (idempotent)
    tinhso serve                     the web server (gunicorn)
    tinhso worker                    the background task worker
    tinhso token create --user NAME [--label TEXT]
    tinhso units load | convert FILE.csv … | locate LAT LON
    tinhso text train | evaluate | predict …   the text classifier on a labelled CSV
    tinhso data ingest FILE --dataset SLUG … | query "SQL"   the shared data warehouse
    tinhso sensors listen [--workers N] | simulate [--speed 60]   sensor readings over MQTT
    tinhso ioc report --scope leader|SECTOR --period week|month [--date D]   a report as PDF + XLSX
    tinhso dti score --framework 922 --csv FILE [--json]   score and rank provinces
    tinhso dti import-results --year YEAR FILE [--units old|new]   the published national results
    tinhso dti export-framework --framework CODE --out F.xlsx | import-framework F.xlsx
    tinhso roadmap import FILE.xlsx --plan NAME   a plan's tasks from a spreadsheet
    tinhso manage …                  any Django management command

Every sub-command is a Django management command, so `tinhso manage demo` and
`tinhso demo` are the same thing.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    from django.core.management import execute_from_command_line

    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    if args[0] == "manage":
        args = args[1:] or ["help"]
    execute_from_command_line(["tinhso", *args])


if __name__ == "__main__":
    main()
