"""Which file of web/ answers a browser's path: the local twin of the CDN's rules.

In AWS the same tree sits in an S3 bucket behind CloudFront, and the viewer-request
function in infra/template.yaml applies these rules; tests/integration/test_static.py
holds both to the same table. Rules:

  /shared/<file>, /storefront/<file>, /dashboard/<file>   the file itself
  /s/<slug>/ and anything under it without a file        web/storefront/index.html
  /dashboard/ and any page path under it                 web/dashboard/index.html
  /<file> or / on <slug>.localhost (locally only)        as /storefront/... and /s/<slug>/

Pages are never cached (a new deployment shows at once); versioned assets are
cached for an hour, so a slow mobile connection fetches them once per visit.
"""
from __future__ import annotations

import functools
import gzip
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from infra.local.emulators import ROOT

WEB_DIR = ROOT / "web"
APPS = ("shared", "storefront", "dashboard")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
SLUG_HOST = re.compile(r"^([a-z0-9][a-z0-9-]{1,62})\.localhost(:\d+)?$")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/manifest+json", ".webmanifest")


@dataclass(frozen=True)
class StaticFile:
    path: Path
    content_type: str
    cache_control: str


def _is_page(relative: str) -> bool:
    """A path without a file extension is a page of the single-page app."""
    return "." not in relative.rsplit("/", 1)[-1]


def web_key(path: str, host: str = "") -> Optional[str]:
    """The key under web/ that answers `path`, or None when web/ has no say."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    if path == "/app" or path.startswith("/app/"):
        return None
    match = SLUG_HOST.match(host.lower())
    if match and not path.startswith(("/v1/", "/shared/", "/storefront/", "/dashboard")):
        path = f"/s/{match.group(1)}{path}"
    parts = path.lstrip("/").split("/", 2)
    if parts[0] == "s" and len(parts) >= 2 and SLUG.match(parts[1]):
        rest = parts[2] if len(parts) == 3 else ""
        return "storefront/index.html" if _is_page(rest) else None
    if parts[0] == "dashboard":
        rest = "/".join(parts[1:])
        if _is_page(rest):
            return "dashboard/index.html"
        return f"dashboard/{rest}"
    if parts[0] in ("shared", "storefront") and len(parts) >= 2:
        return "/".join(parts)
    return None


def resolve(path: str, host: str = "") -> Optional[StaticFile]:
    key = web_key(path, host)
    if key is None:
        return None
    target = (WEB_DIR / key).resolve()
    if WEB_DIR.resolve() not in target.parents or not target.is_file():
        return None
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type.endswith(("json", "javascript")):
        content_type += "; charset=utf-8"
    never_cached = target.suffix == ".html" or target.name in ("sw.js", "manifest.webmanifest")
    cache = "no-cache" if never_cached else "public, max-age=3600"
    return StaticFile(target, content_type, cache)


def owns(path: str, host: str = "") -> bool:
    """True when the path belongs to web/ (answered from files or with a 404)."""
    return web_key(path, host) is not None


def compressible(found: StaticFile) -> bool:
    return found.content_type.startswith(("text/", "application/json", "application/manifest",
                                          "image/svg"))


@functools.lru_cache(maxsize=256)
def _gzip(path: Path, mtime_ns: int, body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)


def gzipped(path: Path, body: bytes) -> bytes:
    """The file compressed, remembered until it changes on disk."""
    return _gzip(path, path.stat().st_mtime_ns, body)
