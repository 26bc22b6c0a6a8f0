"""Full-text structures for SearchDocument, by database vendor.

SQLite: an FTS5 table over ``terms`` and ``scoped_terms`` with SearchDocument as external content
(the services write it), and an fts5vocab table that gives per-term document counts.
PostgreSQL: GIN indexes on ``to_tsvector('simple', …)`` of the same two columns.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE text_fts USING fts5("
    "terms, scoped_terms, content='text_searchdocument', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0', detail='none')",
    "CREATE VIRTUAL TABLE text_fts_vocab USING fts5vocab(text_fts, 'row')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS text_fts_vocab", "DROP TABLE IF EXISTS text_fts"]

POSTGRES_FORWARD = [
    "CREATE INDEX text_doc_terms_gin ON text_searchdocument USING gin (to_tsvector('simple', terms))",
    "CREATE INDEX text_doc_scoped_gin ON text_searchdocument USING gin (to_tsvector('simple', scoped_terms))",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS text_doc_scoped_gin", "DROP INDEX IF EXISTS text_doc_terms_gin"]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("text", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
