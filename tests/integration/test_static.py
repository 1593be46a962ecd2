"""The CDN's routing function (infra/template.yaml) and the local server
(infra/local/static.py) send every path to the same file of web/."""
from __future__ import annotations

import json
import subprocess

from infra.local import static
from infra.local.provision import load_template

PATHS = ["/s/boutique-lina/", "/s/boutique-lina", "/s/boutique-lina/p/pr_1", "/s/boutique-lina/checkout",
         "/s/boutique-lina/thanks/1001", "/s/boutique-lina/app.js", "/s/x/", "/s/Upper/",
         "/dashboard", "/dashboard/", "/dashboard/orders", "/dashboard/orders/or_12",
         "/dashboard/orders/advanced", "/dashboard/settings/webhooks", "/dashboard/app.js",
         "/dashboard/sw.js", "/dashboard/manifest.webmanifest", "/dashboard/icons/icon-192.png",
         "/shared/api.js", "/shared/base.css", "/storefront/app.js", "/v1/health", "/v1/orders/or_1",
         "/", "/app", "/app/", "/app/orders"]


def cdn_routes(paths):
    code = load_template()["Resources"]["WebRouting"]["Properties"]["FunctionCode"]
    script = code + "\nconst out = {};\nfor (const uri of " + json.dumps(paths) + ") {\n" \
        "  const r = handler({request: {uri: uri}});\n" \
        "  out[uri] = r.statusCode ? 'redirect:' + r.headers.location.value : r.uri;\n}\n" \
        "console.log(JSON.stringify(out));\n"
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=30, check=True)
    return json.loads(done.stdout)


def local_route(path):
    if path in ("/", "/app") or path.startswith("/app/"):
        return "redirect:/dashboard/"          # infra/local/server.py answers these
    key = static.web_key(path)
    return "/" + key if key is not None else path


def test_the_cdn_function_and_the_local_server_agree():
    cdn = cdn_routes(PATHS)
    assert {path: cdn[path] for path in PATHS} == {path: local_route(path) for path in PATHS}


def test_pages_reach_their_app_and_files_stay_files():
    assert static.web_key("/s/boutique-lina/checkout") == "storefront/index.html"
    assert static.web_key("/dashboard/orders/or_1") == "dashboard/index.html"
    assert static.web_key("/dashboard/sw.js") == "dashboard/sw.js"
    assert static.web_key("/v1/orders") is None
    assert static.web_key("/", host="boutique-lina.localhost:8000") == "storefront/index.html"
    assert static.web_key("/v1/stores/x", host="boutique-lina.localhost:8000") is None
