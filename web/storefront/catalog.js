// The store's products as the storefront shows them: loaded once per visit (a
// slow connection pays for them once), and small helpers every page shares to
// name a variant, price a product and join the cart with the catalog.
import { h } from "/shared/dom.js";
import { t } from "/shared/i18n.js";
import { money } from "/shared/format.js";

export class Catalog {
  constructor(api, slug) {
    this.api = api;
    this.slug = slug;
    this.pending = null;
  }

  /** Every published product; a failed load is forgotten so a retry asks again. */
  products() {
    if (!this.pending) {
      this.pending = this.api.all(`/v1/stores/${encodeURIComponent(this.slug)}/products`)
        .catch((error) => { this.pending = null; throw error; });
    }
    return this.pending;
  }
}

/** "2 500 DZD", or "From 2 500 DZD" when the variants cost different amounts. */
export function priceLabel(product) {
  const prices = product.variants.map((variant) => variant.price);
  const lowest = prices.length ? Math.min(...prices) : product.price;
  const highest = prices.length ? Math.max(...prices) : product.price;
  return lowest === highest ? money(lowest) : t("product.from", { price: money(lowest) });
}

/** The option axes of a product in the order the merchant wrote them: [{name, values}]. */
export function optionAxes(product) {
  const axes = new Map();
  for (const variant of product.variants) {
    for (const [name, value] of Object.entries(variant.options || {})) {
      if (!axes.has(name)) axes.set(name, []);
      if (!axes.get(name).includes(value)) axes.get(name).push(value);
    }
  }
  return [...axes].map(([name, values]) => ({ name, values }));
}

// Merchants name options in their own words; the usual ones read better translated.
const KNOWN_OPTIONS = {
  size: "size", taille: "size", "المقاس": "size", "مقاس": "size",
  color: "color", colour: "color", couleur: "color", "اللون": "color", "لون": "color",
  pointure: "shoe_size", "shoe size": "shoe_size", model: "model", "modèle": "model", modele: "model",
  weight: "weight", poids: "weight", volume: "volume", contenance: "volume",
};

export function optionLabel(name) {
  const known = KNOWN_OPTIONS[name.trim().toLowerCase()];
  if (known) return t(`option.${known}`);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** "M · Rouge" for a variant, "" for a product's only, option-less variant. */
export function variantLabel(variant) {
  return Object.values(variant.options || {}).join(" · ");
}

/**
 * The cart joined with the catalog: each line with its product, variant, price and
 * `problem` ("gone" when no longer on sale, "sold_out" when out of stock).
 */
export function cartLines(items, products) {
  const byId = new Map(products.map((product) => [product.id, product]));
  return items.map((item) => {
    const product = byId.get(item.product_id);
    const variant = product && product.variants.find((candidate) => candidate.id === item.variant_id);
    if (!variant) return { item, product, variant: null, unitPrice: 0, total: 0, problem: "gone" };
    return { item, product, variant, unitPrice: variant.price, total: variant.price * item.quantity,
      problem: variant.in_stock ? null : "sold_out" };
  });
}

export function itemsTotal(lines) {
  return lines.filter((line) => !line.problem).reduce((sum, line) => sum + line.total, 0);
}

// No product photos in the API (and none wanted on slow data): a coloured tile
// with the product's initials, the same colour for the same product every time.
export function productTile(product, large = false) {
  let hash = 0;
  for (const char of product.id) hash = (hash * 31 + char.charCodeAt(0)) % 360;
  const words = product.name.split(/[\s—–-]+/).filter((word) => /\p{L}/u.test(word));
  // A zero-width non-joiner keeps Arabic initials apart instead of joining them into a word.
  const initials = words.slice(0, 2).map((word) => [...word][0]).join("\u200c").toUpperCase();
  return h("div", {
    class: ["tile", large && "tile-large"], "aria-hidden": "true",
    style: `--tile-hue: ${hash}`,      // a custom property needs the attribute form
  }, h("span", {}, initials || "•"));
}
