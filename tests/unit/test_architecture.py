"""The domain stays plain Python: no AWS, HTTP framework or HTTP client imports."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("boto3", "botocore", "pynamodb", "chalice", "requests")
# Modules that hold rules and values; adapters (store_*.py, *_ses.py, publish_*.py,
# inbox.py) and the HTTP edge (api/) are allowed their infrastructure.
DOMAIN_FILES = sorted(
    path for pattern in ("chalicelib/*/model.py", "chalicelib/*/validation.py",
                         "chalicelib/*/rates.py", "chalicelib/*/states.py",
                         "chalicelib/*/checkout.py", "chalicelib/*/service.py",
                         "chalicelib/*/ports.py", "chalicelib/*/base.py",
                         "chalicelib/notifications/email.py", "chalicelib/notifications/messages.py",
                         "chalicelib/notifications/sms.py", "chalicelib/phones.py",
                         "chalicelib/errors.py", "chalicelib/clock.py", "chalicelib/geo/names.py")
    for path in ROOT.glob(pattern))


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_there_are_domain_files_to_check():
    assert len(DOMAIN_FILES) >= 5


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_module_has_no_infrastructure_imports(path):
    bad = [name for name in imported_modules(path)
           if name.split(".")[0] in FORBIDDEN
           or name.startswith(("chalicelib.dynamo", "chalicelib.aws", "chalicelib.api"))
           or name.split(".")[-1].startswith("store_dynamo")]
    assert bad == [], f"{path.name} imports {bad}"
