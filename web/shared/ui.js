// Small pieces every screen needs: loading, empty and error states, and showing an
// API error next to the fields it names.
import { h, mount } from "./dom.js";
import { addMessages, t } from "./i18n.js";

addMessages({
  fr: {
    "ui.loading": "Chargement…", "ui.retry": "Réessayer", "ui.network": "Connexion impossible. Vérifiez votre réseau puis réessayez.",
    "ui.error": "Une erreur est survenue.", "ui.rate_limited": "Trop de demandes. Réessayez dans {s} s.",
    "ui.close": "Fermer", "ui.cancel": "Annuler", "ui.save": "Enregistrer", "ui.saved": "Enregistré",
  },
  ar: {
    "ui.loading": "جار التحميل…", "ui.retry": "أعد المحاولة", "ui.network": "تعذّر الاتصال. تحقق من الشبكة ثم أعد المحاولة.",
    "ui.error": "حدث خطأ.", "ui.rate_limited": "طلبات كثيرة. أعد المحاولة بعد {s} ثانية.",
    "ui.close": "إغلاق", "ui.cancel": "إلغاء", "ui.save": "حفظ", "ui.saved": "تم الحفظ",
  },
  en: {
    "ui.loading": "Loading…", "ui.retry": "Retry", "ui.network": "Can't connect. Check your network and try again.",
    "ui.error": "Something went wrong.", "ui.rate_limited": "Too many requests. Try again in {s} s.",
    "ui.close": "Close", "ui.cancel": "Cancel", "ui.save": "Save", "ui.saved": "Saved",
  },
});

export function spinner() {
  return h("div", { class: "spinner", role: "progressbar", "aria-label": t("ui.loading") });
}

/**
 * The person-readable text of an error. API messages are English; known codes get
 * a translation under "error.<code>" when a module registered one.
 */
export function errorText(error) {
  if (!error) return t("ui.error");
  if (error.code === "network_error") return t("ui.network");
  if (error.status === 429) return t("ui.rate_limited", { s: error.retryAfter || 60 });
  const key = `error.${error.code}`;
  const translated = t(key);
  if (translated !== key) return translated;
  return error.message || t("ui.error");
}

/** An error box with a retry button: a failed load never leaves a blank page. */
export function errorState(error, onRetry) {
  return h("div", { class: "notice notice-error", role: "alert" },
    h("p", {}, errorText(error)),
    onRetry ? h("button", { class: "btn btn-small", type: "button", onclick: onRetry }, t("ui.retry")) : null);
}

/** Load something into `container`, with a spinner and a retry on failure. */
export async function loadInto(container, load, render) {
  mount(container, spinner());
  try {
    const data = await load();
    mount(container, render(data));
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(container, errorState(error, () => loadInto(container, load, render)));
  }
}

/**
 * Show `error` on a form: each field named in error.fields gets its message under
 * it (the element with data-field="customer.phone"), the rest goes to the form's
 * summary. Returns true when at least one field was marked.
 */
export function showFormErrors(form, error) {
  clearFormErrors(form);
  let marked = false;
  const unplaced = [];
  for (const [name, message] of Object.entries(error.fields || {})) {
    const field = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (!field) { unplaced.push(message); continue; }
    marked = true;
    field.classList.add("invalid");
    const key = `field_error.${name}`;
    const text = t(key) !== key ? t(key) : message;
    field.append(h("div", { class: "error", role: "alert" }, text));
    const input = field.querySelector("input, select, textarea");
    if (input) input.setAttribute("aria-invalid", "true");
  }
  // Whatever no field on this form can show goes to the form's summary.
  const summary = form.querySelector(".form-error");
  if (summary && (!marked || unplaced.length)) {
    mount(summary, marked ? unplaced.join(" ") : errorText(error));
    summary.classList.remove("hidden");
  }
  const first = form.querySelector(".invalid input, .invalid select, .invalid textarea");
  if (first) first.focus();
  return marked;
}

export function clearFormErrors(form) {
  for (const field of form.querySelectorAll(".invalid")) field.classList.remove("invalid");
  for (const message of form.querySelectorAll(".field .error")) message.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  const summary = form.querySelector(".form-error");
  if (summary) { summary.replaceChildren(); summary.classList.add("hidden"); }
}

/** A labelled field wrapper that showFormErrors can find by its API field name. */
export function field(name, label, control, help) {
  const id = control.id || `f-${name.replace(/\W/g, "-")}`;
  control.id = id;
  return h("div", { class: "field", dataset: { field: name } },
    h("label", { for: id }, label), control, help ? h("div", { class: "help" }, help) : null);
}
