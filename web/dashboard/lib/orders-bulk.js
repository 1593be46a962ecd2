// The orders list's bulk bar: move the selected orders, or send them to a courier,
// then say what happened to each one (one failure never hides the others).
import { h, mount } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";
import { errorText } from "/shared/ui.js";
import { STATUSES, moveLabel, orderErrorText, statusName, usableCouriers } from "./orders-common.js";

addMessages({
  fr: {
    "orders.bulk.selected": "{n} sélectionnée(s)", "orders.bulk.move": "Changer le statut", "orders.bulk.move_to": "Nouveau statut…",
    "orders.bulk.apply": "Appliquer", "orders.bulk.ship": "Expédier avec", "orders.bulk.ship_button": "Expédier",
    "orders.bulk.clear": "Désélectionner", "orders.bulk.results": "Résultat : {ok} réussie(s), {failed} en échec",
    "orders.bulk.ok_status": "→ {status}", "orders.bulk.ok_ship": "envoi demandé", "orders.bulk.not_from": "impossible depuis « {status} »",
    "orders.bulk.dismiss": "Masquer", "orders.bulk.working": "En cours…", "orders.bulk.order": "N° {number}",
  },
  ar: {
    "orders.bulk.selected": "{n} محددة", "orders.bulk.move": "تغيير الحالة", "orders.bulk.move_to": "الحالة الجديدة…",
    "orders.bulk.apply": "تطبيق", "orders.bulk.ship": "الشحن مع", "orders.bulk.ship_button": "شحن",
    "orders.bulk.clear": "إلغاء التحديد", "orders.bulk.results": "النتيجة: {ok} ناجحة، {failed} فاشلة",
    "orders.bulk.ok_status": "← {status}", "orders.bulk.ok_ship": "تم طلب الشحن", "orders.bulk.not_from": "غير ممكن من حالة «{status}»",
    "orders.bulk.dismiss": "إخفاء", "orders.bulk.working": "جارٍ التنفيذ…", "orders.bulk.order": "رقم {number}",
  },
  en: {
    "orders.bulk.selected": "{n} selected", "orders.bulk.move": "Change status", "orders.bulk.move_to": "New status…",
    "orders.bulk.apply": "Apply", "orders.bulk.ship": "Ship with", "orders.bulk.ship_button": "Ship",
    "orders.bulk.clear": "Clear selection", "orders.bulk.results": "Result: {ok} done, {failed} failed",
    "orders.bulk.ok_status": "→ {status}", "orders.bulk.ok_ship": "shipment requested", "orders.bulk.not_from": "not possible from “{status}”",
    "orders.bulk.dismiss": "Hide", "orders.bulk.working": "Working…", "orders.bulk.order": "No. {number}",
  },
});

const SHIPPABLE = ["confirmed", "processing"];

/**
 * The bar for `selected()` (orders of the list). `onDone(results)` runs after a
 * bulk action with the per-order results, to reload the list and show them.
 */
export function bulkBar(ctx, { selected, clear, onDone }) {
  const bar = h("div", { class: "bulk-bar hidden", role: "region", "aria-label": t("orders.bulk.move") });
  let couriers = null;

  async function run(button, path, body, kind) {
    const orders = selected();
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const answer = await ctx.api.post(path, { ...body, order_ids: orders.map((o) => o.id) });
      onDone(describe(answer.results || [], orders, kind, body.status));
    } catch (error) {
      onDone({ error: errorText(error) });
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  async function render() {
    const orders = selected();
    bar.classList.toggle("hidden", orders.length === 0);
    if (!orders.length) return mount(bar);
    const moves = STATUSES.filter((status) => orders.some((o) => (o.allowed_transitions || []).includes(status)));
    const status = h("select", { class: "bulk-status", "aria-label": t("orders.bulk.move") },
      h("option", { value: "" }, t("orders.bulk.move_to")),
      moves.map((to) => h("option", { value: to }, moveLabel(to))));
    const apply = h("button", { type: "button", class: "btn btn-small btn-primary", onclick: () => {
      if (status.value) run(apply, "/v1/orders/bulk/status", { status: status.value }, "status");
    } }, t("orders.bulk.apply"));
    const parts = [
      h("strong", { class: "bulk-count" }, t("orders.bulk.selected", { n: orders.length })),
      moves.length ? h("div", { class: "bulk-group" }, status, apply) : null,
    ];
    if (orders.some((o) => SHIPPABLE.includes(o.status))) {
      couriers = couriers || usableCouriers(ctx.api, ctx.me).catch(() => [{ code: "manual", name: t("orders.courier.manual") }]);
      const choice = h("select", { class: "bulk-courier", "aria-label": t("orders.bulk.ship") });
      couriers.then((list) => mount(choice, list.map((c) => h("option", { value: c.code }, c.name))));
      const ship = h("button", { type: "button", class: "btn btn-small", onclick: () => {
        if (choice.value) run(ship, "/v1/orders/bulk/shipments", { courier: choice.value }, "ship");
      } }, t("orders.bulk.ship_button"));
      parts.push(h("div", { class: "bulk-group" }, h("span", { class: "muted small" }, t("orders.bulk.ship")), choice, ship));
    }
    parts.push(h("button", { type: "button", class: "link-button bulk-clear", onclick: clear }, t("orders.bulk.clear")));
    mount(bar, parts);
  }

  return { element: bar, render };
}

function describe(results, orders, kind, status) {
  const byId = new Map(orders.map((o) => [o.id, o]));
  const rows = results.map((result) => {
    const order = byId.get(result.id) || { id: result.id };
    let text;
    if (result.ok) {
      text = kind === "ship" ? t("orders.bulk.ok_ship") : t("orders.bulk.ok_status", { status: statusName(result.status || status) });
    } else if (result.error && result.error.code === "invalid_transition" && order.status) {
      text = t("orders.bulk.not_from", { status: statusName(result.error.current || order.status) });
    } else {
      text = orderErrorText({ status: 409, ...(result.error || {}) });
    }
    return { id: result.id, number: order.number, ok: Boolean(result.ok), text };
  });
  return { rows };
}

/** The results box shown above the list after a bulk action. */
export function resultsBox(outcome, onDismiss) {
  if (outcome.error) {
    return h("div", { class: "notice notice-error bulk-results", role: "alert" }, outcome.error);
  }
  const ok = outcome.rows.filter((row) => row.ok).length;
  const failed = outcome.rows.length - ok;
  return h("div", { class: ["notice", "bulk-results", failed ? "notice-warn" : "notice-ok"], role: "status" },
    h("div", { class: "spread" },
      h("strong", {}, t("orders.bulk.results", { ok, failed })),
      h("button", { type: "button", class: "link-button", onclick: onDismiss }, t("orders.bulk.dismiss"))),
    h("ul", { class: "bulk-result-list" }, outcome.rows.map((row) =>
      h("li", { class: row.ok ? "ok" : "failed", dataset: { id: row.id } },
        h("span", { class: "mark", "aria-hidden": "true" }, row.ok ? "✓" : "✗"), " ",
        h("a", { href: `/dashboard/orders/${encodeURIComponent(row.id)}` },
          row.number ? t("orders.bulk.order", { number: row.number }) : row.id),
        " — ", row.text))));
}
