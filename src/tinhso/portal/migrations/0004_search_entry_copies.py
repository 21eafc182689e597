"""The search entries carry the dataset's access, owner and licence, so that a search
reads their table alone. The entries are an index: the old ones are removed, and the next
search builds them again (portal.index.refresh)."""

from django.db import migrations, models


def forget_entries(apps, schema_editor):
    apps.get_model("portal", "SearchEntry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_reuse_datarequest"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="access",
            field=models.CharField(default="", max_length=10),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="licence",
            field=models.CharField(default="", max_length=40),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="owner_pk",
            field=models.IntegerField(default=0),
        ),
        migrations.RunPython(forget_entries, migrations.RunPython.noop),
    ]
