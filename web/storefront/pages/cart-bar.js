// The bar that stays at the bottom of a phone's screen while the cart has
// something in it: how many items, how much, and the way to the cart.
import { h } from "/shared/dom.js";
import { t } from "/shared/i18n.js";
import { money } from "/shared/format.js";
import { cartLines, itemsTotal } from "../catalog.js";
import { icon } from "../icons.js";

/** { bar, stop }: the page returns `stop` as its cleanup, to stop following the cart. */
export function cartBar(ctx, products) {
  const bar = h("div", { class: "sf-sticky sf-cart-bar" });
  const update = () => {
    const count = ctx.cart.count();
    bar.classList.toggle("hidden", count === 0);
    bar.replaceChildren(ctx.link("/cart", { class: "btn btn-primary btn-block sf-bar-button" },
      icon("cart"), h("span", {}, t("sf.view_cart")),
      h("span", { class: "sf-bar-meta num" }, `${count} · ${money(itemsTotal(cartLines(ctx.cart.items(), products)))}`)));
  };
  update();
  return { bar, stop: ctx.cart.onChange(update) };
}
