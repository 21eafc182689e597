"""`tinhso token create --user NAME [--label TEXT]`, `tinhso token list`,
`tinhso token revoke ID`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tinhso.agencies import actions
from tinhso.agencies.models import ApiToken, User
from tinhso.core.actors import Actor


class Command(BaseCommand):
    help = "Create, list and revoke API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("--user", required=True)
        create.add_argument("--label", default="")
        listing = sub.add_parser("list", help="List tokens (never the tokens themselves).")
        listing.add_argument("--user")
        revoke = sub.add_parser("revoke", help="Revoke a token by id.")
        revoke.add_argument("id", type=int)

    def handle(self, *args, verb, **options):
        actor = Actor.system("tinhso token")
        if verb == "create":
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Không có người dùng “{options['user']}” / no such user.")
            if not user.is_active:
                raise CommandError("Tài khoản đã bị khóa / the account is inactive.")
            token, raw = actions.create_token(actor, user, label=options["label"])
            self.stderr.write(
                f"Token {token.pk} cho / for {user.username}. Chỉ hiện một lần / shown once:"
            )
            self.stdout.write(raw)
        elif verb == "list":
            tokens = ApiToken.objects.select_related("user")
            if options.get("user"):
                tokens = tokens.filter(user__username=options["user"])
            for t in tokens:
                state = "revoked" if t.revoked_at else ("active" if t.is_usable else "expired")
                last = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "-"
                self.stdout.write(
                    f"{t.pk}\t{t.prefix}…\t{t.user.username}\t{state}\t{last}\t{t.label}"
                )
        else:
            found = ApiToken.objects.filter(pk=options["id"]).first()
            if found is None:
                raise CommandError(f"Không có token {options['id']} / no such token.")
            actions.revoke_token(actor, found)
            self.stdout.write(f"Đã thu hồi / revoked {found.prefix}…")
