from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from core.encryption import EncryptedTextField


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEY. Put the new key first, "
        "keep the old ones after it, run this, then drop the old keys."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for model in apps.get_models():
            fields = [field.name for field in model._meta.get_fields() if isinstance(field, EncryptedTextField)]
            if not fields:
                continue
            count = 0
            # Reading decrypts with whichever key matches; saving encrypts with the first.
            for row in model._default_manager.all().iterator(chunk_size=500):
                row.save(update_fields=fields)
                count += 1
            self.stdout.write(f"{model._meta.label}: {count} row(s) re-encrypted ({', '.join(fields)})")
