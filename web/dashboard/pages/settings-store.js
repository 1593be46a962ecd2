// Settings › Store: name, phone, logo, languages (first = default), returns, calls
// and checkout limits; PATCH /v1/store.
import { h, mount, toast } from "/shared/dom.js";
import { addMessages, LANGUAGE_NAMES, t } from "/shared/i18n.js";
import { phone as formatPhone } from "/shared/format.js";
import { clearFormErrors, field, loadInto, showFormErrors } from "/shared/ui.js";
import { can, copyField, intOrNull } from "./settings-common.js";

addMessages({
  fr: {
    "settings.store.lead": "Ce que vos clients voient et comment la boutique se comporte.",
    "settings.store.identity": "Identité", "settings.store.name": "Nom de la boutique", "settings.store.phone": "Téléphone de la boutique",
    "settings.store.phone_help": "Affiché sur la boutique en ligne ; ex. 0555 12 34 56.",
    "settings.store.logo": "Adresse du logo (https)", "settings.store.storefront": "Votre boutique en ligne",
    "settings.store.open": "Ouvrir", "settings.store.languages": "Langues de la boutique",
    "settings.store.languages_help": "Cochez les langues proposées ; la première est la langue par défaut.",
    "settings.store.default": "par défaut", "settings.store.up": "Monter", "settings.store.down": "Descendre",
    "settings.store.orders": "Commandes et retours", "settings.store.restock": "Remettre en stock dès qu'une commande livrée est marquée retournée",
    "settings.store.restock_help": "Sinon, le stock revient quand vous confirmez que le colis est de retour.",
    "settings.store.auto_cancel": "Annuler après ce nombre d'appels sans réponse", "settings.store.auto_cancel_help": "De 1 à 20 ; vide : jamais.",
    "settings.store.limits": "Limites anti-abus à la commande", "settings.store.per_phone": "Commandes par téléphone et par heure",
    "settings.store.per_ip": "Commandes par adresse IP et par heure", "settings.store.limits_help": "Vide : pas de limite.",
    "field_error.languages": "Choisissez au moins une langue.", "field_error.logo_url": "Donnez une adresse https complète.",
    "field_error.phone": "Ce n'est pas un numéro algérien valide.", "field_error.name": "Donnez un nom (100 caractères au plus).",
    "field_error.auto_cancel_after_attempts": "Un nombre d'appels de 1 à 20, ou vide.",
    "field_error.checkout_limits.per_phone_per_hour": "Un nombre de 1 à 10 000, ou vide.",
    "field_error.checkout_limits.per_ip_per_hour": "Un nombre de 1 à 10 000, ou vide.",
  },
  ar: {
    "settings.store.lead": "ما يراه زبائنك وكيف يتصرف المتجر.",
    "settings.store.identity": "الهوية", "settings.store.name": "اسم المتجر", "settings.store.phone": "هاتف المتجر",
    "settings.store.phone_help": "يظهر في المتجر الإلكتروني؛ مثال: 0555 12 34 56.",
    "settings.store.logo": "رابط الشعار (https)", "settings.store.storefront": "متجرك الإلكتروني",
    "settings.store.open": "فتح", "settings.store.languages": "لغات المتجر",
    "settings.store.languages_help": "اختر اللغات المعروضة؛ الأولى هي اللغة الافتراضية.",
    "settings.store.default": "افتراضية", "settings.store.up": "أعلى", "settings.store.down": "أسفل",
    "settings.store.orders": "الطلبات والمرتجعات", "settings.store.restock": "إعادة المنتجات إلى المخزون فور تسجيل طلب مُسلَّم كمُرتجع",
    "settings.store.restock_help": "وإلا يعود المخزون عندما تؤكد رجوع الطرد.",
    "settings.store.auto_cancel": "الإلغاء بعد هذا العدد من المكالمات دون رد", "settings.store.auto_cancel_help": "من 1 إلى 20؛ فارغ: أبدًا.",
    "settings.store.limits": "حدود مكافحة الإساءة عند الطلب", "settings.store.per_phone": "الطلبات لكل هاتف في الساعة",
    "settings.store.per_ip": "الطلبات لكل عنوان IP في الساعة", "settings.store.limits_help": "فارغ: بلا حد.",
    "field_error.languages": "اختر لغة واحدة على الأقل.", "field_error.logo_url": "أدخل رابط https كاملًا.",
    "field_error.phone": "هذا ليس رقمًا جزائريًا صالحًا.", "field_error.name": "أدخل اسمًا (100 حرف على الأكثر).",
    "field_error.auto_cancel_after_attempts": "عدد مكالمات من 1 إلى 20، أو فارغ.",
    "field_error.checkout_limits.per_phone_per_hour": "عدد من 1 إلى 10000، أو فارغ.",
    "field_error.checkout_limits.per_ip_per_hour": "عدد من 1 إلى 10000، أو فارغ.",
  },
  en: {
    "settings.store.lead": "What your customers see and how the store behaves.",
    "settings.store.identity": "Identity", "settings.store.name": "Store name", "settings.store.phone": "Store phone",
    "settings.store.phone_help": "Shown on the storefront; e.g. 0555 12 34 56.",
    "settings.store.logo": "Logo address (https)", "settings.store.storefront": "Your storefront",
    "settings.store.open": "Open", "settings.store.languages": "Store languages",
    "settings.store.languages_help": "Tick the languages offered; the first one is the default.",
    "settings.store.default": "default", "settings.store.up": "Move up", "settings.store.down": "Move down",
    "settings.store.orders": "Orders and returns", "settings.store.restock": "Put items back in stock as soon as a delivered order is marked returned",
    "settings.store.restock_help": "Otherwise stock comes back when you confirm the parcel is back.",
    "settings.store.auto_cancel": "Cancel after this many unanswered calls", "settings.store.auto_cancel_help": "1 to 20; empty: never.",
    "settings.store.limits": "Checkout abuse limits", "settings.store.per_phone": "Orders per phone per hour",
    "settings.store.per_ip": "Orders per IP address per hour", "settings.store.limits_help": "Empty: no limit.",
    "field_error.languages": "Choose at least one language.", "field_error.logo_url": "Give a full https address.",
    "field_error.phone": "This is not a valid Algerian number.", "field_error.name": "Give a name (at most 100 characters).",
    "field_error.auto_cancel_after_attempts": "A number of calls from 1 to 20, or empty.",
    "field_error.checkout_limits.per_phone_per_hour": "A number from 1 to 10,000, or empty.",
    "field_error.checkout_limits.per_ip_per_hour": "A number from 1 to 10,000, or empty.",
  },
});

export default async function storeSection(container, ctx) {
  await loadInto(container, () => ctx.api.get("/v1/store"), (store) => form(store, ctx, container));
}

function languagesControl(store) {
  const chosen = [...(store.languages || ["fr"])];
  const order = [...chosen, ...["fr", "ar", "en"].filter((code) => !chosen.includes(code))];
  const list = h("ol", { class: "lang-order", "aria-describedby": "languages-help" });
  const render = () => {
    list.replaceChildren(...order.map((code, index) => h("li", { dataset: { lang: code } },
      h("label", { class: "lang-check" },
        h("input", { type: "checkbox", name: "languages", value: code, checked: chosen.includes(code),
          onchange: (event) => {
            if (event.target.checked) chosen.push(code); else chosen.splice(chosen.indexOf(code), 1);
            render();
          } }),
        LANGUAGE_NAMES[code]),
      order.filter((c) => chosen.includes(c))[0] === code
        ? h("span", { class: "badge badge-confirmed" }, t("settings.store.default")) : null,
      h("span", { class: "lang-moves" },
        h("button", { type: "button", class: "btn btn-small", disabled: index === 0, "aria-label": `${t("settings.store.up")} ${LANGUAGE_NAMES[code]}`,
          onclick: () => { order.splice(index - 1, 0, order.splice(index, 1)[0]); render(); } }, "↑"),
        h("button", { type: "button", class: "btn btn-small", disabled: index === order.length - 1, "aria-label": `${t("settings.store.down")} ${LANGUAGE_NAMES[code]}`,
          onclick: () => { order.splice(index + 1, 0, order.splice(index, 1)[0]); render(); } }, "↓")))));
  };
  render();
  return { list, value: () => order.filter((code) => chosen.includes(code)) };
}

function form(store, ctx, container) {
  const writable = can(ctx, "store:write");
  const name = h("input", { type: "text", name: "name", value: store.name, maxlength: 100, required: true });
  const phone = h("input", { type: "tel", name: "phone", value: store.phone ? formatPhone(store.phone) : "", autocomplete: "off" });
  const logo = h("input", { type: "url", name: "logo_url", value: store.logo_url || "", placeholder: "https://…", dir: "ltr" });
  const languages = languagesControl(store);
  const restock = h("input", { type: "checkbox", name: "restock_on_return", checked: !!store.restock_on_return });
  const autoCancel = h("input", { type: "number", name: "auto_cancel_after_attempts", min: 1, max: 20, inputmode: "numeric",
    value: store.auto_cancel_after_attempts ?? "" });
  const limits = store.checkout_limits || {};
  const perPhone = h("input", { type: "number", name: "per_phone_per_hour", min: 1, max: 10000, value: limits.per_phone_per_hour ?? "" });
  const perIp = h("input", { type: "number", name: "per_ip_per_hour", min: 1, max: 10000, value: limits.per_ip_per_hour ?? "" });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("settings.save"));
  const element = h("form", { class: "settings-form", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearFormErrors(element);
    submit.disabled = true;
    try {
      await ctx.api.patch("/v1/store", {
        name: name.value.trim(), phone: phone.value.trim() || null, logo_url: logo.value.trim() || null,
        languages: languages.value(), restock_on_return: restock.checked,
        auto_cancel_after_attempts: intOrNull(autoCancel.value),
        checkout_limits: { per_phone_per_hour: intOrNull(perPhone.value), per_ip_per_hour: intOrNull(perIp.value) },
      });
      toast(t("settings.saved"), "ok");
      // Read the store again and redraw the whole screen: the top bar shows its name.
      await ctx.refreshMe();
      ctx.navigate(location.pathname + location.search, { replace: true });
    } catch (error) {
      showFormErrors(element, error);
    } finally {
      submit.disabled = false;
    }
  } },
  h("p", { class: "muted" }, t("settings.store.lead")),
  writable ? null : h("p", { class: "notice" }, t("settings.readonly")),
  h("div", { class: "form-error notice notice-error hidden", role: "alert" }),
  store.storefront_url ? h("div", { class: "card storefront-card" },
    h("div", { class: "spread" }, h("strong", {}, t("settings.store.storefront")),
      h("a", { class: "btn btn-small", href: store.storefront_url, target: "_blank", rel: "noopener" }, t("settings.store.open"))),
    copyField(store.storefront_url, t("settings.store.storefront"))) : null,
  h("fieldset", { class: "card", disabled: !writable },
    h("legend", {}, t("settings.store.identity")),
    h("div", { class: "grid-2" },
      field("name", t("settings.store.name"), name),
      field("phone", t("settings.store.phone"), phone, t("settings.store.phone_help"))),
    field("logo_url", t("settings.store.logo"), logo),
    h("div", { class: "field", dataset: { field: "languages" } },
      h("span", { class: "label" }, t("settings.store.languages")), languages.list,
      h("div", { class: "help", id: "languages-help" }, t("settings.store.languages_help")))),
  h("fieldset", { class: "card", disabled: !writable },
    h("legend", {}, t("settings.store.orders")),
    h("div", { class: "field", dataset: { field: "restock_on_return" } },
      h("label", { class: "choice" }, restock, h("span", {}, t("settings.store.restock"),
        h("span", { class: "help" }, t("settings.store.restock_help"))))),
    field("auto_cancel_after_attempts", t("settings.store.auto_cancel"), autoCancel, t("settings.store.auto_cancel_help"))),
  h("fieldset", { class: "card", disabled: !writable },
    h("legend", {}, t("settings.store.limits")),
    h("div", { class: "grid-2" },
      field("checkout_limits.per_phone_per_hour", t("settings.store.per_phone"), perPhone, t("settings.store.limits_help")),
      field("checkout_limits.per_ip_per_hour", t("settings.store.per_ip"), perIp, t("settings.store.limits_help")))),
  writable ? h("div", { class: "form-actions" }, submit) : null);
  return element;
}
