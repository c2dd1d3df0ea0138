"""PostgreSQL backend that creates databases with a UTF-8 character type.

Under ``LC_CTYPE=C`` pg_trgm treats every Chinese character as a non-word character and drops
it, so Chinese text search and duplicate detection would silently find nothing.
"""

from django.db.backends.postgresql import base, creation


class DatabaseCreation(creation.DatabaseCreation):
    def sql_table_creation_suffix(self) -> str:
        suffix: str = super().sql_table_creation_suffix()
        return f"{suffix} LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
