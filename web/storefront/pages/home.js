// The store's front page: what it promises (cash on delivery, delivery everywhere)
// and its products as cards. A card is one link: the whole card is the tap target.
import { h, mount } from "/shared/dom.js";
import { t } from "/shared/i18n.js";
import { priceLabel, productTile } from "../catalog.js";
import { icon } from "../icons.js";
import { cartBar } from "./cart-bar.js";

function trust() {
  const item = (name, title, sub) => h("li", {}, icon(name, { size: 22 }),
    h("div", {}, h("strong", {}, t(title)), h("span", { class: "muted small" }, t(sub))));
  return h("ul", { class: "sf-trust" },
    item("cash", "home.trust_cod", "home.trust_cod_sub"),
    item("truck", "home.trust_delivery", "home.trust_delivery_sub"),
    item("bolt", "home.trust_fast", "home.trust_fast_sub"));
}

function card(ctx, product) {
  return h("li", {}, ctx.link(`/p/${encodeURIComponent(product.id)}`, { class: ["sf-card", !product.in_stock && "sold-out"] },
    productTile(product),
    h("div", { class: "sf-card-body" },
      h("h3", { class: "sf-card-name" }, product.name),
      h("div", { class: "sf-card-foot" },
        h("span", { class: "sf-price num" }, priceLabel(product)),
        product.in_stock
          ? h("span", { class: "badge badge-delivered" }, t("product.in_stock"))
          : h("span", { class: "badge" }, t("product.out_of_stock"))))));
}

export default async function home(ctx) {
  const products = await ctx.products();
  if (!products) return;
  // In-stock products first: a customer scrolling on a phone sees what they can buy.
  const sorted = [...products].sort((a, b) => Number(b.in_stock) - Number(a.in_stock));
  const { bar, stop } = cartBar(ctx, products);
  mount(ctx.main,
    h("section", { class: "sf-hero" }, h("h1", {}, ctx.store.name), trust()),
    h("section", { "aria-labelledby": "products-title" },
      h("h2", { id: "products-title", class: "sf-section-title" }, t("home.products")),
      sorted.length
        ? h("ul", { class: "sf-grid" }, sorted.map((product) => card(ctx, product)))
        : h("p", { class: "empty" }, t("home.empty"))),
    bar);
  return stop;
}
