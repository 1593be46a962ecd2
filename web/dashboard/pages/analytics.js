// Delivery analytics (/dashboard/analytics): orders, confirmation, delivery and
// refusal/return rates and cash collected per wilaya or per courier, over a range of
// days; bars are plain CSS.
import { h, loadCss, mount } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";
import { money, number, percent, wilayaName } from "/shared/format.js";
import { errorState, spinner } from "/shared/ui.js";

addMessages({
  fr: {
    "analytics.title": "Statistiques de livraison", "analytics.lead": "Chaque commande compte le jour où elle a été passée.",
    "analytics.from": "Du", "analytics.to": "Au", "analytics.preset.7": "7 jours", "analytics.preset.30": "30 jours", "analytics.preset.month": "Ce mois-ci",
    "analytics.group": "Regrouper par", "analytics.by.wilaya": "Wilaya", "analytics.by.courier": "Transporteur",
    "analytics.orders": "Commandes", "analytics.confirmation": "Confirmation", "analytics.delivery": "Livraison", "analytics.refusal": "Refus + retours",
    "analytics.cod": "Encaissé (COD)", "analytics.shipped": "Expédiées", "analytics.delivered": "Livrées",
    "analytics.of": "{n} sur {d}", "analytics.total": "Total", "analytics.empty": "Aucune commande sur cette période.",
    "analytics.none_courier": "Sans transporteur", "analytics.forbidden": "Votre rôle ne donne pas accès aux statistiques.",
    "analytics.range_invalid": "La date de début doit précéder la date de fin.",
    "field_error.from": "Date de début invalide (366 jours au plus).", "field_error.to": "Date de fin invalide.",
  },
  ar: {
    "analytics.title": "إحصائيات التوصيل", "analytics.lead": "كل طلب يُحسب في يوم تقديمه.",
    "analytics.from": "من", "analytics.to": "إلى", "analytics.preset.7": "7 أيام", "analytics.preset.30": "30 يومًا", "analytics.preset.month": "هذا الشهر",
    "analytics.group": "التجميع حسب", "analytics.by.wilaya": "الولاية", "analytics.by.courier": "شركة التوصيل",
    "analytics.orders": "الطلبات", "analytics.confirmation": "التأكيد", "analytics.delivery": "التسليم", "analytics.refusal": "الرفض + المرتجعات",
    "analytics.cod": "المبلغ المحصّل", "analytics.shipped": "المُرسلة", "analytics.delivered": "المُسلّمة",
    "analytics.of": "{n} من {d}", "analytics.total": "المجموع", "analytics.empty": "لا توجد طلبات في هذه الفترة.",
    "analytics.none_courier": "بدون شركة توصيل", "analytics.forbidden": "دورك لا يسمح بالاطلاع على الإحصائيات.",
    "analytics.range_invalid": "يجب أن يسبق تاريخ البداية تاريخ النهاية.",
    "field_error.from": "تاريخ بداية غير صالح (366 يومًا على الأكثر).", "field_error.to": "تاريخ نهاية غير صالح.",
  },
  en: {
    "analytics.title": "Delivery analytics", "analytics.lead": "Each order counts on the day it was placed.",
    "analytics.from": "From", "analytics.to": "To", "analytics.preset.7": "7 days", "analytics.preset.30": "30 days", "analytics.preset.month": "This month",
    "analytics.group": "Group by", "analytics.by.wilaya": "Wilaya", "analytics.by.courier": "Courier",
    "analytics.orders": "Orders", "analytics.confirmation": "Confirmation", "analytics.delivery": "Delivery", "analytics.refusal": "Refused + returned",
    "analytics.cod": "Cash collected", "analytics.shipped": "Shipped", "analytics.delivered": "Delivered",
    "analytics.of": "{n} of {d}", "analytics.total": "Total", "analytics.empty": "No orders in this period.",
    "analytics.none_courier": "No courier", "analytics.forbidden": "Your role does not give access to analytics.",
    "analytics.range_invalid": "The start date must come before the end date.",
    "field_error.from": "Invalid start date (at most 366 days).", "field_error.to": "Invalid end date.",
  },
});

const COURIER_NAMES = { yalidine: "Yalidine", ecotrack: "EcoTrack", zr_express: "ZR Express", maystro: "Maystro",
  noest: "Noest", procolis: "Procolis", manual: "Manual" };
const day = (moment) => moment.toISOString().slice(0, 10);
const daysAgo = (n) => { const moment = new Date(); moment.setUTCDate(moment.getUTCDate() - n); return day(moment); };

export default async function analytics(ctx) {
  loadCss("/dashboard/css/analytics.css");
  if (!ctx.me.permissions.includes("couriers:read")) {
    mount(ctx.main, h("div", { class: "page-head" }, h("h1", {}, t("analytics.title"))),
      h("p", { class: "notice notice-warn" }, t("analytics.forbidden")));
    return null;
  }
  const query = ctx.query;
  const from = h("input", { type: "date", name: "from", value: query.get("from") || daysAgo(29), id: "an-from" });
  const to = h("input", { type: "date", name: "to", value: query.get("to") || daysAgo(0), id: "an-to" });
  let group = query.get("group_by") === "courier" ? "courier" : "wilaya";
  const result = h("div", { class: "analytics-result", "aria-live": "polite" });
  const presets = [["7", () => [daysAgo(6), daysAgo(0)]], ["30", () => [daysAgo(29), daysAgo(0)]],
    ["month", () => [`${daysAgo(0).slice(0, 8)}01`, daysAgo(0)]]];
  const presetButtons = presets.map(([key, range]) => h("button", { type: "button", class: "btn btn-small", dataset: { preset: key },
    onclick: () => { [from.value, to.value] = range(); load(); } }, t(`analytics.preset.${key}`)));
  const groupTabs = ["wilaya", "courier"].map((name) => h("button", { type: "button", role: "tab", dataset: { group: name },
    "aria-selected": String(group === name), onclick: () => { group = name; for (const tab of groupTabs) tab.setAttribute("aria-selected", String(tab.dataset.group === group)); load(); } },
  t(`analytics.by.${name}`)));
  for (const input of [from, to]) input.addEventListener("change", () => load());
  mount(ctx.main,
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, t("analytics.title")), h("p", { class: "muted an-lead" }, t("analytics.lead")))),
    h("div", { class: "card an-controls" },
      h("div", { class: "row an-presets" }, presetButtons),
      h("div", { class: "row an-dates" },
        h("label", { for: from.id }, t("analytics.from")), from, h("label", { for: to.id }, t("analytics.to")), to),
      h("div", { class: "tabs an-group", role: "tablist", "aria-label": t("analytics.group") }, groupTabs)),
    result);

  let controller = null;
  async function load() {
    if (from.value && to.value && from.value > to.value) {
      mount(result, h("p", { class: "notice notice-error", role: "alert" }, t("analytics.range_invalid")));
      return;
    }
    for (const button of presetButtons) {
      const [a, b] = presets.find(([key]) => key === button.dataset.preset)[1]();
      button.classList.toggle("btn-primary", a === from.value && b === to.value);
    }
    history.replaceState({}, "", `/dashboard/analytics?from=${from.value}&to=${to.value}&group_by=${group}`);
    if (controller) controller.abort();
    controller = new AbortController();
    mount(result, spinner());
    try {
      const report = await ctx.api.get("/v1/analytics/delivery", { query: { from: from.value, to: to.value, group_by: group }, signal: controller.signal });
      const names = group === "wilaya" ? await wilayaNames(ctx) : {};
      mount(result, render(report, names));
    } catch (error) {
      if (error.name === "AbortError") return;
      mount(result, errorState(error, load));
    }
  }
  await load();
  return () => { if (controller) controller.abort(); };
}

let wilayaCache = null;
async function wilayaNames(ctx) {
  if (!wilayaCache) {
    try {
      const page = await ctx.api.get("/v1/wilayas");
      wilayaCache = Object.fromEntries(page.items.map((wilaya) => [wilaya.code, wilaya]));
    } catch { return {}; }
  }
  return wilayaCache;
}

function rate(bp, numerator, denominator, kind) {
  if (bp === null || bp === undefined) return h("span", { class: "muted" }, "—");
  const width = Math.max(0, Math.min(100, bp / 100));
  return h("div", { class: `rate rate-${kind}`, title: t("analytics.of", { n: number(numerator), d: number(denominator) }) },
    h("span", { class: "rate-value num" }, percent(bp)),
    h("span", { class: "bar", "aria-hidden": "true" }, h("span", { class: "bar-fill", style: { inlineSize: `${width}%` } })));
}

function cells(stats, maxOrders, maxCod) {
  const ordersWidth = stats.orders && maxOrders ? (stats.orders / maxOrders) * 100 : 0;
  const codWidth = stats.cod_collected && maxCod ? (stats.cod_collected / maxCod) * 100 : 0;
  return [
    h("td", { class: "num" }, stats.orders === null || stats.orders === undefined ? "—" : h("div", { class: "count" },
      h("span", { class: "num orders-count" }, number(stats.orders)),
      h("span", { class: "bar thin", "aria-hidden": "true" }, h("span", { class: "bar-fill neutral", style: { inlineSize: `${ordersWidth}%` } })))),
    h("td", {}, rate(stats.confirmation_rate_bp, stats.confirmed, stats.orders, "confirm")),
    h("td", { class: "num" }, number(stats.shipped)),
    h("td", {}, rate(stats.delivery_rate_bp, stats.delivered, stats.shipped, "deliver")),
    h("td", {}, rate(stats.refusal_return_rate_bp, (stats.refused || 0) + (stats.returned || 0), stats.shipped, "refuse")),
    h("td", { class: "num" }, h("div", { class: "count" }, h("span", { class: "num" }, money(stats.cod_collected)),
      h("span", { class: "bar thin", "aria-hidden": "true" }, h("span", { class: "bar-fill cod", style: { inlineSize: `${codWidth}%` } })))),
  ];
}

function summary(totals) {
  const tile = (label, value, sub) => h("div", { class: "card tile" }, h("div", { class: "tile-label" }, label),
    h("div", { class: "tile-value num" }, value), sub ? h("div", { class: "tile-sub small muted" }, sub) : null);
  return h("div", { class: "tiles" },
    tile(t("analytics.orders"), totals.orders === null ? "—" : number(totals.orders)),
    tile(t("analytics.confirmation"), percent(totals.confirmation_rate_bp), totals.orders ? t("analytics.of", { n: number(totals.confirmed), d: number(totals.orders) }) : null),
    tile(t("analytics.delivery"), percent(totals.delivery_rate_bp), totals.shipped ? t("analytics.of", { n: number(totals.delivered), d: number(totals.shipped) }) : null),
    tile(t("analytics.refusal"), percent(totals.refusal_return_rate_bp), totals.shipped ? t("analytics.of", { n: number((totals.refused || 0) + (totals.returned || 0)), d: number(totals.shipped) }) : null),
    tile(t("analytics.cod"), money(totals.cod_collected)));
}

function render(report, names) {
  const items = [...report.items].sort((a, b) => (b.orders ?? b.shipped ?? 0) - (a.orders ?? a.shipped ?? 0));
  if (!items.length) return h("div", {}, summary(report.totals), h("div", { class: "empty card" }, t("analytics.empty")));
  const maxOrders = Math.max(0, ...items.map((item) => item.orders || 0));
  const maxCod = Math.max(0, ...items.map((item) => item.cod_collected || 0));
  const label = (item) => (report.group_by === "wilaya"
    ? (names[item.wilaya] ? wilayaName(names[item.wilaya]) : String(item.wilaya).padStart(2, "0"))
    : item.courier === "none" ? t("analytics.none_courier") : (COURIER_NAMES[item.courier] || item.courier));
  return h("div", {}, summary(report.totals),
    h("div", { class: "table-wrap" }, h("table", { class: "table an-table" },
      h("thead", {}, h("tr", {}, h("th", {}, t(`analytics.by.${report.group_by}`)), h("th", { class: "num" }, t("analytics.orders")),
        h("th", {}, t("analytics.confirmation")), h("th", { class: "num" }, t("analytics.shipped")), h("th", {}, t("analytics.delivery")),
        h("th", {}, t("analytics.refusal")), h("th", { class: "num" }, t("analytics.cod")))),
      h("tbody", {}, items.map((item) => h("tr", { dataset: { key: report.group_by === "wilaya" ? item.wilaya : item.courier } },
        h("th", { scope: "row" }, label(item)), cells(item, maxOrders, maxCod)))),
      h("tfoot", {}, h("tr", { class: "total-row" }, h("th", { scope: "row" }, t("analytics.total")), cells(report.totals, 0, 0))))));
}
