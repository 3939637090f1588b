"""API token keys were kept in plain text: keep only their first characters and a hash
(coherence.api.authentication.stored_key). Partners' keys keep working; none can be read
back, so this does not reverse."""

import hashlib

from django.db import migrations

SHOWN = 6


def stored_key(key: str) -> str:
    # A copy of coherence.api.authentication.stored_key as it was when this ran.
    digest = hashlib.blake2b(key.encode(), digest_size=17, person=b"coherence-token").hexdigest()
    return key[:SHOWN] + digest


def hash_keys(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    for key in list(Token.objects.values_list("key", flat=True)):
        Token.objects.filter(key=key).update(key=stored_key(key))


class Migration(migrations.Migration):
    dependencies = [
        ("coherence", "0001_initial"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(hash_keys, migrations.RunPython.noop, elidable=False)]
