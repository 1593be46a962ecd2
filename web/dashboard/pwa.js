// The installable, offline-capable dashboard: registers the service worker once
// per visit, and keeps an "offline" banner in the shell's status slot while the
// browser has no network (the shell still opens from the worker's cache).
import { h, loadCss, mount } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";

addMessages({
  fr: { "pwa.offline": "Hors ligne : vous voyez la dernière version enregistrée. Les changements reprendront dès le retour du réseau.",
    "pwa.back_online": "De nouveau en ligne.", "pwa.reload": "Actualiser" },
  ar: { "pwa.offline": "غير متصل: تعرض آخر نسخة محفوظة. تستأنف التغييرات عند عودة الشبكة.",
    "pwa.back_online": "عاد الاتصال.", "pwa.reload": "تحديث" },
  en: { "pwa.offline": "Offline: you are seeing the last saved version. Changes resume when the network is back.",
    "pwa.back_online": "Back online.", "pwa.reload": "Refresh" },
});

let registering = null;
let slot = null;
let listening = false;
let latest = null;

/** Register /dashboard/sw.js (scope /dashboard/) once; resolves to the registration or null. */
export function registerServiceWorker() {
  if (!registering) {
    registering = "serviceWorker" in navigator
      ? navigator.serviceWorker.register("/dashboard/sw.js", { scope: "/dashboard/" }).catch((error) => {
        console.warn("service worker not registered", error);
        return null;
      })
      : Promise.resolve(null);
  }
  return registering;
}

export function startPwa(statusSlot, ctx) {
  slot = statusSlot;
  latest = ctx;
  loadCss("/dashboard/css/bell.css");          // the banner's look lives with the bell's
  registerServiceWorker();
  if (!listening) {
    listening = true;
    window.addEventListener("offline", () => show());
    window.addEventListener("online", () => show(true));
    // A notification clicked while this window was open but not controlled.
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("message", (event) => {
        const data = event.data || {};
        if (data.type !== "navigate" || !latest) return;
        const target = new URL(data.url, location.origin);
        if (target.origin === location.origin && target.pathname.startsWith("/dashboard/")) latest.navigate(target.pathname + target.search);
      });
    }
  }
  // ctx.unreachable: the shell opened but the API could not be reached, which is
  // offline for the person even when the browser still believes it is online.
  show(false, Boolean(ctx && ctx.unreachable));
}

function show(cameBack = false, unreachable = false) {
  if (!slot) return;
  if (!navigator.onLine || unreachable) {
    mount(slot, h("div", { class: "offline-banner", role: "status" },
      h("span", { class: "offline-dot", "aria-hidden": "true" }), t("pwa.offline")));
  } else if (cameBack && slot.querySelector(".offline-banner")) {
    mount(slot, h("div", { class: "offline-banner online", role: "status" }, t("pwa.back_online"), " ",
      h("button", { type: "button", class: "link-button", onclick: () => location.reload() }, t("pwa.reload"))));
    setTimeout(() => { if (navigator.onLine && slot.querySelector(".offline-banner.online")) mount(slot); }, 6000);
  } else if (slot.querySelector(".offline-banner:not(.online)")) {
    mount(slot);
  }
}
