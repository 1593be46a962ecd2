// Settings (/dashboard/settings/:section): a sub-menu of the sections this member may
// use, each section in its own module (settings-<section>.js) loaded when opened.
import { h, loadCss, mount } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";
import { errorState, spinner } from "/shared/ui.js";
import "./settings-common.js";

addMessages({
  fr: {
    "settings.title": "Réglages", "settings.menu": "Sections des réglages",
    "settings.s.store": "Boutique", "settings.s.shipping": "Livraison", "settings.s.couriers": "Transporteurs",
    "settings.s.webhooks": "Webhooks", "settings.s.team": "Équipe", "settings.s.notifications": "Notifications",
    "settings.s.blacklist": "Liste noire", "settings.s.api-keys": "Clés API",
    "settings.unknown": "Cette section n'existe pas ou votre rôle n'y donne pas accès.",
  },
  ar: {
    "settings.title": "الإعدادات", "settings.menu": "أقسام الإعدادات",
    "settings.s.store": "المتجر", "settings.s.shipping": "التوصيل", "settings.s.couriers": "شركات التوصيل",
    "settings.s.webhooks": "Webhooks", "settings.s.team": "الفريق", "settings.s.notifications": "الإشعارات",
    "settings.s.blacklist": "القائمة السوداء", "settings.s.api-keys": "مفاتيح API",
    "settings.unknown": "هذا القسم غير موجود أو أن دورك لا يسمح بالوصول إليه.",
  },
  en: {
    "settings.title": "Settings", "settings.menu": "Settings sections",
    "settings.s.store": "Store", "settings.s.shipping": "Delivery", "settings.s.couriers": "Couriers",
    "settings.s.webhooks": "Webhooks", "settings.s.team": "Team", "settings.s.notifications": "Notifications",
    "settings.s.blacklist": "Blacklist", "settings.s.api-keys": "API keys",
    "settings.unknown": "This section does not exist or your role does not give access to it.",
  },
});

// Each section and the permission needed to open it (the API's permission table).
export const SECTIONS = [
  { name: "store", needs: "store:read", module: "./settings-store.js" },
  { name: "shipping", needs: "store:read", module: "./settings-shipping.js" },
  { name: "couriers", needs: "couriers:read", module: "./settings-couriers.js" },
  { name: "notifications", needs: "store:read", module: "./settings-notifications.js" },
  { name: "team", needs: "members:read", module: "./settings-team.js" },
  { name: "blacklist", needs: "orders:read", module: "./settings-blacklist.js" },
  { name: "webhooks", needs: "webhooks", module: "./settings-webhooks.js" },
  { name: "api-keys", needs: "api_keys", module: "./settings-api-keys.js" },
];

export default async function settings(ctx) {
  loadCss("/dashboard/css/settings.css");
  const allowed = SECTIONS.filter((section) => ctx.me.permissions.includes(section.needs));
  const name = ctx.params.section || "store";
  const section = allowed.find((item) => item.name === name);
  const menu = h("nav", { class: "settings-menu", "aria-label": t("settings.menu") },
    allowed.map((item) => h("a", { href: `/dashboard/settings/${item.name}`, class: item === section ? "active" : "",
      "aria-current": item === section ? "page" : null, dataset: { section: item.name } }, t(`settings.s.${item.name}`))));
  const body = h("section", { class: "settings-body", "aria-live": "polite" });
  mount(ctx.main, h("div", { class: "page-head" }, h("h1", {}, t("settings.title"))),
    h("div", { class: "settings-layout" }, menu, body));
  if (!section) {
    mount(body, h("div", { class: "notice notice-warn" }, t("settings.unknown")));
    return null;
  }
  mount(body, spinner());
  try {
    const module = await import(section.module);
    return (await module.default(body, ctx)) || null;
  } catch (error) {
    console.error(error);
    mount(body, errorState(error, () => ctx.navigate(location.pathname)));
    return null;
  }
}
