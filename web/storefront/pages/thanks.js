// After checkout: the order number first (the customer needs it to follow the
// order), what happens next (a call), and what they will pay at the door.
import { h, mount } from "/shared/dom.js";
import { language, t } from "/shared/i18n.js";
import { money, phone as formatPhone } from "/shared/format.js";
import { communes, placeName } from "/shared/geo.js";
import { icon } from "../icons.js";
import { phoneInText } from "../phone.js";

export function lastOrder(slug, number) {
  try {
    const stored = JSON.parse(sessionStorage.getItem(`dzorders.last-order.${slug}`) || "null");
    return stored && String(stored.number) === String(number) ? stored : null;
  } catch {
    return null;
  }
}

/** "Bab El Oued, 16 Alger" in the visitor's language (the commune's Arabic name when known). */
async function placeOf(shipping) {
  const wilaya = language() === "ar" ? shipping.wilaya_name_ar || shipping.wilaya_name : shipping.wilaya_name;
  let commune = shipping.commune_name;
  try {
    const found = (await communes(shipping.wilaya)).find((item) => item.code === shipping.commune);
    if (found) commune = placeName(found);
  } catch { /* the French name from the order will do */ }
  return [commune, wilaya].filter(Boolean).join(language() === "ar" ? "، " : ", ");
}

function summary(order, place) {
  const shipping = order.shipping || {};
  return h("section", { class: "card sf-thanks-summary" },
    h("ul", { class: "sf-sum-lines" }, (order.items || []).map((item) => h("li", { class: "sf-sum-line" },
      h("div", { class: "sf-sum-name" }, h("span", {}, item.name),
        Object.values(item.options || {}).length ? h("span", { class: "muted small" }, Object.values(item.options).join(" · ")) : null),
      h("span", { class: "muted num" }, t("checkout.quantity", { n: item.quantity })),
      h("span", { class: "num" }, money(item.total))))),
    h("dl", { class: "sf-totals" },
      h("div", {}, h("dt", {}, t("checkout.items")), h("dd", { class: "num" }, money(order.totals.items))),
      h("div", {}, h("dt", {}, t("checkout.delivery_fee")), h("dd", { class: "num" }, money(order.totals.delivery))),
      h("div", { class: "sf-totals-total" }, h("dt", {}, t("thanks.pay")), h("dd", {}, h("strong", { class: "num" }, money(order.totals.total))))),
    place ? h("p", { class: "sf-thanks-place" }, icon("truck", { size: 18 }),
      t(shipping.delivery_type === "stop_desk" ? "thanks.desk_to" : "thanks.home_to", { place })) : null);
}

export default async function thanks(ctx) {
  const number = ctx.params.number;
  const order = lastOrder(ctx.slug, number);
  ctx.title(t("thanks.number", { number }));
  const place = order && order.shipping ? await placeOf(order.shipping) : null;
  if (!ctx.current()) return;
  mount(ctx.main, h("div", { class: "sf-thanks" },
    h("div", { class: "sf-thanks-head" },
      h("div", { class: "sf-thanks-mark" }, icon("check", { size: 34 })),
      h("h1", {}, t("thanks.title")),
      h("p", { class: "sf-order-number" }, t("thanks.number", { number })),
      h("p", {}, order && order.phone
        ? t("thanks.call", { phone: phoneInText(formatPhone(order.phone)) })
        : t("thanks.call_generic")),
      h("p", { class: "muted small" }, t("thanks.keep"))),
    order && order.totals ? summary(order, place) : null,
    h("div", { class: "sf-thanks-actions" },
      ctx.link(`/order?number=${encodeURIComponent(number)}`, { class: "btn btn-primary" }, t("thanks.track")),
      ctx.link("/", { class: "btn" }, t("thanks.continue")))));
}
