"""Index entries of open concerns: marked open, and public ones given their open family of words
(what the residents' lookup of likely-same problems reads)."""

from django.db import migrations

# The open states as they are when this runs (models.OPEN_STATUSES may change later).
OPEN = ("submitted", "screening", "accepted", "assigned_directly", "referred", "converted")
BATCH = 2000


def with_open_family(scoped: str, community_id: int) -> str:
    prefix = f"c{community_id}x"
    words = [t[len(prefix) :] for t in scoped.split(" ") if t.startswith(prefix)]
    return " ".join([scoped, *(f"o{community_id}x{w}" for w in words)]) if words else scoped


def forwards(apps, schema_editor):
    Concern = apps.get_model("concerns", "Concern")
    SearchDocument = apps.get_model("text", "SearchDocument")
    sqlite = schema_editor.connection.vendor == "sqlite"
    open_ids = Concern.objects.filter(status__in=OPEN).values_list("pk", flat=True)
    last = 0
    while True:
        rows = list(
            SearchDocument.objects.filter(kind="concern", pk__gt=last, object_id__in=open_ids).order_by("pk")[:BATCH]
        )
        if not rows:
            break
        changed = []
        for row in rows:
            row.is_open = True
            if row.is_public and row.community_id is not None:
                new = with_open_family(row.scoped_terms, row.community_id)
                if new != row.scoped_terms:
                    changed.append((row.pk, row.terms, row.scoped_terms, new))
                    row.scoped_terms = new
        SearchDocument.objects.bulk_update(rows, ["is_open", "scoped_terms"])
        if sqlite and changed:
            with schema_editor.connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO text_fts(text_fts, rowid, terms, scoped_terms) VALUES ('delete', %s, %s, %s)",
                    [(pk, terms, old) for pk, terms, old, _ in changed],
                )
                cursor.executemany(
                    "INSERT INTO text_fts(rowid, terms, scoped_terms) VALUES (%s, %s, %s)",
                    [(pk, terms, new) for pk, terms, _, new in changed],
                )
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0006_desk_covering_indexes"),
        ("text", "0008_document_is_open"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
