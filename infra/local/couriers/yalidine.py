"""A fake Yalidine API (../shared/couriers.md §1 and §11) on 127.0.0.1.

What it reproduces: `X-API-ID`/`X-API-TOKEN` auth; quota headers on every answer and a
429 over quota (5/s, 50/min, 1000/h, 10000/day by default, per account); the create
as a JSON array, all or nothing, answered keyed by `order_id`; places by *name* in
Yalidine's own spelling (a few differ from the Journal officiel's on purpose, so an
adapter that sends our spelling is refused) with commune ids = ONS codes and the 58
wilayas only; stop desks = centers; edit/delete only "En préparation"; histories
newest first; public label URLs on this fake's own origin serving a PDF; and signed
webhook batches (`X-YALIDINE-SIGNATURE`, `{type, events[...]}`), a crc challenge on
registration and retries that finally disable the webhook.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple
from urllib.parse import urlencode

import requests

from chalicelib.geo.data import Geography
from chalicelib.shipping.rates import zone
from infra.local.couriers.common import (FakeCourier, Parcel, Request, Response,
                                         courier_geography, minimal_pdf)

ALGERIA = timezone(timedelta(hours=1))
EDITABLE = "En préparation"
STATUS_EVENT = "parcel_status_updated"
LABEL_PATH = "/app/bordereau.php"
MAX_AMOUNT = 150_000
DEFAULT_QUOTAS = {"second": 5, "minute": 50, "hour": 1000, "day": 10000}
# Where Yalidine spells a place unlike the Journal officiel (as its own lists and the
# docs' examples do); ids stay the official codes.
WILAYA_SPELLING = {6: "Béjaïa", 12: "Tébessa"}
COMMUNE_SPELLING = {1202: "Bir el Ater", 1619: "Bachdjerrah", 1631: "Magharia"}
# Centers beyond each wilaya's first commune (the docs' 163001 and 120201, and Aflou).
EXTRA_CENTERS = (1630, 1202, 319)
ZONES = {"algiers": 1, "north": 2, "highlands": 3, "south": 4}
HOME_FEE = {1: 400, 2: 600, 3: 750, 4: 1100}
DESK_FEE = {1: 300, 2: 400, 3: 500, 4: 800}
REQUIRED = ("order_id", "from_wilaya_name", "firstname", "familyname", "contact_phone",
            "address", "to_commune_name", "to_wilaya_name", "product_list", "price",
            "do_insurance", "declared_value", "length", "width", "height", "weight",
            "freeshipping", "is_stopdesk", "has_exchange")
EDITABLE_FIELDS = REQUIRED[1:] + ("order_id", "stopdesk_id", "product_to_collect")


def local(at: datetime) -> str:
    return at.astimezone(ALGERIA).strftime("%Y-%m-%d %H:%M:%S")


def truthy(value: Any) -> bool:
    return value is True or value in (1, "1", "true", "True")


def is_count(value: Any, top: Optional[int] = None) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
        and (top is None or value <= top)


class FakeYalidine(FakeCourier):
    code = "yalidine"
    api_root = "/v1"
    tracking_prefix = "yal-"
    SANDBOX_CREDENTIALS = {"api_id": "20486311937354180271",
                           "api_token": "sbxYaLiDiNe0000FakeToken0000NotARealOne0000000000000000000000",
                           "webhook_secret": "sandbox-yalidine-webhook-key"}
    DELIVERED_PATH = ("Ramassé", "Expédié", "Sorti en livraison", "Livré")
    REFUSED_PATH = ("Ramassé", "Expédié", "Sorti en livraison", "Echèc livraison",
                    "Retour vers centre", "Retourné au centre", "Retour vers vendeur",
                    "Retourné au vendeur")

    def __init__(self, credentials: Optional[Mapping[str, str]] = None, port: int = 0,
                 quotas: Optional[Mapping[str, int]] = None,
                 events: Iterable[str] = (STATUS_EVENT,),
                 retry_delays: Tuple[float, ...] = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)) -> None:
        super().__init__(credentials or self.SANDBOX_CREDENTIALS, port)
        self.quotas = dict(DEFAULT_QUOTAS, **(quotas or {}))
        self.events = set(events)          # the types the merchant subscribed to
        self.retry_delays = tuple(retry_delays)   # Yalidine's 5 min ... 1 day, compressed
        self.webhook_enabled = True
        self.webhook_validated: Optional[bool] = None
        self._used: Dict[str, Tuple[int, int]] = {}
        self._imports: Dict[int, Tuple[str, List[str]]] = {}
        self._tokens: Dict[str, str] = {}
        self._load_places()

    # --- places ---------------------------------------------------------------------------------
    def _load_places(self) -> None:
        wilayas, communes = courier_geography()
        geography = Geography.load()
        self.wilayas = {code: WILAYA_SPELLING.get(code, name) for code, name in wilayas.items()}
        self.communes: Dict[int, Dict[str, Any]] = {}
        for row in communes:
            cid = int(row["code"])
            self.communes[cid] = {"id": cid, "name": COMMUNE_SPELLING.get(cid, row["name"]),
                                  "wilaya_id": row["wilaya"],
                                  "official": geography.commune(row["code"]).wilaya}
        firsts = {}
        for cid in sorted(self.communes):
            firsts.setdefault(self.communes[cid]["wilaya_id"], cid)
        self.centers = {}
        for cid in sorted(set(firsts.values()) | set(EXTRA_CENTERS)):
            commune = self.communes[cid]
            self.centers[cid * 100 + 1] = {
                "center_id": cid * 100 + 1, "name": f"Centre de {commune['name']}",
                "address": f"Agence Yalidine, {commune['name']}", "gps": "36.7538,3.0588",
                "commune_id": cid, "commune_name": commune["name"],
                "wilaya_id": commune["wilaya_id"], "wilaya_name": self.wilayas[commune["wilaya_id"]]}
        with_desk = {center["commune_id"] for center in self.centers.values()}
        for cid, commune in self.communes.items():
            commune["has_stop_desk"] = int(cid in with_desk)

    def _wilaya_id(self, name: Any) -> Optional[int]:
        return next((code for code, known in self.wilayas.items() if known == name), None)

    def _commune_id(self, wilaya: int, name: Any) -> Optional[int]:
        return next((cid for cid, c in self.communes.items()
                     if c["wilaya_id"] == wilaya and c["name"] == name), None)

    def _fees_for(self, to_wilaya: int, commune_id: int) -> Tuple[int, Optional[int]]:
        area = ZONES[zone(to_wilaya)]
        first = min(cid for cid, c in self.communes.items() if c["wilaya_id"] == to_wilaya)
        home = HOME_FEE[area] + (0 if commune_id == first else 100)
        return home, DESK_FEE[area] if self.communes[commune_id]["has_stop_desk"] else None

    # --- what tests ask of every fake ---------------------------------------------------------
    def collected_amount(self, parcel: Parcel) -> int:
        return int(parcel.data["price"])

    def wilaya_of(self, parcel: Parcel) -> int:
        return int(parcel.data["to_wilaya_id"])

    def stop_desk_for(self, wilaya: int) -> Optional[str]:
        """A center in that wilaya: by official code first (as the adapter reports desks),
        else by the courier's own 58-wilaya filing."""
        for filed_under in (lambda c: self.communes[c["commune_id"]]["official"],
                            lambda c: c["wilaya_id"]):
            ids = [cid for cid, center in self.centers.items() if filed_under(center) == wilaya]
            if ids:
                return str(min(ids))
        return None

    # --- auth, quotas, dispatch ----------------------------------------------------------------
    def authorized(self, request: Request) -> Optional[Response]:
        if not (hmac.compare_digest(request.headers.get("x-api-id", ""), self.credentials["api_id"])
                and hmac.compare_digest(request.headers.get("x-api-token", ""),
                                        self.credentials["api_token"])):
            return self._error(401, "Unauthorized: the API ID or API TOKEN is invalid")
        return self._spend()

    def _windows(self) -> Dict[str, Tuple[int, float]]:
        """Each quota's current window and the seconds until it resets (day: local midnight)."""
        now = time.time()
        today = datetime.fromtimestamp(now, ALGERIA)
        midnight = today.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        return {"second": (int(now), 1 - now % 1), "minute": (int(now // 60), 60 - now % 60),
                "hour": (int(now // 3600), 3600 - now % 3600),
                "day": (today.toordinal(), midnight.timestamp() - now)}

    def _count(self, name: str, window: int) -> int:
        seen, count = self._used.get(name, (None, 0))
        return count if seen == window else 0

    def _spend(self) -> Optional[Response]:
        """Count one call against every quota of the account, or refuse it with a 429."""
        with self.lock:
            windows = self._windows()
            over = [name for name, (window, _) in windows.items()
                    if self._count(name, window) >= self.quotas[name]]
            if over:
                wait = max(windows[name][1] for name in over)
                return self._error(429, "Too many requests", {"Retry-After": str(max(1, round(wait)))})
            for name, (window, _) in windows.items():
                self._used[name] = (window, self._count(name, window) + 1)
        return None

    def quota_headers(self) -> Dict[str, str]:
        with self.lock:
            return {f"x-{name}-quota-left": str(max(self.quotas[name] - self._count(name, window), 0))
                    for name, (window, _) in self._windows().items()}

    def rate_limited(self) -> Response:
        return self._error(429, "Too many requests", {"Retry-After": "1", "x-second-quota-left": "0"})

    def dispatch(self, request: Request) -> Response:
        if request.path == LABEL_PATH:
            return self._label(request)   # public: no credentials, no quota
        is_api = request.path.startswith(self.api_root + "/")
        response = super().dispatch(request)
        if is_api:
            response.headers = dict(self.quota_headers(), **response.headers)
        return response

    @staticmethod
    def _error(status: int, message: str, headers: Optional[Dict[str, str]] = None) -> Response:
        return Response(status, {"error": {"code": status, "message": message}}, headers or {})

    # --- routes ---------------------------------------------------------------------------------
    def routes(self) -> None:
        self.route("GET", "/wilayas", lambda r: self._page(r, self._filter(r, [
            {"id": code, "name": name, "zone": ZONES[zone(code)], "is_deliverable": 1}
            for code, name in sorted(self.wilayas.items())], ("id", "name"))))
        self.route("GET", "/communes", lambda r: self._page(r, self._filter(r, [
            {"id": c["id"], "name": c["name"], "wilaya_id": c["wilaya_id"],
             "wilaya_name": self.wilayas[c["wilaya_id"]], "has_stop_desk": c["has_stop_desk"],
             "is_deliverable": 1, "delivery_time_parcel": 2, "delivery_time_payment": 7}
            for _, c in sorted(self.communes.items())],
            ("id", "name", "wilaya_id", "has_stop_desk", "is_deliverable"))))
        self.route("GET", "/centers", lambda r: self._page(r, self._filter(
            r, [c for _, c in sorted(self.centers.items())], ("center_id", "wilaya_id", "commune_id"))))
        self.route("GET", "/fees", self._fees)
        self.route("GET", "/parcels", lambda r: self._page(r, self._filter(
            r, self._parcel_rows(), ("tracking", "order_id", "import_id", "to_wilaya_id",
                                     "last_status", "is_stopdesk", "freeshipping"))))
        self.route("GET", "/parcels/{tracking}", lambda r: self._page(r, [
            row for row in self._parcel_rows() if row["tracking"] == r.params["tracking"]]))
        self.route("POST", "/parcels", self._create)
        self.route("PATCH", "/parcels/{tracking}", self._edit)
        self.route("DELETE", "/parcels/{tracking}", lambda r: self._delete([r.params["tracking"]]))
        self.route("DELETE", "/parcels", lambda r: self._delete(
            [t for t in r.query.get("tracking", "").split(",") if t]))
        self.route("GET", "/histories", lambda r: self._page(r, self._filter(
            r, self._history_rows(), ("tracking", "status", "reason"))))
        self.route("GET", "/histories/{tracking}", lambda r: self._page(r, [
            row for row in self._history_rows() if row["tracking"] == r.params["tracking"]]))

    def _filter(self, request: Request, rows: List[Dict[str, Any]],
                fields: Tuple[str, ...]) -> List[Dict[str, Any]]:
        """Comma-separated values, any of which matches; booleans as true/false/1/0."""
        for field in fields:
            if field in request.query:
                wanted = {value.strip().lower() for value in request.query[field].split(",")}
                wanted |= {"1"} if "true" in wanted else {"0"} if "false" in wanted else set()
                rows = [row for row in rows if str(int(row.get(field)) if isinstance(
                    row.get(field), bool) else row.get(field)).lower() in wanted]
        return rows

    def _page(self, request: Request, rows: List[Dict[str, Any]]) -> Response:
        try:
            page = max(int(request.query.get("page", 1)), 1)
            size = int(request.query.get("page_size", 100))
        except ValueError:
            return self._error(400, "page et page_size doivent être des entiers")
        if not 1 <= size <= 1000:
            return self._error(400, "page_size doit être compris entre 1 et 1000")
        more = page * size < len(rows)

        def link(number: int) -> str:
            return f"{self.base_url}{request.path}?" + urlencode(dict(request.query, page=number))
        links = {"self": link(page)}
        if page > 1:
            links["before"] = link(page - 1)
        if more:
            links["next"] = link(page + 1)
        return Response(200, {"has_more": more, "total_data": len(rows),
                              "data": rows[(page - 1) * size:page * size], "links": links})

    def _fees(self, request: Request) -> Response:
        try:
            origin, to = int(request.query["from_wilaya_id"]), int(request.query["to_wilaya_id"])
        except (KeyError, ValueError):
            return self._error(400, "from_wilaya_id et to_wilaya_id sont obligatoires")
        if origin not in self.wilayas or to not in self.wilayas:
            return self._error(404, "Wilaya introuvable")
        per_commune = {}
        for cid, commune in sorted(self.communes.items()):
            if commune["wilaya_id"] == to:
                home, desk = self._fees_for(to, cid)
                per_commune[str(cid)] = {"commune_id": cid, "commune_name": commune["name"],
                                         "express_home": home, "express_desk": desk,
                                         "economic_home": home - 50,
                                         "economic_desk": desk - 50 if desk else None}
        return Response(200, {"from_wilaya_name": self.wilayas[origin], "to_wilaya_name": self.wilayas[to],
                              "zone": ZONES[zone(to)], "retour_fee": 250, "cod_percentage": 1,
                              "insurance_percentage": 1, "oversize_fee": 100,
                              "per_commune": per_commune})

    # --- parcels ----------------------------------------------------------------------------------
    def _problems(self, item: Mapping[str, Any]) -> List[str]:
        """Yalidine's refusals of one parcel, in its words (French)."""
        missing = [f"Le champ {name} est obligatoire" for name in REQUIRED
                   if item.get(name) is None or item.get(name) == ""]
        if missing:
            return missing
        problems = []
        if self._wilaya_id(item["from_wilaya_name"]) is None:
            problems.append(f"La wilaya de départ « {item['from_wilaya_name']} » n'existe pas")
        to = self._wilaya_id(item["to_wilaya_name"])
        if to is None:
            problems.append(f"La wilaya « {item['to_wilaya_name']} » n'existe pas")
        elif self._commune_id(to, item["to_commune_name"]) is None:
            problems.append(f"La commune « {item['to_commune_name']} » n'existe pas dans la "
                            f"wilaya « {item['to_wilaya_name']} »")
        for name in ("price", "declared_value"):
            if not is_count(item[name], MAX_AMOUNT):
                problems.append(f"Le champ {name} doit être un entier entre 0 et {MAX_AMOUNT}")
        problems += [f"Le champ {name} doit être un entier positif"
                     for name in ("length", "width", "height", "weight") if not is_count(item[name])]
        numbers = [part.strip().replace(" ", "") for part in str(item["contact_phone"]).split(",")]
        if not any(part.isdigit() and 9 <= len(part) <= 10 for part in numbers):
            problems.append("Le numéro de téléphone est invalide")
        if truthy(item["is_stopdesk"]):
            center = self.centers.get(int(item["stopdesk_id"])) if str(
                item.get("stopdesk_id") or "").isdigit() else None
            if center is None or center["wilaya_id"] != to:
                problems.append(f"Le stop desk « {item.get('stopdesk_id')} » n'existe pas dans "
                                f"la wilaya « {item['to_wilaya_name']} »")
        if truthy(item["has_exchange"]) and not item.get("product_to_collect"):
            problems.append("Le champ product_to_collect est obligatoire pour un échange")
        return problems

    def _record(self, item: Mapping[str, Any], tracking: str, import_id: int) -> Dict[str, Any]:
        """The parcel object Yalidine keeps for a valid create (or edit) item."""
        to = self._wilaya_id(item["to_wilaya_name"])
        commune = self._commune_id(to, item["to_commune_name"])
        desk = self.centers.get(int(item["stopdesk_id"])) if truthy(item["is_stopdesk"]) else None
        home, desk_fee = self._fees_for(to, commune)
        origin = self._wilaya_id(item["from_wilaya_name"])
        return {
            "tracking": tracking, "order_id": str(item["order_id"]),
            **{name: item[name] for name in ("firstname", "familyname", "contact_phone", "address",
                                             "product_list", "price", "declared_value", "length",
                                             "width", "height", "weight")},
            "is_stopdesk": desk is not None, "stopdesk_id": desk and desk["center_id"],
            "stopdesk_name": desk and desk["name"],
            "from_wilaya_id": origin, "from_wilaya_name": self.wilayas[origin],
            "to_commune_id": commune, "to_commune_name": self.communes[commune]["name"],
            "to_wilaya_id": to, "to_wilaya_name": self.wilayas[to],
            "do_insurance": truthy(item["do_insurance"]), "freeshipping": truthy(item["freeshipping"]),
            "delivery_fee": desk_fee if desk else home, "import_id": import_id,
            "has_exchange": truthy(item["has_exchange"]),
            "product_to_collect": item.get("product_to_collect"), "parcel_type": "ecommerce",
            "payment_status": "not-ready", "payment_id": None, "date_expedition": None,
            "label": f"{self.origin}{LABEL_PATH}?" + urlencode(
                {"tracking": tracking, "token": self._tokens[tracking]}),
            "pin": str(secrets.randbelow(9000) + 1000),
            "qr_text": f"{to},{tracking},{commune},Boutique,{item['price']},{origin},",
        }

    def _create(self, request: Request) -> Response:
        items = request.json()
        if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
            return self._error(400, "Le corps doit être un tableau de colis")
        ids = [str(item.get("order_id")) for item in items]
        doubles = sorted({oid for oid in ids if ids.count(oid) > 1})
        if doubles:
            return self._error(400, f"order_id en double dans la requête : {', '.join(doubles)}")
        problems = {oid: self._problems(item) for oid, item in zip(ids, items)}
        if any(problems.values()):   # all or nothing: no parcel of this request is made
            return Response(200, {oid: {
                "success": False, "order_id": oid, "tracking": None, "import_id": None,
                "label": None, "labels": None,
                "message": " ; ".join(problems[oid]) or
                "Colis non créé : un autre colis de la requête est invalide"} for oid in ids})
        with self.lock:
            import_id = len(self._imports) + 1
            trackings = [self._new_tracking() for _ in items]
            self._imports[import_id] = (secrets.token_urlsafe(12), trackings)
        labels = f"{self.origin}{LABEL_PATH}?" + urlencode(
            {"import_id": import_id, "token": self._imports[import_id][0]})
        answer = {}
        for oid, item, tracking in zip(ids, items, trackings):
            parcel = self.new_parcel(tracking, oid, EDITABLE, self._record(item, tracking, import_id))
            parcel.data["request"] = dict(item)
            answer[oid] = {"success": True, "order_id": oid, "tracking": tracking,
                           "import_id": import_id, "label": parcel.data["label"], "labels": labels}
        if "parcel_created" in self.events:
            self.push("parcel_created", [(uuid.uuid4().hex, datetime.now(timezone.utc), {
                key: a[key] for key in ("order_id", "tracking", "label", "import_id")})
                for a in answer.values()])
        return Response(200, answer)

    def _new_tracking(self) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
        while True:
            tracking = self.tracking_prefix + "".join(secrets.choice(alphabet) for _ in range(6))
            if tracking not in self.parcels:
                self._tokens[tracking] = secrets.token_urlsafe(16)
                return tracking

    def _edit(self, request: Request) -> Response:
        parcel = self.parcels.get(request.params["tracking"])
        changes = request.json()
        if parcel is None:
            return self._error(404, f"Le colis {request.params['tracking']} n'existe pas")
        if parcel.status != EDITABLE or not isinstance(changes, dict):
            return self._error(400, f"Le colis ne peut plus être modifié (statut : {parcel.status})")
        item = dict(parcel.data["request"], **{k: v for k, v in changes.items()
                                               if k in EDITABLE_FIELDS})
        problems = self._problems(item)
        if problems:
            return self._error(400, " ; ".join(problems))
        with self.lock:
            parcel.data.update(self._record(item, parcel.tracking, parcel.data["import_id"]),
                               request=item)
            parcel.reference = str(item["order_id"])
        return Response(200, self._parcel_row(parcel))

    def _delete(self, trackings: List[str]) -> Response:
        answer = []
        with self.lock:
            for tracking in trackings:
                parcel = self.parcels.get(tracking)
                deleted = parcel is not None and parcel.status == EDITABLE
                if deleted:
                    del self.parcels[tracking]
                answer.append({"tracking": tracking, "deleted": deleted})
        return Response(200, answer)

    def _parcel_row(self, parcel: Parcel) -> Dict[str, Any]:
        row = {k: v for k, v in parcel.data.items() if k != "request"}
        row.update(last_status=parcel.status, date_creation=local(parcel.created_at),
                   date_last_status=local(parcel.history[-1]["at"]))
        return row

    def _parcel_rows(self) -> List[Dict[str, Any]]:
        with self.lock:   # newest first, the API's default order
            parcels = sorted(self.parcels.values(), key=lambda p: p.created_at, reverse=True)
            return [self._parcel_row(p) for p in parcels]

    def _history_rows(self) -> List[Dict[str, Any]]:
        """Every status of every parcel, newest first (date_status desc, the API's order)."""
        rows = []
        with self.lock:
            for parcel in self.parcels.values():
                center = next(c for c in self.centers.values()
                              if c["wilaya_id"] == parcel.data["to_wilaya_id"])
                for index, entry in enumerate(parcel.history):
                    rows.append(((entry["at"], index), {
                        "date_status": local(entry["at"]), "tracking": parcel.tracking,
                        "status": entry["status"], "reason": entry.get("reason") or "",
                        **{k: center[k] for k in ("center_id", "wilaya_id", "wilaya_name",
                                                  "commune_id", "commune_name")},
                        "center_name": center["name"]}))
        return [row for _, row in sorted(rows, key=lambda pair: pair[0], reverse=True)]

    def _label(self, request: Request) -> Response:
        token = request.query.get("token", "")
        with self.lock:
            if "tracking" in request.query:
                tracking = request.query["tracking"]
                known = tracking in self.parcels and hmac.compare_digest(
                    self._tokens.get(tracking, ""), token)
                trackings = [tracking]
            else:
                batch = self._imports.get(int(request.query.get("import_id") or 0))
                known = batch is not None and hmac.compare_digest(batch[0], token)
                trackings = [t for t in (batch[1] if batch else []) if t in self.parcels]
        if not known or not trackings:
            return Response(404, "<html><body>Bordereau introuvable</body></html>",
                            content_type="text/html; charset=utf-8")
        return Response(200, minimal_pdf("Yalidine " + " ".join(trackings)),
                        content_type="application/pdf")

    # --- webhooks -------------------------------------------------------------------------------
    def on_status(self, parcel: Parcel, entry: Dict[str, Any], duplicate: bool) -> None:
        if STATUS_EVENT in self.events:
            data = {"tracking": parcel.tracking, "status": entry["status"],
                    "reason": entry.get("reason") or ""}
            self.push(STATUS_EVENT, [(entry["event_id"], entry["at"], data)],
                      times=2 if duplicate else 1)

    def push(self, kind: str, events: List[Tuple[str, datetime, Dict[str, Any]]],
             times: int = 1) -> None:
        """One batch of events of one type, signed with the webhook's secret key."""
        if not self.webhook_url or not self.webhook_enabled:
            return
        body = json.dumps({"type": kind, "events": [
            {"event_id": event_id, "occurred_at": local(at), "data": data}
            for event_id, at, data in events]}, ensure_ascii=False).encode("utf-8")
        secret = self.webhook_secret or self.credentials.get("webhook_secret") or ""
        headers = {"X-YALIDINE-SIGNATURE": hmac.new(secret.encode("utf-8"), body,
                                                    hashlib.sha256).hexdigest()}
        for _ in range(times):
            if self.post_webhook(body, headers) != 200:
                threading.Thread(target=self._retry, args=(body, headers), daemon=True).start()

    def _retry(self, body: bytes, headers: Dict[str, str]) -> None:
        for delay in self.retry_delays:
            time.sleep(delay)
            if self.post_webhook(body, headers) == 200:
                return
        self.webhook_enabled = False   # Yalidine disables a webhook after its last failed try

    def _control(self, request: Request) -> Response:
        answer = super()._control(request)
        if request.method == "POST" and request.path.rstrip("/") == "/_control/webhook":
            self.webhook_enabled = True
            self.webhook_validated = self._challenge() if self.webhook_url else None
            answer.body = dict(answer.body, validated=self.webhook_validated)
        return answer

    def _challenge(self) -> bool:
        """Yalidine's crc check of a new URL: 200 within 10 s echoing the token, bare or as
        JSON {crc_token} (which of the two it wants is disputed, so both pass). Deliveries
        go out either way: a test receiver need not answer GETs."""
        token = secrets.token_hex(12)
        try:
            answer = requests.get(self.webhook_url, timeout=10, allow_redirects=False,
                                  params={"subscribe": uuid.uuid4().hex, "crc_token": token})
        except requests.RequestException:
            return False
        try:
            echoed = (answer.json() or {}).get("crc_token")
        except (ValueError, AttributeError):
            echoed = answer.text.strip()
        return answer.status_code == 200 and token in (echoed, answer.text.strip())
