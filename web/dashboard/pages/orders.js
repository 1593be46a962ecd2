// The orders list (/dashboard/orders): status tabs, search, wilaya and date filters
// (all kept in the address, so reload and back show the same list), pages through
// next_cursor, the CSV of the same filters, and bulk moves and shipments.
import { debounce, h, loadCss, mount, toast } from "/shared/dom.js";
import { addMessages, locale, t } from "/shared/i18n.js";
import { dateTime, money, phone as formatPhone, relative, wilayaName } from "/shared/format.js";
import { errorState, errorText, spinner } from "/shared/ui.js";
import { STATUSES, can, flagBadges, icon, orderWilaya, saveResponse, statusBadge, wilayas } from "../lib/orders-common.js";
import { bulkBar, resultsBox } from "../lib/orders-bulk.js";

addMessages({
  fr: {
    "orders.title": "Commandes", "orders.tab.all": "Toutes", "orders.tabs": "Statut",
    "orders.search": "Rechercher : téléphone, nom ou n°", "orders.wilaya": "Wilaya", "orders.wilaya.all": "Toutes les wilayas",
    "orders.from": "Du", "orders.to": "Au", "orders.reset": "Effacer les filtres", "orders.export": "Exporter CSV",
    "orders.exported": "Export téléchargé : {name}",
    "orders.col.number": "N°", "orders.col.date": "Date", "orders.col.customer": "Client", "orders.col.wilaya": "Wilaya",
    "orders.col.items": "Articles", "orders.col.total": "Total", "orders.col.status": "Statut",
    "orders.select_all": "Tout sélectionner", "orders.select": "Sélectionner la commande {number}",
    "orders.more_items": "+{n} autre(s)", "orders.load_more": "Afficher plus", "orders.shown": "{n} commande(s) affichée(s)",
    "orders.empty": "Aucune commande pour l'instant. Elles apparaîtront ici dès la première commande de votre boutique.",
    "orders.empty_filtered": "Aucune commande ne correspond à ces filtres.",
    "orders.new_arrivals": "{n} nouvelle(s) commande(s) : afficher",
  },
  ar: {
    "orders.title": "الطلبات", "orders.tab.all": "الكل", "orders.tabs": "الحالة",
    "orders.search": "بحث: الهاتف أو الاسم أو الرقم", "orders.wilaya": "الولاية", "orders.wilaya.all": "كل الولايات",
    "orders.from": "من", "orders.to": "إلى", "orders.reset": "مسح الفلاتر", "orders.export": "تصدير CSV",
    "orders.exported": "تم تنزيل الملف: {name}",
    "orders.col.number": "الرقم", "orders.col.date": "التاريخ", "orders.col.customer": "الزبون", "orders.col.wilaya": "الولاية",
    "orders.col.items": "المنتجات", "orders.col.total": "المجموع", "orders.col.status": "الحالة",
    "orders.select_all": "تحديد الكل", "orders.select": "تحديد الطلب {number}",
    "orders.more_items": "+{n} أخرى", "orders.load_more": "عرض المزيد", "orders.shown": "{n} طلب معروض",
    "orders.empty": "لا توجد طلبات بعد. ستظهر هنا مع أول طلب في متجرك.",
    "orders.empty_filtered": "لا توجد طلبات تطابق هذه الفلاتر.",
    "orders.new_arrivals": "طلبات جديدة ({n}): عرض",
  },
  en: {
    "orders.title": "Orders", "orders.tab.all": "All", "orders.tabs": "Status",
    "orders.search": "Search: phone, name or number", "orders.wilaya": "Wilaya", "orders.wilaya.all": "All wilayas",
    "orders.from": "From", "orders.to": "To", "orders.reset": "Clear filters", "orders.export": "Export CSV",
    "orders.exported": "Export downloaded: {name}",
    "orders.col.number": "No.", "orders.col.date": "Date", "orders.col.customer": "Customer", "orders.col.wilaya": "Wilaya",
    "orders.col.items": "Items", "orders.col.total": "Total", "orders.col.status": "Status",
    "orders.select_all": "Select all", "orders.select": "Select order {number}",
    "orders.more_items": "+{n} more", "orders.load_more": "Show more", "orders.shown": "{n} order(s) shown",
    "orders.empty": "No orders yet. They will show here with your store's first order.",
    "orders.empty_filtered": "No orders match these filters.",
    "orders.new_arrivals": "{n} new order(s): show",
  },
});

const FILTERS = ["status", "wilaya", "q", "from", "to"];
const PAGE = 50;

function readFilters(query) {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, (query.get(name) || "").trim()]));
  if (!STATUSES.includes(filters.status)) filters.status = "";
  return filters;
}

/** The API's query for the filters: dates are whole local days. */
function apiQuery(filters) {
  const query = { status: filters.status, wilaya: filters.wilaya, q: filters.q };
  if (/^\d{4}-\d{2}-\d{2}$/.test(filters.from)) query.from = new Date(`${filters.from}T00:00:00`).toISOString();
  if (/^\d{4}-\d{2}-\d{2}$/.test(filters.to)) query.to = new Date(`${filters.to}T23:59:59.999`).toISOString();
  return query;
}

function addressOf(filters) {
  const params = new URLSearchParams();
  for (const name of FILTERS) if (filters[name]) params.set(name, filters[name]);
  const search = params.toString();
  return `/dashboard/orders${search ? `?${search}` : ""}`;
}

/** Today's orders by time, older ones by day and time: dense and exact. */
function shortWhen(iso) {
  if (!iso) return "—";
  const when = new Date(iso);
  const now = new Date();
  const sameDay = when.toDateString() === now.toDateString();
  const options = sameDay ? { hour: "2-digit", minute: "2-digit" }
    : { day: "numeric", month: "short", ...(when.getFullYear() === now.getFullYear() ? { hour: "2-digit", minute: "2-digit" } : { year: "numeric" }) };
  return new Intl.DateTimeFormat(locale(), options).format(when);
}

export default async function ordersPage(ctx) {
  loadCss("/dashboard/css/orders.css");
  const filters = readFilters(ctx.query);
  const state = { items: [], cursor: null, selected: new Set(), loadId: 0, outcome: null };
  const writable = can(ctx, "orders:write");

  const list = h("div", { class: "orders-list" });
  const fresh = h("div", { class: "new-orders-slot", role: "status", "aria-live": "polite" });
  const results = h("div", { class: "bulk-results-slot" });
  const bulk = writable ? bulkBar(ctx, {
    selected: () => state.items.filter((o) => state.selected.has(o.id)),
    clear: () => { state.selected.clear(); refreshSelection(); },
    onDone: (outcome) => { state.outcome = outcome; state.selected.clear(); showResults(); load(); },
  }) : null;

  function showResults() {
    mount(results, state.outcome ? resultsBox(state.outcome, () => { state.outcome = null; showResults(); }) : null);
  }

  // --- filters -------------------------------------------------------------
  const tabs = h("div", { class: "tabs orders-tabs", role: "tablist", "aria-label": t("orders.tabs") },
    ["", ...STATUSES].map((status) => h("button", {
      type: "button", role: "tab", dataset: { status: status || "all" },
      "aria-selected": String(filters.status === status),
      onclick: () => change({ status }),
    }, status ? t(`orders.status.${status}`) : t("orders.tab.all"))));
  const search = h("input", { type: "search", name: "q", value: filters.q, placeholder: t("orders.search"),
    "aria-label": t("orders.search"), autocomplete: "off", enterkeyhint: "search" });
  const typed = debounce(() => change({ q: search.value.trim() }, { replace: true }), 350);
  search.addEventListener("input", typed);
  search.addEventListener("keydown", (event) => { if (event.key === "Enter") change({ q: search.value.trim() }, { replace: true }); });
  const wilaya = h("select", { name: "wilaya", "aria-label": t("orders.wilaya"), onchange: () => change({ wilaya: wilaya.value }) },
    h("option", { value: "" }, t("orders.wilaya.all")),
    filters.wilaya ? h("option", { value: filters.wilaya, selected: true }, filters.wilaya) : null);
  wilayas(ctx.api).then((items) => mount(wilaya, h("option", { value: "" }, t("orders.wilaya.all")),
    items.map((w) => h("option", { value: String(w.code), selected: String(w.code) === filters.wilaya }, wilayaName(w)))))
    .catch(() => { /* the filter keeps what the address said */ });
  const from = h("input", { type: "date", name: "from", value: filters.from, "aria-label": t("orders.from"),
    onchange: () => change({ from: from.value }) });
  const to = h("input", { type: "date", name: "to", value: filters.to, "aria-label": t("orders.to"),
    onchange: () => change({ to: to.value }) });
  const reset = h("button", { type: "button", class: "link-button orders-reset", onclick: () => {
    search.value = ""; from.value = ""; to.value = ""; wilaya.value = "";
    change({ wilaya: "", q: "", from: "", to: "" });
  } }, t("orders.reset"));
  const exportButton = h("button", { type: "button", class: "btn", onclick: () => exportCsv(exportButton) }, icon("download"), t("orders.export"));

  function change(patch, { replace = false } = {}) {
    const before = addressOf(filters);
    Object.assign(filters, patch);
    const after = addressOf(filters);
    if (after === before) return;
    if (replace) history.replaceState({}, "", after); else history.pushState({}, "", after);
    for (const tab of tabs.children) tab.setAttribute("aria-selected", String((tab.dataset.status === "all" ? "" : tab.dataset.status) === filters.status));
    state.selected.clear();
    load();
  }

  async function exportCsv(button) {
    button.disabled = true;
    try {
      const response = await ctx.api.request("GET", "/v1/orders/export.csv", { query: apiQuery(filters), raw: true });
      const name = await saveResponse(response, `orders-${new Date().toISOString().slice(0, 10)}${filters.status ? `-${filters.status}` : ""}.csv`);
      toast(t("orders.exported", { name }), "ok");
    } catch (error) {
      toast(errorText(error), "error");
    } finally {
      button.disabled = false;
    }
  }

  // --- the list ------------------------------------------------------------
  async function load(more = false) {
    const loadId = ++state.loadId;
    if (!more) { state.items = []; state.cursor = null; mount(list, spinner()); refreshSelection(); }
    try {
      const page = await ctx.api.get("/v1/orders", { query: { ...apiQuery(filters), limit: PAGE, cursor: more ? state.cursor : null } });
      if (loadId !== state.loadId) return;
      state.items.push(...page.items);
      state.cursor = page.next_cursor;
      renderList();
    } catch (error) {
      if (loadId !== state.loadId) return;
      if (more) toast(errorText(error), "error");
      else mount(list, errorState(error, () => load()));
    }
  }

  function renderList() {
    const filtered = Boolean(filters.status || filters.wilaya || filters.q || filters.from || filters.to);
    reset.classList.toggle("hidden", !(filters.wilaya || filters.q || filters.from || filters.to));
    if (!state.items.length) {
      mount(list, h("div", { class: "empty card orders-empty" }, filtered ? t("orders.empty_filtered") : t("orders.empty")));
      return refreshSelection();
    }
    const selectAll = writable ? h("input", { type: "checkbox", class: "select-all", "aria-label": t("orders.select_all"),
      onchange: () => { for (const o of state.items) (selectAll.checked ? state.selected.add(o.id) : state.selected.delete(o.id)); refreshSelection(); } }) : null;
    const table = h("table", { class: "table orders-table" },
      h("thead", {}, h("tr", {},
        writable ? h("th", { class: "check" }, selectAll) : null,
        h("th", {}, t("orders.col.number")), h("th", {}, t("orders.col.date")), h("th", {}, t("orders.col.customer")),
        h("th", { class: "col-wilaya" }, t("orders.col.wilaya")), h("th", { class: "col-items" }, t("orders.col.items")),
        h("th", { class: "num" }, t("orders.col.total")), h("th", {}, t("orders.col.status")))),
      h("tbody", {}, state.items.map((order) => row(order))));
    mount(list,
      h("div", { class: "table-wrap" }, table),
      h("div", { class: "orders-foot" },
        h("span", { class: "muted small" }, t("orders.shown", { n: state.items.length })),
        state.cursor ? h("button", { type: "button", class: "btn load-more", onclick: (event) => {
          event.currentTarget.disabled = true; load(true);
        } }, t("orders.load_more")) : null));
    refreshSelection();
  }

  function row(order) {
    const href = `/dashboard/orders/${encodeURIComponent(order.id)}`;
    const lines = order.items || [];
    const check = writable ? h("input", { type: "checkbox", class: "select-row", checked: state.selected.has(order.id),
      "aria-label": t("orders.select", { number: order.number }),
      onchange: () => { (check.checked ? state.selected.add(order.id) : state.selected.delete(order.id)); refreshSelection(); } }) : null;
    return h("tr", {
      dataset: { id: order.id, status: order.status }, class: (order.flags || []).length ? "flagged" : null,
      onclick: (event) => {
        if (event.target.closest("a, input, button, label, .check")) return;
        ctx.navigate(href);
      },
    },
    writable ? h("td", { class: "check" }, check) : null,
    h("td", { class: "col-number" }, h("a", { href, class: "order-link" }, `#${order.number}`)),
    h("td", { class: "col-date", title: `${dateTime(order.created_at)} (${relative(order.created_at)})` }, shortWhen(order.created_at)),
    h("td", { class: "col-customer" },
      h("div", { class: "customer-name" }, order.customer && order.customer.name, " ", flagBadges(order)),
      h("div", { class: "muted small" }, h("bdi", { class: "phone", dir: "ltr" }, formatPhone(order.customer && order.customer.phone)))),
    h("td", { class: "col-wilaya" }, orderWilaya(order.shipping)),
    h("td", { class: "col-items" },
      h("span", { class: "items-text", title: lines.map((l) => `${l.quantity} × ${l.name}`).join("\n") },
        lines.length ? [`${lines[0].quantity} × `, h("bdi", {}, lines[0].name)] : "—"),
      lines.length > 1 ? h("span", { class: "muted small" }, t("orders.more_items", { n: lines.length - 1 })) : null),
    h("td", { class: "num total" }, money(order.totals && order.totals.total)),
    h("td", {}, statusBadge(order.status)));
  }

  function refreshSelection() {
    for (const input of list.querySelectorAll("tr[data-id] .select-row")) {
      input.checked = state.selected.has(input.closest("tr").dataset.id);
      input.closest("tr").classList.toggle("selected", input.checked);
    }
    const all = list.querySelector(".select-all");
    if (all) {
      all.checked = state.items.length > 0 && state.items.every((o) => state.selected.has(o.id));
      all.indeterminate = !all.checked && state.items.some((o) => state.selected.has(o.id));
    }
    if (bulk) bulk.render();
  }

  mount(ctx.main, h("div", { class: "orders-page" },
    h("div", { class: "page-head" }, h("h1", {}, t("orders.title")), h("div", { class: "row" }, exportButton)),
    tabs,
    h("div", { class: "orders-filters" },
      h("div", { class: "filter-search" }, search),
      h("label", { class: "filter" }, h("span", { class: "filter-label" }, t("orders.wilaya")), wilaya),
      h("label", { class: "filter" }, h("span", { class: "filter-label" }, t("orders.from")), from),
      h("label", { class: "filter" }, h("span", { class: "filter-label" }, t("orders.to")), to),
      reset),
    bulk ? bulk.element : null,
    results,
    fresh,
    list));
  // New orders announced by the bell: offered above the list, not pushed into it
  // under the merchant's cursor.
  const arrivals = new Set();
  const onNotification = (event) => {
    const item = event.detail || {};
    if (item.type !== "order.created" || state.items.some((order) => order.id === item.order_id)) return;
    arrivals.add(item.order_id || item.id);
    mount(fresh, h("button", { type: "button", class: "btn btn-small new-orders", onclick: () => {
      arrivals.clear(); mount(fresh); load();
    } }, t("orders.new_arrivals", { n: arrivals.size })));
  };
  window.addEventListener("dzorders:notification", onNotification);
  await load();
  return () => { state.loadId += 1; window.removeEventListener("dzorders:notification", onNotification); };
}
