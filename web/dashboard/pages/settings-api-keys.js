// Settings › API keys: create a key with scopes (the key is shown once), list, revoke.
import { h, mount, toast } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";
import { date, relative } from "/shared/format.js";
import { clearFormErrors, errorText, loadInto, showFormErrors } from "/shared/ui.js";
import { confirmDialog, secretBox } from "./settings-common.js";

const SCOPES = ["store:read", "store:write", "catalog:read", "catalog:write", "orders:read", "orders:write",
  "notifications:read", "notifications:write", "couriers:read", "couriers:write", "webhooks", "api_keys",
  "members:read", "members:write"];

addMessages({
  fr: {
    "settings.keys.lead": "Pour vos intégrations (tableur, ERP, application). Une clé ne fait que ce que ses droits permettent.",
    "settings.keys.new": "Nouvelle clé", "settings.keys.name": "Nom", "settings.keys.scopes": "Droits", "settings.keys.create": "Créer la clé",
    "settings.keys.key": "Votre clé API", "settings.keys.prefix": "Début", "settings.keys.created": "Créée", "settings.keys.used": "Dernière utilisation",
    "settings.keys.never": "jamais", "settings.keys.revoke": "Révoquer", "settings.keys.revoke_confirm": "Révoquer la clé « {name} » ? Les intégrations qui l'utilisent cesseront de fonctionner.",
    "settings.keys.none": "Aucune clé.", "settings.keys.read_only": "Lecture seule", "settings.keys.all": "Tout",
    "field_error.scopes": "Choisissez au moins un droit.",
  },
  ar: {
    "settings.keys.lead": "لتكاملاتك (جدول بيانات، نظام تسيير، تطبيق). المفتاح لا يفعل إلا ما تسمح به صلاحياته.",
    "settings.keys.new": "مفتاح جديد", "settings.keys.name": "الاسم", "settings.keys.scopes": "الصلاحيات", "settings.keys.create": "إنشاء المفتاح",
    "settings.keys.key": "مفتاح API الخاص بك", "settings.keys.prefix": "البداية", "settings.keys.created": "أُنشئ", "settings.keys.used": "آخر استعمال",
    "settings.keys.never": "أبدًا", "settings.keys.revoke": "إبطال", "settings.keys.revoke_confirm": "إبطال المفتاح «{name}»؟ ستتوقف التكاملات التي تستعمله.",
    "settings.keys.none": "لا توجد مفاتيح.", "settings.keys.read_only": "قراءة فقط", "settings.keys.all": "الكل",
    "field_error.scopes": "اختر صلاحية واحدة على الأقل.",
  },
  en: {
    "settings.keys.lead": "For your integrations (spreadsheet, ERP, app). A key does only what its scopes allow.",
    "settings.keys.new": "New key", "settings.keys.name": "Name", "settings.keys.scopes": "Scopes", "settings.keys.create": "Create key",
    "settings.keys.key": "Your API key", "settings.keys.prefix": "Starts with", "settings.keys.created": "Created", "settings.keys.used": "Last used",
    "settings.keys.never": "never", "settings.keys.revoke": "Revoke", "settings.keys.revoke_confirm": "Revoke the key “{name}”? Integrations using it will stop working.",
    "settings.keys.none": "No key.", "settings.keys.read_only": "Read only", "settings.keys.all": "All",
    "field_error.scopes": "Choose at least one scope.",
  },
});

export default async function apiKeysSection(container, ctx) {
  const secretSlot = h("div");
  const notice = h("div", { role: "status" });
  const list = h("div");
  const reload = () => loadInto(list, () => ctx.api.get("/v1/api-keys"), (page) => table(page.items));
  const name = h("input", { type: "text", name: "name", maxlength: 100, id: "key-name", placeholder: "Google Sheets" });
  const boxes = SCOPES.map((scope) => h("input", { type: "checkbox", name: "scopes", value: scope, checked: scope.endsWith(":read") }));
  const pick = (test) => () => { for (const box of boxes) box.checked = test(box.value); };
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("settings.keys.create"));
  const form = h("form", { class: "card", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    submit.disabled = true;
    try {
      const body = { scopes: boxes.filter((box) => box.checked).map((box) => box.value) };
      if (name.value.trim()) body.name = name.value.trim();
      if (!body.scopes.length) return showFormErrors(form, { code: "validation_error", fields: { scopes: t("field_error.scopes") } });
      const created = await ctx.api.post("/v1/api-keys", body);
      mount(secretSlot, secretBox(created.key, `${t("settings.keys.key")} — ${created.name || created.prefix}`));
      name.value = "";
      await reload();
    } catch (error) {
      showFormErrors(form, error);
    } finally {
      submit.disabled = false;
    }
  } },
  h("h2", { class: "section-title" }, t("settings.keys.new")),
  h("div", { class: "form-error notice notice-error hidden", role: "alert" }),
  h("div", { class: "field", dataset: { field: "name" } }, h("label", { for: name.id }, t("settings.keys.name")), name),
  h("div", { class: "field", dataset: { field: "scopes" } },
    h("div", { class: "spread" }, h("span", { class: "label" }, t("settings.keys.scopes")),
      h("span", { class: "row" },
        h("button", { type: "button", class: "link-button small", onclick: pick((s) => s.endsWith(":read")) }, t("settings.keys.read_only")),
        h("button", { type: "button", class: "link-button small", onclick: pick(() => true) }, t("settings.keys.all")))),
    h("div", { class: "scopes-grid" }, boxes.map((box) => h("label", { class: "choice" }, box, h("code", {}, box.value))))),
  submit);

  function table(items) {
    if (!items.length) return h("p", { class: "empty" }, t("settings.keys.none"));
    return h("div", { class: "table-wrap" }, h("table", { class: "table keys-table" },
      h("thead", {}, h("tr", {}, ["name", "prefix", "scopes", "created", "used"].map((key) => h("th", {}, t(`settings.keys.${key}`))), h("th", {}))),
      h("tbody", {}, items.map((key) => h("tr", { dataset: { key: key.id } },
        h("td", {}, h("strong", {}, key.name || "—")),
        h("td", {}, h("code", { dir: "ltr" }, `${key.prefix}…`)),
        h("td", { class: "small" }, (key.scopes || []).join(", ")),
        h("td", { class: "small" }, date(key.created_at)),
        h("td", { class: "small" }, key.last_used_at ? relative(key.last_used_at) : t("settings.keys.never")),
        h("td", {}, h("button", { type: "button", class: "btn btn-small btn-danger", onclick: async () => {
          if (!await confirmDialog(t("settings.keys.revoke_confirm", { name: key.name || key.prefix }), t("settings.keys.revoke"))) return;
          try {
            await ctx.api.delete(`/v1/api-keys/${encodeURIComponent(key.id)}`);
            toast(t("settings.removed"), "ok");
            await reload();
          } catch (error) { mount(notice, h("div", { class: "notice notice-error", role: "alert" }, errorText(error))); }
        } }, t("settings.keys.revoke"))))))));
  }

  mount(container, h("p", { class: "muted" }, t("settings.keys.lead")), form, secretSlot, notice, list);
  await reload();
}
