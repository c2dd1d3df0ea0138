from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm serves `icontains` searches and similarity for duplicate detection."""

    dependencies = [("core", "0001_initial")]
    operations = [TrigramExtension()]
