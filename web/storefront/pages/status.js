// "Where is my order?": number + phone → the order's progress through the states
// a customer cares about, and a cancel button while the store still allows it.
import { h, mount } from "/shared/dom.js";
import { t } from "/shared/i18n.js";
import { dateTime, money, phone as formatPhone } from "/shared/format.js";
import { clearFormErrors, errorText, field, showFormErrors } from "/shared/ui.js";
import { checkPhone } from "../phone.js";
import { lastOrder } from "./thanks.js";
import { icon } from "../icons.js";

const STEPS = ["pending", "confirmed", "processing", "shipped", "delivered"];
const TERMINAL = ["cancelled", "returned"];
const CANCELLABLE = ["pending", "confirmed"];      // what the API lets a customer cancel

/** When the order reached each state, from its public timeline. */
function reachedAt(order) {
  const at = {};
  for (const entry of order.timeline || []) if (entry.to) at[entry.to] = entry.at;
  return at;
}

function progress(order) {
  const at = reachedAt(order);
  const terminal = TERMINAL.includes(order.status);
  // A cancelled order shows how far it got, then where it stopped.
  const steps = terminal ? [...STEPS.filter((step) => at[step]), order.status] : STEPS;
  const current = steps.indexOf(order.status);
  return h("ol", { class: ["sf-steps", terminal && "is-stopped"] }, steps.map((step, index) =>
    h("li", { class: ["sf-step", index < current && "done", index === current && "current", TERMINAL.includes(step) && "stopped"],
      "aria-current": index === current ? "step" : null },
    h("span", { class: "sf-step-dot", "aria-hidden": "true" }, index < current || (index === current && step === "delivered") ? icon("check", { size: 14 }) : ""),
    h("div", {}, h("strong", {}, t(`state.${step}`)),
      at[step] && index <= current ? h("div", { class: "muted small" }, dateTime(at[step])) : null))));
}

function cancelBlock(ctx, order, phone, show) {
  const slot = h("div", { class: "sf-cancel" });
  const ask = () => mount(slot, h("button", { type: "button", class: "btn btn-danger", onclick: confirm }, t("status.cancel")));
  const confirm = () => mount(slot, h("div", { class: "notice notice-warn", role: "alert" },
    h("p", {}, t("status.cancel_confirm", { number: order.number })),
    h("div", { class: "row" },
      h("button", { type: "button", class: "btn btn-danger solid", onclick: cancel }, t("status.cancel_yes")),
      h("button", { type: "button", class: "btn", onclick: ask }, t("status.cancel_no")))));
  async function cancel(event) {
    event.target.disabled = true;
    try {
      const cancelled = await ctx.api.post(`/v1/stores/${encodeURIComponent(ctx.slug)}/orders/${order.number}/cancel`, { phone });
      show(cancelled, t("status.cancelled_ok"));
    } catch (error) {
      mount(slot, h("p", { class: "notice notice-error", role: "alert" }, errorText(error)));
    }
  }
  ask();
  return slot;
}

function orderView(ctx, order, phone, show, notice) {
  return h("section", { class: "card sf-status", "aria-live": "polite" },
    notice ? h("p", { class: "notice notice-ok" }, notice) : null,
    h("div", { class: "spread" },
      h("h2", {}, t("status.heading", { number: order.number })),
      h("span", { class: `badge badge-${order.status}` }, t(`state.${order.status}`))),
    h("p", { class: "muted small" }, t("status.placed", { date: dateTime(order.created_at) })),
    h("p", { class: "sf-status-help" }, t(`state_help.${order.status}`)),
    progress(order),
    h("ul", { class: "sf-sum-lines" }, (order.items || []).map((item) => h("li", { class: "sf-sum-line" },
      h("div", { class: "sf-sum-name" }, h("span", {}, item.name),
        Object.values(item.options || {}).length ? h("span", { class: "muted small" }, Object.values(item.options).join(" · ")) : null),
      h("span", { class: "muted num" }, t("checkout.quantity", { n: item.quantity })),
      h("span", { class: "num" }, money(item.total))))),
    order.totals ? h("div", { class: "spread sf-status-total" }, h("span", {}, t("checkout.total")),
      h("strong", { class: "num" }, money(order.totals.total))) : null,
    CANCELLABLE.includes(order.status) ? cancelBlock(ctx, order, phone, show) : null);
}

export default async function statusPage(ctx) {
  ctx.title(t("status.title"));
  const number = h("input", { type: "text", name: "number", inputmode: "numeric", autocomplete: "off", dir: "ltr",
    value: ctx.query.get("number") || "" });
  const remembered = lastOrder(ctx.slug, number.value);
  const phone = h("input", { type: "tel", name: "phone", autocomplete: "tel", inputmode: "tel", dir: "ltr",
    value: remembered ? formatPhone(remembered.phone) : "" });
  const result = h("div", { class: "sf-status-result" });
  const button = h("button", { type: "submit", class: "btn btn-primary btn-block" }, icon("search", { size: 18 }), t("status.submit"));
  const show = (order, notice) => mount(result, orderView(ctx, order, phone.value, show, notice));

  async function lookUp(event) {
    event.preventDefault();
    clearFormErrors(form);
    mount(result);
    const wanted = number.value.trim().replace(/^#/, "");
    const fields = {};
    if (!/^\d{1,9}$/.test(wanted)) fields.number = t("field_error.number");
    if (checkPhone(phone.value).state === "empty") fields.phone = t("field_error.phone");
    if (Object.keys(fields).length) return showFormErrors(form, { fields });
    button.disabled = true;
    try {
      show(await ctx.api.get(`/v1/stores/${encodeURIComponent(ctx.slug)}/orders/${wanted}`, { query: { phone: phone.value.trim() } }));
    } catch (error) {
      showFormErrors(form, error.status === 404 ? { code: "order_not_found", message: t("status.not_found") } : error);
    } finally {
      button.disabled = false;
    }
  }

  const form = h("form", { class: "card sf-status-form", novalidate: true, onsubmit: lookUp },
    h("div", { class: "sf-two" }, field("number", t("status.number"), number), field("phone", t("status.phone"), phone)),
    h("div", { class: "form-error notice notice-error hidden", role: "alert" }),
    button);
  mount(ctx.main, h("div", { class: "sf-status-page" },
    h("h1", {}, t("status.title")), h("p", { class: "muted" }, t("status.lead")), form, result));
  // Coming from the thank-you page with everything known: show it at once.
  if (number.value && phone.value) form.requestSubmit();
}
