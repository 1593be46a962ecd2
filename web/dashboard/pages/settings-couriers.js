// Settings › Couriers: each courier's credentials (never shown back), its settings,
// a test of the credentials, a sync of stop desks (and fees), the callback URL to
// paste at the courier, and removal.
import { h, mount, toast } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";
import { dateTime, wilayaName } from "/shared/format.js";
import { clearFormErrors, errorText, loadInto, showFormErrors } from "/shared/ui.js";
import { can, confirmDialog, copyField } from "./settings-common.js";

// The courier registry's credential fields (chalicelib/couriers/registry.py).
export const COURIERS = [
  { code: "yalidine", name: "Yalidine", credentials: ["api_id", "api_token"], optional: ["webhook_secret"] },
  { code: "ecotrack", name: "EcoTrack", credentials: ["api_token"], optional: [], needsBaseUrl: true },
  { code: "zr_express", name: "ZR Express", credentials: ["api_key", "tenant_id"], optional: ["webhook_secret"] },
  { code: "maystro", name: "Maystro Delivery", credentials: ["token"], optional: [] },
  { code: "noest", name: "Noest Express", credentials: ["api_token", "user_guid"], optional: [] },
  { code: "procolis", name: "Procolis", credentials: ["token", "key"], optional: [] },
  { code: "manual", name: "Manual", credentials: [], optional: [] },
];

addMessages({
  fr: {
    "settings.couriers.lead": "Connectez vos comptes transporteurs pour expédier en un clic et suivre les colis.",
    "settings.couriers.configured": "Configuré", "settings.couriers.not_configured": "Non configuré",
    "settings.couriers.credentials": "Identifiants", "settings.couriers.kept": "Enregistré — laissez vide pour le garder",
    "settings.couriers.optional": "(facultatif)", "settings.couriers.base_url": "Adresse de l'API (hôte EcoTrack, marque blanche, bac à sable)",
    "settings.couriers.base_url_required": "Obligatoire pour EcoTrack : l'adresse de votre transporteur (ex. https://votre-transporteur.ecotrack.dz).",
    "settings.couriers.sender_wilaya": "Wilaya d'expédition", "settings.couriers.label": "Nom affiché (facultatif)",
    "settings.couriers.test": "Tester la connexion", "settings.couriers.test_ok": "Connexion réussie ({when}).",
    "settings.couriers.sync": "Synchroniser", "settings.couriers.sync_rates": "Lire aussi les tarifs", "settings.couriers.import_rates": "… et les appliquer comme mes frais de livraison",
    "settings.couriers.synced": "{n} points relais synchronisés.", "settings.couriers.rates_imported": "Tarifs importés dans vos frais de livraison.",
    "settings.couriers.rates_error": "Tarifs non lus : {error}", "settings.couriers.rates_read": "{n} tarifs lus.",
    "settings.couriers.callback": "Adresse de rappel à coller chez le transporteur (mises à jour des colis)",
    "settings.couriers.sync_mode.webhook": "Mises à jour poussées par le transporteur", "settings.couriers.sync_mode.polling": "Suivi interrogé régulièrement",
    "settings.couriers.sync_mode.manual": "Sans API (suivi à la main)",
    "settings.couriers.delete_confirm": "Supprimer le compte {name} ? Les colis déjà expédiés gardent leur suivi.",
    "settings.couriers.last_check": "Dernière vérification : {when}",
    "settings.couriers.manual_help": "Pour expédier sans API (votre propre livreur) : aucun identifiant.",
    "settings.couriers.cred.api_id": "API ID", "settings.couriers.cred.api_token": "API token", "settings.couriers.cred.webhook_secret": "Secret du webhook",
    "settings.couriers.cred.api_key": "Clé API", "settings.couriers.cred.tenant_id": "Tenant ID", "settings.couriers.cred.token": "Token",
    "settings.couriers.cred.user_guid": "User GUID", "settings.couriers.cred.key": "Clé",
  },
  ar: {
    "settings.couriers.lead": "اربط حسابات شركات التوصيل لإرسال الطرود بنقرة وتتبعها.",
    "settings.couriers.configured": "مُهيأ", "settings.couriers.not_configured": "غير مُهيأ",
    "settings.couriers.credentials": "بيانات الدخول", "settings.couriers.kept": "محفوظ — اتركه فارغًا للإبقاء عليه",
    "settings.couriers.optional": "(اختياري)", "settings.couriers.base_url": "عنوان الـ API (مضيف EcoTrack، علامة بيضاء، بيئة تجريبية)",
    "settings.couriers.base_url_required": "إلزامي لـ EcoTrack: عنوان شركة التوصيل الخاصة بك.",
    "settings.couriers.sender_wilaya": "ولاية الإرسال", "settings.couriers.label": "الاسم المعروض (اختياري)",
    "settings.couriers.test": "اختبار الاتصال", "settings.couriers.test_ok": "تم الاتصال بنجاح ({when}).",
    "settings.couriers.sync": "مزامنة", "settings.couriers.sync_rates": "قراءة الأسعار أيضًا", "settings.couriers.import_rates": "… واعتمادها كرسوم التوصيل",
    "settings.couriers.synced": "تمت مزامنة {n} مكتب توصيل.", "settings.couriers.rates_imported": "تم استيراد الأسعار إلى رسوم التوصيل.",
    "settings.couriers.rates_error": "لم تُقرأ الأسعار: {error}", "settings.couriers.rates_read": "تمت قراءة {n} سعر.",
    "settings.couriers.callback": "رابط الإشعارات الذي تلصقه لدى شركة التوصيل (تحديثات الطرود)",
    "settings.couriers.sync_mode.webhook": "التحديثات ترسلها الشركة", "settings.couriers.sync_mode.polling": "التتبع يُستعلم دوريًا",
    "settings.couriers.sync_mode.manual": "بدون API (تتبع يدوي)",
    "settings.couriers.delete_confirm": "حذف حساب {name}؟ الطرود المرسلة تحتفظ بتتبعها.",
    "settings.couriers.last_check": "آخر تحقق: {when}",
    "settings.couriers.manual_help": "للإرسال دون API (موصّلك الخاص): لا حاجة لبيانات دخول.",
    "settings.couriers.cred.api_id": "API ID", "settings.couriers.cred.api_token": "API token", "settings.couriers.cred.webhook_secret": "سر الـ webhook",
    "settings.couriers.cred.api_key": "مفتاح API", "settings.couriers.cred.tenant_id": "Tenant ID", "settings.couriers.cred.token": "Token",
    "settings.couriers.cred.user_guid": "User GUID", "settings.couriers.cred.key": "المفتاح",
  },
  en: {
    "settings.couriers.lead": "Connect your courier accounts to ship in one click and track parcels.",
    "settings.couriers.configured": "Configured", "settings.couriers.not_configured": "Not configured",
    "settings.couriers.credentials": "Credentials", "settings.couriers.kept": "Saved — leave empty to keep it",
    "settings.couriers.optional": "(optional)", "settings.couriers.base_url": "API address (EcoTrack host, white label, sandbox)",
    "settings.couriers.base_url_required": "Required for EcoTrack: your courier's address (e.g. https://your-courier.ecotrack.dz).",
    "settings.couriers.sender_wilaya": "Sender wilaya", "settings.couriers.label": "Display name (optional)",
    "settings.couriers.test": "Test connection", "settings.couriers.test_ok": "Connection works ({when}).",
    "settings.couriers.sync": "Sync", "settings.couriers.sync_rates": "Read fees too", "settings.couriers.import_rates": "… and use them as my delivery fees",
    "settings.couriers.synced": "{n} stop desks synced.", "settings.couriers.rates_imported": "Fees imported into your delivery rates.",
    "settings.couriers.rates_error": "Fees not read: {error}", "settings.couriers.rates_read": "{n} fees read.",
    "settings.couriers.callback": "Callback URL to paste at the courier (parcel updates)",
    "settings.couriers.sync_mode.webhook": "Updates pushed by the courier", "settings.couriers.sync_mode.polling": "Tracking polled regularly",
    "settings.couriers.sync_mode.manual": "No API (tracked by hand)",
    "settings.couriers.delete_confirm": "Remove the {name} account? Parcels already shipped keep their tracking.",
    "settings.couriers.last_check": "Last check: {when}",
    "settings.couriers.manual_help": "To ship without an API (your own delivery person): no credentials.",
    "settings.couriers.cred.api_id": "API ID", "settings.couriers.cred.api_token": "API token", "settings.couriers.cred.webhook_secret": "Webhook secret",
    "settings.couriers.cred.api_key": "API key", "settings.couriers.cred.tenant_id": "Tenant ID", "settings.couriers.cred.token": "Token",
    "settings.couriers.cred.user_guid": "User GUID", "settings.couriers.cred.key": "Key",
  },
});

export default async function couriersSection(container, ctx) {
  const reload = () => couriersSection(container, ctx);
  await loadInto(container, async () => {
    const [accounts, wilayas] = await Promise.all([ctx.api.get("/v1/couriers"), ctx.api.get("/v1/wilayas").catch(() => ({ items: [] }))]);
    return { accounts: accounts.items, wilayas: wilayas.items };
  }, ({ accounts, wilayas }) => {
    const byCode = Object.fromEntries(accounts.map((account) => [account.code, account]));
    const ordered = [...COURIERS].sort((a, b) => Number(!byCode[a.code]) - Number(!byCode[b.code]));
    return h("div", {}, h("p", { class: "muted" }, t("settings.couriers.lead")),
      can(ctx, "couriers:write") ? null : h("p", { class: "notice" }, t("settings.readonly")),
      ordered.map((spec) => courierCard(spec, byCode[spec.code], wilayas, ctx, reload)));
  });
}

function courierCard(spec, account, wilayas, ctx, reload) {
  const writable = can(ctx, "couriers:write");
  const settings = (account && account.settings) || {};
  const set = new Set((account && account.credentials_set) || []);
  const inputs = {};
  const credentialFields = [...spec.credentials, ...spec.optional].map((key) => {
    inputs[key] = h("input", { type: "password", name: key, autocomplete: "off", dir: "ltr",
      placeholder: set.has(key) ? t("settings.couriers.kept") : "", id: `cred-${spec.code}-${key}` });
    return h("div", { class: "field", dataset: { field: `credentials.${key}` } },
      h("label", { for: inputs[key].id }, t(`settings.couriers.cred.${key}`), spec.optional.includes(key) ? ` ${t("settings.couriers.optional")}` : ""),
      inputs[key]);
  });
  const baseUrl = h("input", { type: "url", name: "base_url", value: settings.base_url || "", dir: "ltr", placeholder: "https://…", id: `base-${spec.code}` });
  const sender = h("select", { name: "sender_wilaya", id: `sender-${spec.code}` },
    (wilayas.length ? wilayas : [{ code: 16, name_fr: "Alger", name_ar: "الجزائر" }]).map((wilaya) =>
      h("option", { value: wilaya.code, selected: wilaya.code === (settings.sender_wilaya || 16) }, wilayaName(wilaya))));
  const result = h("div", { class: "courier-result", role: "status", "aria-live": "polite" });
  const say = (text, kind = "ok") => mount(result, h("div", { class: `notice notice-${kind}` }, text));
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("settings.save"));
  const form = h("form", { class: "courier-form", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const credentials = {};
    for (const [key, input] of Object.entries(inputs)) if (input.value.trim()) credentials[key] = input.value.trim();
    const body = { settings: { sender_wilaya: Number(sender.value) } };
    if (baseUrl.value.trim()) body.settings.base_url = baseUrl.value.trim();
    if (Object.keys(credentials).length || !account) body.credentials = credentials;
    submit.disabled = true;
    try {
      await ctx.api.put(`/v1/couriers/${spec.code}`, body);
      toast(t("settings.saved"), "ok");
      await reload();
    } catch (error) {
      showFormErrors(form, error);
      submit.disabled = false;
    }
  } },
  h("div", { class: "form-error notice notice-error hidden", role: "alert" }),
  spec.code === "manual" ? h("p", { class: "muted small" }, t("settings.couriers.manual_help")) : null,
  h("fieldset", { disabled: !writable, class: "plain" },
    h("div", { class: "courier-grid" }, credentialFields),
    spec.code === "manual" ? null : h("div", { class: "courier-grid" },
      h("div", { class: "field", dataset: { field: "settings.base_url" } },
        h("label", { for: baseUrl.id }, t("settings.couriers.base_url")), baseUrl,
        spec.needsBaseUrl ? h("div", { class: "help" }, t("settings.couriers.base_url_required")) : null),
      h("div", { class: "field", dataset: { field: "settings.sender_wilaya" } },
        h("label", { for: sender.id }, t("settings.couriers.sender_wilaya")), sender))),
  writable ? h("div", { class: "row" }, submit,
    account && spec.code !== "manual" ? testButton(spec, ctx, say) : null,
    account && spec.code !== "manual" ? syncControls(spec, ctx, say) : null,
    account ? h("button", { type: "button", class: "btn btn-danger", onclick: async () => {
      if (!await confirmDialog(t("settings.couriers.delete_confirm", { name: spec.name }), t("settings.delete"))) return;
      try { await ctx.api.delete(`/v1/couriers/${spec.code}`); toast(t("settings.removed"), "ok"); await reload(); } catch (error) { say(errorText(error), "error"); }
    } }, t("settings.delete")) : null) : null,
  result);
  const status = account
    ? h("span", { class: "badge badge-delivered" }, t("settings.couriers.configured"))
    : h("span", { class: "badge" }, t("settings.couriers.not_configured"));
  return h("details", { class: "card courier-card", open: !!account, dataset: { courier: spec.code } },
    h("summary", { class: "spread" }, h("h3", {}, (account && account.name) || spec.name), status),
    account ? h("p", { class: "small muted" },
      account.sync ? t(`settings.couriers.sync_mode.${account.sync}`) : "",
      account.last_check && account.last_check.at ? ` · ${t("settings.couriers.last_check", { when: dateTime(account.last_check.at) })}` : "") : null,
    account && account.callback_url ? h("div", { class: "field" }, h("span", { class: "label" }, t("settings.couriers.callback")),
      copyField(account.callback_url, t("settings.couriers.callback"))) : null,
    form);
}

function testButton(spec, ctx, say) {
  const button = h("button", { type: "button", class: "btn", onclick: async () => {
    button.disabled = true;
    try {
      const answer = await ctx.api.post(`/v1/couriers/${spec.code}/test`);
      say(t("settings.couriers.test_ok", { when: dateTime(answer.checked_at) }));
    } catch (error) {
      say(errorText(error), "error");
    } finally {
      button.disabled = false;
    }
  } }, t("settings.couriers.test"));
  return button;
}

function syncControls(spec, ctx, say) {
  const rates = h("input", { type: "checkbox" });
  const importRates = h("input", { type: "checkbox", onchange: () => { if (importRates.checked) rates.checked = true; } });
  const button = h("button", { type: "button", class: "btn", onclick: async () => {
    button.disabled = true;
    try {
      const answer = await ctx.api.post(`/v1/couriers/${spec.code}/sync`, { rates: rates.checked, import_rates: importRates.checked });
      const parts = [t("settings.couriers.synced", { n: (answer.stop_desks || []).length })];
      if (answer.rates) parts.push(t("settings.couriers.rates_read", { n: answer.rates.length }));
      if (answer.rates_error) parts.push(t("settings.couriers.rates_error", { error: answer.rates_error }));
      if (answer.rates_imported) parts.push(t("settings.couriers.rates_imported"));
      say(parts.join(" "), answer.rates_error ? "warn" : "ok");
    } catch (error) {
      say(errorText(error), "error");
    } finally {
      button.disabled = false;
    }
  } }, t("settings.couriers.sync"));
  return h("span", { class: "row sync-controls" }, button,
    h("label", { class: "small row" }, rates, t("settings.couriers.sync_rates")),
    h("label", { class: "small row" }, importRates, t("settings.couriers.import_rates")));
}
