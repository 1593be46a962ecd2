// Three languages, one function. Each module registers its own messages with
// addMessages({fr: {...}, ar: {...}, en: {...}}) under its own key prefix, so no
// two screens share (or fight over) one dictionary file. Missing keys fall back to
// French, then to the key itself, so a gap shows up in review rather than as blank.
import { h } from "./dom.js";

export const LANGUAGES = ["fr", "ar", "en"];
export const LANGUAGE_NAMES = { fr: "Français", ar: "العربية", en: "English" };
const LOCALES = { fr: "fr-DZ", ar: "ar-DZ", en: "en-GB" };
const STORAGE_KEY = "dzorders.language";
const messages = { fr: {}, ar: {}, en: {} };
const listeners = new Set();
let current = "fr";

export function addMessages(byLanguage) {
  for (const language of LANGUAGES) Object.assign(messages[language], byLanguage[language] || {});
}

/** t("orders.title") or t("orders.count", {n: 3}) with "{n} commandes". */
export function t(key, params = {}) {
  const text = messages[current][key] ?? messages.fr[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

export function language() { return current; }
export function locale() { return LOCALES[current]; }
export function isRtl() { return current === "ar"; }

/** The visitor's choice if they made one, else the store's, else French. */
export function initialLanguage(storeDefault) {
  const chosen = localStorage.getItem(STORAGE_KEY);
  if (LANGUAGES.includes(chosen)) return chosen;
  const fromUrl = new URLSearchParams(location.search).get("lang");
  if (LANGUAGES.includes(fromUrl)) return fromUrl;
  return LANGUAGES.includes(storeDefault) ? storeDefault : "fr";
}

export function setLanguage(lang, { remember = false, notify = true } = {}) {
  if (!LANGUAGES.includes(lang)) lang = "fr";
  current = lang;
  if (remember) localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
  if (notify) for (const listener of listeners) listener(lang);
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * A select that switches language for this visitor and remembers it; `offered`
 * limits it to a store's languages (the current one is always offered).
 */
export function languagePicker(offered = LANGUAGES) {
  const codes = LANGUAGES.filter((code) => offered.includes(code) || code === current);
  const select = h("select", {
    class: "language-picker", "aria-label": "Language / Langue / اللغة",
    onchange: (event) => setLanguage(event.target.value, { remember: true }),
  }, codes.map((code) => h("option", { value: code, selected: code === current }, LANGUAGE_NAMES[code])));
  // Screens rebuild their header: a picker gone from the page stops listening.
  const stop = onLanguageChange((lang) => {
    if (!select.isConnected) { stop(); return; }
    select.value = lang;
  });
  return select;
}

/** Keys some language lacks, per language: a test holds every screen to all three. */
export function missingTranslations() {
  const keys = new Set(LANGUAGES.flatMap((lang) => Object.keys(messages[lang])));
  return Object.fromEntries(LANGUAGES.map((lang) => [lang, [...keys].filter((key) => !(key in messages[lang])).sort()]));
}
