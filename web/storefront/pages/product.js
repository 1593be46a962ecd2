// One product: its options as buttons (sold-out ones disabled), quantity, and the
// add-to-cart button that stays at the bottom of a phone's screen.
import { h, mount } from "/shared/dom.js";
import { t } from "/shared/i18n.js";
import { money } from "/shared/format.js";
import { optionAxes, optionLabel, priceLabel, productTile } from "../catalog.js";
import { MAX_QUANTITY } from "../cart.js";
import { choose, chosenVariant, initialChoice, valueState } from "../variants.js";
import { icon } from "../icons.js";

function picker(product, axis, index, choice, onPick) {
  const chosen = choice[axis.name];
  return h("fieldset", { class: "sf-picker", dataset: { axis: axis.name } },
    h("legend", {}, optionLabel(axis.name), chosen ? h("span", { class: "sf-picker-chosen" }, `: ${chosen}`) : null),
    h("div", { class: "sf-chips" }, axis.values.map((value) => {
      const status = valueState(product, choice, axis.name, value);
      return h("label", { class: ["sf-chip", `is-${status}`], title: status === "sold_out" ? t("product.sold_out_option", { value }) : null },
        h("input", { type: "radio", name: `option-${index}`, value, checked: chosen === value,
          disabled: status === "sold_out", onchange: () => onPick(axis.name, value) }),
        h("span", {}, value),
        status === "sold_out" ? h("span", { class: "sr-only" }, ` (${t("product.out_of_stock")})`) : null);
    })));
}

function quantityStepper(quantity) {
  const input = h("input", { type: "number", class: "sf-qty-input num", min: 1, max: MAX_QUANTITY, value: "1",
    inputmode: "numeric", "aria-label": t("product.quantity") });
  const step = (delta) => { input.value = String(Math.max(1, Math.min(MAX_QUANTITY, (Number(input.value) || 1) + delta))); quantity.value = Number(input.value); };
  input.addEventListener("change", () => step(0));
  return h("div", { class: "sf-qty" },
    h("button", { type: "button", class: "btn sf-qty-btn", "aria-label": t("product.decrease"), onclick: () => step(-1) }, "−"),
    input,
    h("button", { type: "button", class: "btn sf-qty-btn", "aria-label": t("product.increase"), onclick: () => step(1) }, "+"));
}

function gone(ctx) {
  ctx.title(t("product.gone"));
  mount(ctx.main, h("div", { class: "sf-empty-page" }, h("h1", {}, t("product.gone")),
    ctx.link("/", { class: "btn btn-primary" }, t("product.back"))));
}

export default async function productPage(ctx) {
  const products = await ctx.products();
  if (!products) return;
  const product = products.find((candidate) => candidate.id === ctx.params.id);
  if (!product) return gone(ctx);
  ctx.title(product.name);
  const axes = optionAxes(product);
  let choice = initialChoice(axes);
  const quantity = { value: 1 };
  const pickers = h("div", { class: "sf-pickers" });
  const price = h("div", { class: "sf-product-price num" });
  const feedback = h("div", { class: "sf-feedback", "aria-live": "polite" });
  const addButton = h("button", { type: "button", class: "btn btn-primary btn-block sf-add", disabled: !product.in_stock,
    onclick: add }, icon("cart"), t("product.add"));

  function draw() {
    const variant = chosenVariant(product, axes, choice);
    price.textContent = variant ? money(variant.price) : priceLabel(product);
    pickers.replaceChildren(...axes.map((axis, index) => picker(product, axis, index, choice, (name, value) => {
      choice = choose(product, choice, name, value);
      feedback.replaceChildren();
      draw();
    })));
  }

  function add() {
    const variant = chosenVariant(product, axes, choice);
    if (!variant || !variant.in_stock) {
      // Say which option is missing, right under it.
      const missing = axes.find((axis) => !(axis.name in choice)) || axes[0];
      const fieldset = pickers.querySelector(`[data-axis="${CSS.escape(missing.name)}"]`);
      for (const old of pickers.querySelectorAll(".error")) old.remove();
      fieldset.append(h("div", { class: "error", role: "alert" }, t("product.choose", { name: optionLabel(missing.name) })));
      fieldset.querySelector("input:not([disabled])")?.focus();
      return;
    }
    ctx.cart.add(product.id, variant.id, quantity.value);
    mount(feedback, h("div", { class: "notice notice-ok sf-added", role: "status" },
      h("span", {}, icon("check"), t("product.added")),
      h("div", { class: "row" },
        ctx.link("/cart", { class: "btn btn-small" }, t("sf.view_cart")),
        ctx.link("/checkout", { class: "btn btn-small btn-primary" }, t("product.order_now")))));
  }

  draw();
  mount(ctx.main, h("article", { class: "sf-product" },
    ctx.link("/", { class: "sf-back" }, icon("back", { size: 18 }), t("product.back")),
    h("div", { class: "sf-product-grid" },
      productTile(product, true),
      h("div", { class: "sf-product-info" },
        h("h1", {}, product.name),
        price,
        product.in_stock
          ? h("span", { class: "badge badge-delivered" }, t("product.in_stock"))
          : h("p", { class: "notice notice-warn" }, t("product.all_sold_out")),
        pickers,
        product.in_stock ? h("div", { class: "field sf-qty-field" }, h("span", { class: "label" }, t("product.quantity")), quantityStepper(quantity)) : null,
        feedback,
        h("div", { class: "sf-sticky sf-add-bar" }, addButton),
        product.description ? h("div", { class: "sf-description" }, product.description) : null,
        h("p", { class: "sf-cod-line muted small" }, icon("cash", { size: 18 }), t("sf.cod"))))));
}
