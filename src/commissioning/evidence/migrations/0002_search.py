"""Full-text search: an FTS5 table on SQLite, a GIN expression index on PostgreSQL."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS evidence_fts USING fts5("
    "title, body, tokenize = 'porter unicode61')",
    "INSERT INTO evidence_fts(rowid, title, body) SELECT id, title, text FROM evidence_evidence",
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS evidence_fts"]
POSTGRES_UP = [
    "CREATE INDEX IF NOT EXISTS evidence_text_search ON evidence_evidence USING GIN "
    "(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(text, '')))"
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS evidence_text_search"]


def _run(statements: dict):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
