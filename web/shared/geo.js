// Algeria's wilayas and communes, fetched once per page and kept in memory. They
// change once in a decade and the API lets the browser cache them for a day, so a
// checkout that switches wilaya back and forth costs one request per wilaya.
// A failed load is forgotten, so the next call (a "retry" button) asks again.
import { Api } from "./api.js";
import { language } from "./i18n.js";

const api = new Api();
let wilayaList = null;
const communeLists = new Map();

function remember(cache, key, load) {
  if (!cache.has(key)) {
    const pending = load().catch((error) => { cache.delete(key); throw error; });
    cache.set(key, pending);
  }
  return cache.get(key);
}

/** [{code, name_fr, name_ar, communes}] for the 69 wilayas, by code. */
export function wilayas() {
  if (!wilayaList) {
    wilayaList = api.get("/v1/wilayas").then((page) => page.items)
      .catch((error) => { wilayaList = null; throw error; });
  }
  return wilayaList;
}

/** [{code, wilaya, name_fr, name_ar, ...}] for one wilaya's communes. */
export function communes(wilayaCode) {
  const code = Number(wilayaCode);
  return remember(communeLists, code, () =>
    api.get(`/v1/wilayas/${code}/communes`).then((page) => page.items));
}

/** A commune's (or any place's) name in the visitor's language. */
export function placeName(place) {
  if (!place) return "";
  const fr = tidy(place.name_fr || (place.names && place.names.fr) || place.name || "");
  const ar = place.name_ar || (place.names && place.names.ar) || fr;
  return language() === "ar" ? ar : fr;
}

// A few names in the official list are in capitals ("MOHAMED BELOUIZDAD"); a select
// reads better when every name is written the same way.
function tidy(name) {
  if (name !== name.toUpperCase()) return name;
  return name.toLowerCase().replace(/(^|[\s'’-])(\p{L})/gu, (_, before, letter) => before + letter.toUpperCase());
}

/** Communes sorted for a select, alphabetically in the visitor's language. */
export function sortedByName(places) {
  const collator = new Intl.Collator(language() === "ar" ? "ar" : "fr", { sensitivity: "base" });
  return [...places].sort((a, b) => collator.compare(placeName(a), placeName(b)));
}
