"""PostgreSQL: a community's terms move from a GIN-indexed tsvector to a table of postings with
their document counts.

The postings and counts of documents indexed before are written here from ``scoped_terms`` (the
primary key is built after the rows, which is faster than keeping it during the insert); the
``scoped_tsv`` column and its GIN index go. The remaining GIN index (``terms_tsv``, search) takes
new entries at once instead of through a pending list that every search would scan. Nothing
changes on SQLite: FTS5 holds the same postings in document order and counts them.
"""

from django.db import migrations, models

POSTGRES_FORWARD = [
    "SET LOCAL maintenance_work_mem = '256MB'",
    "ALTER TABLE text_posting DROP CONSTRAINT text_posting_pkey",
    "INSERT INTO text_posting (term, document_id) "
    "SELECT DISTINCT t, d.id FROM text_searchdocument d, unnest(string_to_array(d.scoped_terms, ' ')) AS t "
    "WHERE t <> ''",
    "ALTER TABLE text_posting ADD CONSTRAINT text_posting_pkey PRIMARY KEY (term, document_id)",
    "INSERT INTO text_termcount (term, documents) SELECT term, count(*) FROM text_posting GROUP BY term",
    "DROP INDEX IF EXISTS text_doc_scoped_tsv_gin",
    "ALTER TABLE text_searchdocument DROP COLUMN IF EXISTS scoped_tsv",
    "ALTER INDEX text_doc_terms_tsv_gin SET (fastupdate = off)",
]
POSTGRES_BACKWARD = [
    "ALTER INDEX text_doc_terms_tsv_gin RESET (fastupdate)",
    "ALTER TABLE text_searchdocument ADD COLUMN scoped_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', scoped_terms)) STORED",
    "CREATE INDEX text_doc_scoped_tsv_gin ON text_searchdocument USING gin (scoped_tsv)",
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
    dependencies = [
        ("text", "0009_learned_versions"),
    ]

    operations = [
        migrations.CreateModel(
            name="Posting",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "term", "document_id", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("term", models.TextField(verbose_name="词项")),
                ("document_id", models.BigIntegerField(verbose_name="文档编号")),
            ],
            options={
                "verbose_name": "社区词项倒排",
                "verbose_name_plural": "社区词项倒排",
            },
        ),
        migrations.CreateModel(
            name="TermCount",
            fields=[
                ("term", models.TextField(primary_key=True, serialize=False, verbose_name="词项")),
                ("documents", models.IntegerField(default=0, verbose_name="文档数")),
            ],
            options={
                "verbose_name": "词项文档数",
                "verbose_name_plural": "词项文档数",
            },
        ),
        migrations.RunPython(forward, backward),
    ]
