"""The offline dependency audit (scripts/audit.py) against a small advisory database."""

import importlib.util
import json
import sys
import zipfile
from pathlib import Path

_PATH = Path(__file__).resolve().parents[3] / "scripts" / "audit.py"
_spec = importlib.util.spec_from_file_location("audit_script", _PATH)
assert _spec is not None
assert _spec.loader is not None
audit = importlib.util.module_from_spec(_spec)
sys.modules["audit_script"] = audit
_spec.loader.exec_module(audit)


def _database(tmp_path, *advisories):
    path = tmp_path / "osv.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for advisory in advisories:
            archive.writestr(f"{advisory['id']}.json", json.dumps(advisory))
    return path


def _advisory(ident, name, events, **extra):
    return {
        "id": ident,
        "summary": f"{name} problem",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": name},
                "ranges": [{"type": "ECOSYSTEM", "events": events}],
            }
        ],
        **extra,
    }


def test_a_pinned_version_inside_an_advisory_range_is_reported(tmp_path):
    db = _database(
        tmp_path,
        _advisory("PYSEC-1", "Django", [{"introduced": "5.2"}, {"fixed": "5.2.20"}]),
        _advisory("PYSEC-2", "django", [{"introduced": "0"}, {"fixed": "5.2.19"}]),
        _advisory("PYSEC-3", "Pillow", [{"introduced": "0"}, {"fixed": "99"}], withdrawn="2026-01-01"),
        _advisory("PYSEC-4", "jinja2", [{"introduced": "3.0"}, {"last_affected": "3.1.5"}]),
    )
    pinned = {"django": "5.2.19", "pillow": "13.0.0", "jinja2": "3.1.6"}
    assert audit.findings(db, pinned) == [("django", "5.2.19", "PYSEC-1", "Django problem")]


def test_pins_are_read_from_hashed_requirement_files(tmp_path):
    path = tmp_path / "req.txt"
    path.write_text("Django==5.2.19 \\\n    --hash=sha256:abc\ntyping_extensions==4.16.0\n# pip\n")
    assert audit.pins([path]) == {"django": "5.2.19", "typing-extensions": "4.16.0"}


def test_without_a_database_the_check_says_how_to_get_one(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(audit, "DB", tmp_path / "missing.zip")
    assert audit.main(["audit.py", "check"]) == 2
    assert "make audit-db" in capsys.readouterr().err
