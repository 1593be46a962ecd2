// Settings › Delivery: the fee to each wilaya (home and stop desk) and whether the
// store delivers there (PUT /v1/shipping/rates), with bulk helpers; and the stop desks
// the couriers offer (as last synced).
import { h, mount, toast } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";
import { wilayaName } from "/shared/format.js";
import { clearFormErrors, errorState, loadInto, showFormErrors, spinner } from "/shared/ui.js";
import { can } from "./settings-common.js";

addMessages({
  fr: {
    "settings.shipping.lead": "Frais de livraison facturés au client, par wilaya. Laissez « point relais » vide si vous n'en proposez pas.",
    "settings.shipping.rates": "Tarifs par wilaya", "settings.shipping.wilaya": "Wilaya", "settings.shipping.enabled": "Livrée",
    "settings.shipping.home": "À domicile (DZD)", "settings.shipping.stop_desk": "Point relais (DZD)",
    "settings.shipping.filter": "Chercher une wilaya", "settings.shipping.bulk": "Remplir en masse",
    "settings.shipping.bulk_home": "Domicile", "settings.shipping.bulk_desk": "Point relais",
    "settings.shipping.apply_all": "Appliquer à toutes les wilayas affichées", "settings.shipping.enable_all": "Tout activer", "settings.shipping.disable_all": "Tout désactiver",
    "settings.shipping.changed": "{n} wilaya(s) modifiée(s) non enregistrée(s)", "settings.shipping.nothing": "Aucune modification à enregistrer.",
    "settings.shipping.invalid": "Un montant entier de 0 à 100 000 DZD.",
    "settings.shipping.desks": "Points relais des transporteurs", "settings.shipping.desks_lead": "Synchronisés depuis vos transporteurs (Réglages › Transporteurs › Synchroniser). Vos clients les choisissent à la commande.",
    "settings.shipping.desks_none": "Aucun point relais synchronisé pour l'instant.", "settings.shipping.all_wilayas": "Toutes les wilayas",
    "settings.shipping.courier": "Transporteur", "settings.shipping.desk": "Point relais", "settings.shipping.address": "Adresse",
    "settings.shipping.count": "{n} points relais",
  },
  ar: {
    "settings.shipping.lead": "رسوم التوصيل التي يدفعها الزبون حسب الولاية. اترك «مكتب التوصيل» فارغًا إن لم تقترحه.",
    "settings.shipping.rates": "الأسعار حسب الولاية", "settings.shipping.wilaya": "الولاية", "settings.shipping.enabled": "مُفعّلة",
    "settings.shipping.home": "إلى المنزل (د.ج)", "settings.shipping.stop_desk": "مكتب التوصيل (د.ج)",
    "settings.shipping.filter": "ابحث عن ولاية", "settings.shipping.bulk": "تعبئة جماعية",
    "settings.shipping.bulk_home": "المنزل", "settings.shipping.bulk_desk": "مكتب التوصيل",
    "settings.shipping.apply_all": "تطبيق على كل الولايات المعروضة", "settings.shipping.enable_all": "تفعيل الكل", "settings.shipping.disable_all": "تعطيل الكل",
    "settings.shipping.changed": "{n} ولاية معدّلة غير محفوظة", "settings.shipping.nothing": "لا توجد تغييرات للحفظ.",
    "settings.shipping.invalid": "مبلغ صحيح من 0 إلى 100000 د.ج.",
    "settings.shipping.desks": "مكاتب التوصيل لدى الشركات", "settings.shipping.desks_lead": "تتم مزامنتها من شركات التوصيل (الإعدادات › شركات التوصيل › مزامنة). يختارها زبائنك عند الطلب.",
    "settings.shipping.desks_none": "لا توجد مكاتب توصيل متزامنة حاليًا.", "settings.shipping.all_wilayas": "كل الولايات",
    "settings.shipping.courier": "شركة التوصيل", "settings.shipping.desk": "المكتب", "settings.shipping.address": "العنوان",
    "settings.shipping.count": "{n} مكتب توصيل",
  },
  en: {
    "settings.shipping.lead": "Delivery fees charged to the customer, per wilaya. Leave “stop desk” empty if you do not offer it.",
    "settings.shipping.rates": "Rates per wilaya", "settings.shipping.wilaya": "Wilaya", "settings.shipping.enabled": "Delivered",
    "settings.shipping.home": "Home (DZD)", "settings.shipping.stop_desk": "Stop desk (DZD)",
    "settings.shipping.filter": "Find a wilaya", "settings.shipping.bulk": "Bulk fill",
    "settings.shipping.bulk_home": "Home", "settings.shipping.bulk_desk": "Stop desk",
    "settings.shipping.apply_all": "Apply to every wilaya shown", "settings.shipping.enable_all": "Enable all", "settings.shipping.disable_all": "Disable all",
    "settings.shipping.changed": "{n} wilaya(s) changed, not saved", "settings.shipping.nothing": "Nothing to save.",
    "settings.shipping.invalid": "A whole amount from 0 to 100,000 DZD.",
    "settings.shipping.desks": "Couriers' stop desks", "settings.shipping.desks_lead": "Synced from your couriers (Settings › Couriers › Sync). Customers pick one at checkout.",
    "settings.shipping.desks_none": "No stop desk synced yet.", "settings.shipping.all_wilayas": "All wilayas",
    "settings.shipping.courier": "Courier", "settings.shipping.desk": "Stop desk", "settings.shipping.address": "Address",
    "settings.shipping.count": "{n} stop desks",
  },
});

const name = (rate) => wilayaName({ code: rate.wilaya, name_fr: rate.name_fr, name_ar: rate.name_ar, names: rate.names });

export default async function shippingSection(container, ctx) {
  const ratesArea = h("div");
  const desksArea = h("div", { class: "card" });
  mount(container, h("p", { class: "muted" }, t("settings.shipping.lead")), ratesArea, desksArea);
  await Promise.all([
    loadInto(ratesArea, () => ctx.api.get("/v1/shipping/rates"), (data) => ratesForm(data.rates, ctx, ratesArea)),
    desks(desksArea, ctx),
  ]);
}

function ratesForm(rates, ctx, area) {
  const writable = can(ctx, "store:write");
  const rows = rates.map((rate) => rateRow(rate, writable, () => updateCount()));
  const status = h("span", { class: "muted small", "aria-live": "polite" });
  const filter = h("input", { type: "search", placeholder: t("settings.shipping.filter"), "aria-label": t("settings.shipping.filter"),
    oninput: () => {
      const query = filter.value.trim().toLowerCase();
      for (const row of rows) row.tr.classList.toggle("hidden", !!query && !row.search.includes(query));
    } });
  const bulkHome = h("input", { type: "number", min: 0, max: 100000, inputmode: "numeric", id: "bulk-home" });
  const bulkDesk = h("input", { type: "number", min: 0, max: 100000, inputmode: "numeric", id: "bulk-desk" });
  const visible = () => rows.filter((row) => !row.tr.classList.contains("hidden"));
  const bulk = writable ? h("div", { class: "card bulk-bar", role: "group", "aria-label": t("settings.shipping.bulk") },
    h("strong", { class: "bulk-title" }, t("settings.shipping.bulk")),
    h("div", { class: "field" }, h("label", { for: "bulk-home" }, t("settings.shipping.bulk_home")), bulkHome),
    h("div", { class: "field" }, h("label", { for: "bulk-desk" }, t("settings.shipping.bulk_desk")), bulkDesk),
    h("button", { type: "button", class: "btn", onclick: () => {
      for (const row of visible()) {
        if (bulkHome.value !== "") row.home.value = bulkHome.value;
        if (bulkDesk.value !== "") row.desk.value = bulkDesk.value;
        row.mark();
      }
      updateCount();
    } }, t("settings.shipping.apply_all")),
    h("button", { type: "button", class: "btn", onclick: () => { for (const row of visible()) { row.enabled.checked = true; row.mark(); } updateCount(); } }, t("settings.shipping.enable_all")),
    h("button", { type: "button", class: "btn", onclick: () => { for (const row of visible()) { row.enabled.checked = false; row.mark(); } updateCount(); } }, t("settings.shipping.disable_all")))
    : h("p", { class: "notice" }, t("settings.readonly"));
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("settings.save"));
  const updateCount = () => {
    const changed = rows.filter((row) => row.changed()).length;
    status.textContent = changed ? t("settings.shipping.changed", { n: changed }) : "";
  };
  const form = h("form", { class: "settings-form rates-form", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const changed = rows.filter((row) => row.changed());
    if (!changed.length) { toast(t("settings.shipping.nothing")); return; }
    const fields = {};
    const body = changed.map((row) => row.value(fields));
    if (Object.keys(fields).length) return showFormErrors(form, { code: "validation_error", fields });
    submit.disabled = true;
    try {
      const saved = await ctx.api.put("/v1/shipping/rates", { rates: body });
      toast(t("settings.saved"), "ok");
      mount(area, ratesForm(saved.rates, ctx, area));
    } catch (error) {
      // The API names rates[<index in the body>]; map back to our rows.
      const fieldsByRow = {};
      for (const [key, text] of Object.entries(error.fields || {})) {
        const found = key.match(/^rates\[(\d+)\](.*)$/);
        fieldsByRow[found && changed[Number(found[1])] ? `rate-${changed[Number(found[1])].code}${found[2]}` : key] = text;
      }
      showFormErrors(form, { ...error, fields: fieldsByRow });
    } finally {
      submit.disabled = false;
    }
  } },
  h("div", { class: "spread sub-nav" }, h("h2", { class: "section-title" }, t("settings.shipping.rates")),
    h("div", { class: "row" }, filter, writable ? h("button", { type: "submit", class: "btn btn-primary save-top" }, t("settings.save")) : null)),
  bulk,
  h("div", { class: "form-error notice notice-error hidden", role: "alert" }),
  h("div", { class: "table-wrap" }, h("table", { class: "table rates-table" },
    h("thead", {}, h("tr", {}, h("th", {}, t("settings.shipping.wilaya")), h("th", {}, t("settings.shipping.enabled")),
      h("th", {}, t("settings.shipping.home")), h("th", {}, t("settings.shipping.stop_desk")))),
    h("tbody", {}, rows.map((row) => row.tr)))),
  writable ? h("div", { class: "form-actions" }, status, submit) : null);
  return form;
}

function rateRow(rate, writable, onChange) {
  const label = name(rate);
  const enabled = h("input", { type: "checkbox", checked: !!rate.enabled, disabled: !writable, "aria-label": `${t("settings.shipping.enabled")} — ${label}` });
  const home = h("input", { type: "number", min: 0, max: 100000, value: rate.home ?? "", disabled: !writable, inputmode: "numeric",
    "aria-label": `${t("settings.shipping.home")} — ${label}`, name: `home-${rate.wilaya}` });
  const desk = h("input", { type: "number", min: 0, max: 100000, value: rate.stop_desk ?? "", disabled: !writable, inputmode: "numeric",
    "aria-label": `${t("settings.shipping.stop_desk")} — ${label}`, name: `stop_desk-${rate.wilaya}` });
  const tr = h("tr", { dataset: { wilaya: rate.wilaya } },
    h("td", {}, label),
    h("td", {}, enabled),
    h("td", {}, h("div", { class: "field", dataset: { field: `rate-${rate.wilaya}.home` } }, home)),
    h("td", {}, h("div", { class: "field", dataset: { field: `rate-${rate.wilaya}.stop_desk` } }, desk)));
  const original = { home: String(rate.home ?? ""), desk: String(rate.stop_desk ?? ""), enabled: !!rate.enabled };
  const row = {
    tr, home, desk, enabled, code: rate.wilaya,
    search: `${rate.wilaya} ${rate.name_fr || ""} ${rate.name_ar || ""}`.toLowerCase(),
    changed: () => home.value !== original.home || desk.value !== original.desk || enabled.checked !== original.enabled,
    mark: () => { tr.classList.toggle("changed", row.changed()); tr.classList.toggle("off", !enabled.checked); },
    value: (fields) => {
      const fee = (input, key, nullable) => {
        if (input.value === "" && nullable) return null;
        const amount = Number(input.value);
        if (input.value === "" || !Number.isInteger(amount) || amount < 0 || amount > 100000) {
          fields[`rate-${rate.wilaya}.${key}`] = t("settings.shipping.invalid");
        }
        return amount;
      };
      return { wilaya: rate.wilaya, enabled: enabled.checked, home: fee(home, "home", false), stop_desk: fee(desk, "stop_desk", true) };
    },
  };
  for (const input of [enabled, home, desk]) input.addEventListener("input", () => { row.mark(); onChange(); });
  enabled.addEventListener("change", () => { row.mark(); onChange(); });
  row.mark();
  return row;
}

async function desks(area, ctx) {
  const wilaya = h("select", { "aria-label": t("settings.shipping.wilaya") }, h("option", { value: "" }, t("settings.shipping.all_wilayas")));
  const list = h("div", { class: "desk-list" });
  mount(area, h("h2", { class: "section-title" }, t("settings.shipping.desks")),
    h("p", { class: "muted small" }, t("settings.shipping.desks_lead")),
    h("div", { class: "row sub-nav" }, wilaya), list);
  const names = {};
  const load = async () => {
    mount(list, spinner());
    try {
      const page = await ctx.api.get(`/v1/stores/${encodeURIComponent(ctx.me.store.slug)}/stop-desks`,
        { query: { wilaya: wilaya.value || undefined } });
      mount(list, deskTable(page.items, names));
    } catch (error) {
      mount(list, errorState(error, load));
    }
  };
  wilaya.addEventListener("change", load);
  try {
    const wilayas = await ctx.api.get("/v1/wilayas");
    for (const item of wilayas.items) names[item.code] = wilayaName(item);
    wilaya.append(...wilayas.items.map((item) => h("option", { value: item.code }, wilayaName(item))));
  } catch { /* the filter stays on "all" */ }
  await load();
}

function deskTable(items, names) {
  if (!items.length) return h("p", { class: "empty" }, t("settings.shipping.desks_none"));
  return h("div", {},
    h("p", { class: "small muted" }, t("settings.shipping.count", { n: items.length })),
    h("div", { class: "table-wrap" }, h("table", { class: "table" },
      h("thead", {}, h("tr", {}, h("th", {}, t("settings.shipping.courier")), h("th", {}, t("settings.shipping.desk")),
        h("th", {}, t("settings.shipping.wilaya")), h("th", {}, t("settings.shipping.address")))),
      h("tbody", {}, items.map((desk) => h("tr", {},
        h("td", {}, h("span", { class: "badge" }, desk.courier)), h("td", {}, desk.name),
        h("td", {}, names[desk.wilaya] || String(desk.wilaya)),
        h("td", { class: "small" }, [desk.commune, desk.address].filter(Boolean).join(" — "))))))));
}

