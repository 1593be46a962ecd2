// The cart: lines with quantities the customer can change, the subtotal, and the
// way to checkout. Lines no longer on sale are said, and block the checkout until
// removed, so nobody orders what the store cannot send.
import { h, mount } from "/shared/dom.js";
import { t } from "/shared/i18n.js";
import { money } from "/shared/format.js";
import { cartLines, itemsTotal, productTile, variantLabel } from "../catalog.js";
import { MAX_QUANTITY } from "../cart.js";
import { icon } from "../icons.js";

function lineView(ctx, line) {
  const { item, product, variant } = line;
  const setQuantity = (value) => ctx.cart.setQuantity(item.variant_id, value);
  return h("li", { class: ["sf-line", line.problem && "has-problem"] },
    product ? productTile(product) : h("div", { class: "tile" }),
    h("div", { class: "sf-line-body" },
      h("div", { class: "sf-line-name" }, product ? ctx.link(`/p/${encodeURIComponent(product.id)}`, {}, product.name) : "—"),
      variant && variantLabel(variant) ? h("div", { class: "muted small" }, variantLabel(variant)) : null,
      line.problem ? h("div", { class: "sf-line-problem", role: "alert" }, t("cart.unavailable")) : null,
      h("div", { class: "sf-line-foot" },
        line.problem ? h("span", {}) : h("div", { class: "sf-qty sf-qty-small" },
          h("button", { type: "button", class: "btn sf-qty-btn", "aria-label": t("product.decrease"),
            disabled: item.quantity <= 1, onclick: () => setQuantity(item.quantity - 1) }, "−"),
          h("span", { class: "sf-qty-value num", "aria-live": "polite" }, String(item.quantity)),
          h("button", { type: "button", class: "btn sf-qty-btn", "aria-label": t("product.increase"),
            disabled: item.quantity >= MAX_QUANTITY, onclick: () => setQuantity(item.quantity + 1) }, "+")),
        h("span", { class: "sf-line-total num" }, line.problem ? "" : money(line.total)))),
    h("button", { type: "button", class: "sf-remove", "aria-label": `${t("cart.remove")} ${product ? product.name : ""}`,
      onclick: () => ctx.cart.remove(item.variant_id) }, icon("trash", { size: 18 })));
}

function view(ctx, products) {
  const lines = cartLines(ctx.cart.items(), products);
  if (!lines.length) {
    return h("div", { class: "sf-empty-page" }, h("div", { class: "sf-empty-mark", "aria-hidden": "true" }, icon("cart", { size: 30 })),
      h("h1", {}, t("cart.title")), h("p", { class: "muted" }, t("cart.empty")),
      ctx.link("/", { class: "btn btn-primary" }, t("cart.browse")));
  }
  const blocked = lines.some((line) => line.problem);
  return h("div", { class: "sf-cart" },
    h("h1", {}, t("cart.title")),
    h("ul", { class: "sf-lines card" }, lines.map((line) => lineView(ctx, line))),
    h("div", { class: "card sf-cart-summary" },
      h("div", { class: "spread" }, h("span", {}, t("cart.subtotal")), h("strong", { class: "num sf-subtotal" }, money(itemsTotal(lines)))),
      h("p", { class: "muted small" }, t("cart.delivery_later")),
      blocked ? h("p", { class: "notice notice-warn" }, t("cart.fix_first")) : null),
    // A child of the whole cart (not of the summary card) so it can stick to the
    // bottom of a phone's screen while the lines scroll by.
    h("div", { class: "sf-sticky" }, blocked
      ? h("button", { type: "button", class: "btn btn-primary btn-block", disabled: true }, t("cart.checkout"))
      : ctx.link("/checkout", { class: "btn btn-primary btn-block sf-checkout-link" }, t("cart.checkout"),
        h("span", { class: "sf-bar-meta num" }, money(itemsTotal(lines))))));
}

export default async function cartPage(ctx) {
  ctx.title(t("cart.title"));
  const products = await ctx.products();
  if (!products) return;
  const draw = () => mount(ctx.main, view(ctx, products));
  draw();
  return ctx.cart.onChange(draw);
}
