"""`tinhso demo [--province CODE]`: build the demo province (idempotent)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tinhso.agencies.demo import demo_password
from tinhso.core.actors import Actor
from tinhso.site.demo import DEMO_STEPS, province_file, step
from tinhso.units.loader import load_units
from tinhso.units.models import Province


class Command(BaseCommand):
    help = "Build the demo province: units, agencies, demo accounts (marked as demo)."

    def add_arguments(self, parser):
        parser.add_argument("--province", help="Statistics-office code, e.g. 80 (Tây Ninh)")

    def handle(self, *args, province=None, **options):
        actor = Actor.system("tinhso demo")
        load_units(actor)
        code = (province or settings.TINHSO_PROVINCE).zfill(2)
        target = Province.objects.filter(code=code).first()
        if target is None:
            codes = ", ".join(Province.objects.values_list("code", flat=True))
            raise CommandError(
                f"Không có tỉnh mã {code} / no province with code {code}. "
                f"Mã hợp lệ / valid codes: {codes}"
            )
        if province and code != settings.TINHSO_PROVINCE:
            province_file().write_text(code)
        self.stdout.write(f"Tỉnh demo / demo province: {target.name} ({target.code})")
        for path in DEMO_STEPS:
            with transaction.atomic():
                step(path)(actor, target, self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                "Tài khoản demo / demo accounts (mật khẩu / password: "
                f"{demo_password()}):\n  demo.admin (quản trị / administrator), demo.operator, "
                "demo.supervisor, demo.leader, demo.handler, demo.commune, demo.steward"
            )
        )
