"""The demo store `make run` creates once, so a newcomer can try everything at once."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.errors import NotFound

DEMO_EMAIL = "demo@dzorders.local"
DEMO_PASSWORD = "demo-password-2026"
DEMO_SLUG = "demo"

PRODUCTS = [
    {"name": "Robe kabyle — جبة قبائلية", "price": 6500,
     "description": "Robe traditionnelle brodée à la main. فستان تقليدي مطرز يدويا.",
     "variants": [{"sku": "RK-M-ROUGE", "options": {"taille": "M", "couleur": "Rouge"}, "stock": 8},
                  {"sku": "RK-L-ROUGE", "options": {"taille": "L", "couleur": "Rouge"}, "stock": 5},
                  {"sku": "RK-L-JAUNE", "options": {"taille": "L", "couleur": "Jaune"}, "stock": 2,
                   "price": 6900}]},
    {"name": "Huile d'olive de Kabylie 1 L — زيت زيتون", "price": 1800, "sku": "HUILE-1L",
     "stock": 40},
    {"name": "Café moulu 250 g — قهوة مطحونة", "price": 450, "sku": "CAFE-250", "stock": 120},
    {"name": "Tapis de prière — سجادة صلاة", "price": 3200,
     "variants": [{"sku": "TAPIS-VERT", "options": {"couleur": "Vert"}, "stock": 10},
                  {"sku": "TAPIS-BLEU", "options": {"couleur": "Bleu"}, "stock": 0}]},
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    slug: str
    created: bool


def seed_demo_store(services: Any) -> DemoLogin:
    """Create the demo store and its products unless they exist already."""
    created = False
    try:
        store_id = services.accounts.store_id_for_slug(DEMO_SLUG)
    except NotFound:
        signed_up = services.accounts.signup({
            "email": DEMO_EMAIL, "password": DEMO_PASSWORD,
            "store": {"name": "Boutique démo — متجر تجريبي", "slug": DEMO_SLUG}})
        store_id = signed_up["store"]["id"]
        created = True
    products, _ = services.catalog.list_products(store_id, {"limit": "1"})
    if not products:
        for product in PRODUCTS:
            services.catalog.create_product(store_id, product)
    return DemoLogin(DEMO_EMAIL, DEMO_PASSWORD, DEMO_SLUG, created)
