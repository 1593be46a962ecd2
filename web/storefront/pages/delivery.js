// The delivery part of checkout: wilaya, then its communes, home or stop desk
// with this store's fee for that wilaya, and the courier desk when the store's
// couriers have desks there. It knows the store's rates, so the page can show
// the fee before the order is sent (the API prices it again, from the same rates).
import { h, mount } from "/shared/dom.js";
import { t } from "/shared/i18n.js";
import { money, wilayaName } from "/shared/format.js";
import { field, errorState } from "/shared/ui.js";
import { communes, placeName, sortedByName } from "/shared/geo.js";

/** The store's rates per wilaya and its desks, cached for the visit. */
export class DeliveryData {
  constructor(api, slug) {
    this.api = api;
    this.base = `/v1/stores/${encodeURIComponent(slug)}`;
    this.rates = null;
    this.desks = new Map();
  }

  shipping() {
    if (!this.rates) {
      this.rates = this.api.get(`${this.base}/shipping`).then((page) => page.items)
        .catch((error) => { this.rates = null; throw error; });
    }
    return this.rates;
  }

  /** The desks of one wilaya; none when they cannot be read (the store then picks one). */
  stopDesks(wilaya) {
    if (!this.desks.has(wilaya)) {
      this.desks.set(wilaya, this.api.get(`${this.base}/stop-desks`, { query: { wilaya } })
        .then((page) => page.items)
        .catch(() => { this.desks.delete(wilaya); return []; }));
    }
    return this.desks.get(wilaya);
  }
}

function option(value, label, props = {}) {
  return h("option", { value, ...props }, label);
}

/**
 * The section and its state. `draft` holds the choices (kept across language
 * switches); `onChange()` runs whenever the fee or a choice changes.
 */
export function deliverySection({ rates, data, draft, onChange }) {
  const byCode = new Map(rates.map((rate) => [rate.code, rate]));
  const wilaya = h("select", { name: "wilaya", autocomplete: "address-level1" },
    option("", t("checkout.choose_wilaya")),
    rates.map((rate) => rate.enabled
      ? option(String(rate.code), wilayaName(rate))
      : option(String(rate.code), t("checkout.no_delivery", { name: wilayaName(rate) }), { disabled: true })));
  const commune = h("select", { name: "commune", autocomplete: "address-level2", disabled: true });
  const communeStatus = h("div", { class: "sf-inline-status" });
  const types = h("div", { class: "sf-choices", role: "radiogroup", "aria-label": t("checkout.type") });
  const desk = h("select", { name: "stop_desk" });
  const deskField = field("shipping.stop_desk", t("checkout.desk"), desk);
  const deskNote = h("p", { class: "help sf-desk-note hidden" }, t("checkout.desk_by_store"));
  let desksShown = false;

  const rate = () => byCode.get(Number(draft.wilaya)) || null;

  function drawTypes() {
    const current = rate();
    if (current && draft.delivery_type === "stop_desk" && current.stop_desk === null) draft.delivery_type = "home";
    const choice = (value, titleKey, helpKey, fee) => {
      const offered = !current || fee !== null;
      return h("label", { class: ["choice", "sf-type", !offered && "is-disabled"] },
        h("input", { type: "radio", name: "delivery_type", value, checked: draft.delivery_type === value,
          disabled: !offered, onchange: () => { draft.delivery_type = value; refresh(); } }),
        h("span", { class: "sf-type-text" }, h("strong", {}, t(titleKey)), h("span", { class: "help" }, offered ? t(helpKey) : t("checkout.not_offered"))),
        h("span", { class: "sf-type-fee num" }, current ? (fee === null ? "" : money(fee)) : ""));
    };
    types.replaceChildren(
      choice("home", "checkout.home", "checkout.home_help", current ? current.home : null),
      choice("stop_desk", "checkout.stop_desk", "checkout.stop_desk_help", current ? current.stop_desk : null));
    if (!current) types.append(h("p", { class: "help" }, t("checkout.pick_wilaya_for_fee")));
  }

  async function drawCommunes() {
    const code = draft.wilaya;
    communeStatus.replaceChildren();
    if (!code) {
      commune.replaceChildren(option("", t("checkout.commune_first")));
      commune.disabled = true;
      return;
    }
    commune.replaceChildren(option("", t("ui.loading")));
    commune.disabled = true;
    try {
      const list = sortedByName(await communes(code));
      if (draft.wilaya !== code) return;        // the customer moved on meanwhile
      mount(commune, option("", t("checkout.choose_commune")),
        list.map((item) => option(item.code, placeName(item), { selected: item.code === draft.commune })));
      commune.disabled = false;
      if (!list.some((item) => item.code === draft.commune)) draft.commune = "";
    } catch (error) {
      commune.replaceChildren(option("", t("checkout.load_failed")));
      communeStatus.replaceChildren(errorState(error, drawCommunes));
    }
  }

  async function drawDesks() {
    const code = draft.wilaya;
    const wanted = draft.delivery_type === "stop_desk" && code;
    const desks = wanted ? await data.stopDesks(Number(code)) : [];
    if (draft.wilaya !== code) return;
    desksShown = wanted && desks.length > 0;
    deskField.classList.toggle("hidden", !desksShown);
    deskNote.classList.toggle("hidden", !(wanted && !desks.length));
    if (!desksShown) { draft.stop_desk = ""; return; }
    if (!desks.some((item) => item.id === draft.stop_desk)) draft.stop_desk = desks.length === 1 ? desks[0].id : "";
    mount(desk, option("", t("checkout.choose_desk")), desks.map((item) =>
      option(item.id, [item.name, item.address || item.commune].filter(Boolean).join(" — "), { selected: item.id === draft.stop_desk })));
  }

  function refresh() {
    drawTypes();
    drawDesks();
    onChange();
  }

  wilaya.value = draft.wilaya || "";
  if (draft.wilaya && !rate()?.enabled) { draft.wilaya = ""; wilaya.value = ""; }
  wilaya.addEventListener("change", () => {
    draft.wilaya = wilaya.value;
    draft.commune = "";
    drawCommunes();
    if (draft.wilaya) data.stopDesks(Number(draft.wilaya));     // fetch early: it is likely asked next
    refresh();
  });
  commune.addEventListener("change", () => { draft.commune = commune.value; onChange(); });
  desk.addEventListener("change", () => { draft.stop_desk = desk.value; onChange(); });
  deskField.classList.add("hidden");
  drawCommunes();
  drawTypes();
  drawDesks();

  const element = h("div", { class: "sf-delivery" },
    h("div", { class: "sf-two" },
      field("shipping.wilaya", t("checkout.wilaya"), wilaya),
      h("div", {}, field("shipping.commune", t("checkout.commune"), commune), communeStatus)),
    h("div", { class: "field", dataset: { field: "shipping.delivery_type" } }, h("span", { class: "label" }, t("checkout.type")), types),
    deskField, deskNote);

  return {
    element,
    /** The delivery fee for the current choice, or null before a wilaya is chosen. */
    fee() {
      const current = rate();
      if (!current) return null;
      return draft.delivery_type === "stop_desk" ? current.stop_desk : current.home;
    },
    /** Fields left empty that the customer must fill, by API name. */
    missing() {
      const names = [];
      if (!draft.wilaya) names.push("shipping.wilaya");
      if (!draft.commune) names.push("shipping.commune");
      if (desksShown && !draft.stop_desk) names.push("shipping.stop_desk");
      return names;
    },
    body() {
      return { wilaya: Number(draft.wilaya), commune: draft.commune, delivery_type: draft.delivery_type,
        stop_desk: draft.delivery_type === "stop_desk" && draft.stop_desk ? draft.stop_desk : null };
    },
  };
}
