"""PostgreSQL: stored tsvector columns instead of expression indexes.

With an index on ``to_tsvector('simple', terms)`` every row the planner touches recomputes the
vector (a backward scan on the id for "newest first" did so for thousands of rows). Generated
columns compute it once, at write time; the GIN indexes move onto them. Nothing changes on SQLite.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS text_doc_terms_gin",
    "DROP INDEX IF EXISTS text_doc_scoped_gin",
    "ALTER TABLE text_searchdocument ADD COLUMN terms_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED",
    "ALTER TABLE text_searchdocument ADD COLUMN scoped_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', scoped_terms)) STORED",
    "CREATE INDEX text_doc_terms_tsv_gin ON text_searchdocument USING gin (terms_tsv)",
    "CREATE INDEX text_doc_scoped_tsv_gin ON text_searchdocument USING gin (scoped_tsv)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS text_doc_scoped_tsv_gin",
    "DROP INDEX IF EXISTS text_doc_terms_tsv_gin",
    "ALTER TABLE text_searchdocument DROP COLUMN IF EXISTS scoped_tsv",
    "ALTER TABLE text_searchdocument DROP COLUMN IF EXISTS terms_tsv",
    "CREATE INDEX text_doc_terms_gin ON text_searchdocument USING gin (to_tsvector('simple', terms))",
    "CREATE INDEX text_doc_scoped_gin ON text_searchdocument USING gin (to_tsvector('simple', scoped_terms))",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("text", "0004_richer_category_keywords")]

    operations = [migrations.RunPython(forward, backward)]
