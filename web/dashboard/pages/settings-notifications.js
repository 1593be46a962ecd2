// Settings › Notifications: which events ring the bell, play its sound, reach the
// owner's email and web push (store.notifications, PATCH /v1/store), and the browser
// push panel (another module, mounted when present).
import { h, mount, toast } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";
import { clearFormErrors, loadInto, showFormErrors } from "/shared/ui.js";
import { can } from "./settings-common.js";
import { EVENTS } from "./settings-webhooks.js";

const CHANNELS = ["bell", "sound", "email", "push"];

addMessages({
  fr: {
    "settings.notify.lead": "Choisissez ce qui vous prévient, et comment.", "settings.notify.event": "Événement",
    "settings.notify.ch.bell": "Cloche", "settings.notify.ch.sound": "Son", "settings.notify.ch.email": "E-mail", "settings.notify.ch.push": "Push",
    "settings.notify.browser": "Notifications sur cet appareil",
    "settings.notify.e.order.created": "Nouvelle commande", "settings.notify.e.order.confirmed": "Commande confirmée",
    "settings.notify.e.order.processing": "Commande en préparation", "settings.notify.e.order.shipped": "Commande expédiée",
    "settings.notify.e.order.delivered": "Commande livrée", "settings.notify.e.order.cancelled": "Commande annulée",
    "settings.notify.e.order.returned": "Commande retournée", "settings.notify.e.order.call_logged": "Appel noté",
    "settings.notify.e.shipment.created": "Colis créé chez le transporteur", "settings.notify.e.shipment.failed": "Échec d'expédition",
    "settings.notify.e.tracking.updated": "Suivi du colis mis à jour",
  },
  ar: {
    "settings.notify.lead": "اختر ما يُنبّهك وكيف.", "settings.notify.event": "الحدث",
    "settings.notify.ch.bell": "الجرس", "settings.notify.ch.sound": "الصوت", "settings.notify.ch.email": "البريد", "settings.notify.ch.push": "إشعار فوري",
    "settings.notify.browser": "الإشعارات على هذا الجهاز",
    "settings.notify.e.order.created": "طلب جديد", "settings.notify.e.order.confirmed": "طلب مؤكد",
    "settings.notify.e.order.processing": "طلب قيد التحضير", "settings.notify.e.order.shipped": "طلب مُرسل",
    "settings.notify.e.order.delivered": "طلب مُسلَّم", "settings.notify.e.order.cancelled": "طلب ملغى",
    "settings.notify.e.order.returned": "طلب مُرتجع", "settings.notify.e.order.call_logged": "مكالمة مسجلة",
    "settings.notify.e.shipment.created": "طرد أُنشئ لدى شركة التوصيل", "settings.notify.e.shipment.failed": "فشل الإرسال",
    "settings.notify.e.tracking.updated": "تحديث تتبع الطرد",
  },
  en: {
    "settings.notify.lead": "Choose what alerts you, and how.", "settings.notify.event": "Event",
    "settings.notify.ch.bell": "Bell", "settings.notify.ch.sound": "Sound", "settings.notify.ch.email": "Email", "settings.notify.ch.push": "Push",
    "settings.notify.browser": "Notifications on this device",
    "settings.notify.e.order.created": "New order", "settings.notify.e.order.confirmed": "Order confirmed",
    "settings.notify.e.order.processing": "Order being prepared", "settings.notify.e.order.shipped": "Order shipped",
    "settings.notify.e.order.delivered": "Order delivered", "settings.notify.e.order.cancelled": "Order cancelled",
    "settings.notify.e.order.returned": "Order returned", "settings.notify.e.order.call_logged": "Call logged",
    "settings.notify.e.shipment.created": "Parcel created at the courier", "settings.notify.e.shipment.failed": "Shipment failed",
    "settings.notify.e.tracking.updated": "Parcel tracking updated",
  },
});

export default async function notificationsSection(container, ctx) {
  const formArea = h("div");
  const push = h("div", { class: "push-slot" });
  mount(container, h("p", { class: "muted" }, t("settings.notify.lead")), formArea, push);
  await loadInto(formArea, () => ctx.api.get("/v1/store"), (store) => form(store, ctx));
  try {
    const { pushPanel } = await import("/dashboard/push.js");
    const panel = pushPanel(ctx);
    if (panel) push.append(h("div", { class: "card" }, h("h2", { class: "section-title" }, t("settings.notify.browser")), panel));
  } catch { /* the push module is not there (yet): nothing to show */ }
}

function form(store, ctx) {
  const writable = can(ctx, "store:write");
  const chosen = store.notifications || {};
  const boxes = {};
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("settings.save"));
  const element = h("form", { class: "settings-form", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearFormErrors(element);
    submit.disabled = true;
    const notifications = Object.fromEntries(CHANNELS.map((channel) => [channel,
      EVENTS.filter((name) => boxes[`${channel}:${name}`].checked)]));
    try {
      await ctx.api.patch("/v1/store", { notifications });
      toast(t("settings.saved"), "ok");
      await ctx.refreshMe();
    } catch (error) {
      showFormErrors(element, error);
    } finally {
      submit.disabled = false;
    }
  } },
  writable ? null : h("p", { class: "notice" }, t("settings.readonly")),
  h("div", { class: "form-error notice notice-error hidden", role: "alert" }),
  h("div", { class: "table-wrap" }, h("table", { class: "table notify-table" },
    h("thead", {}, h("tr", {}, h("th", {}, t("settings.notify.event")), CHANNELS.map((channel) => h("th", {}, t(`settings.notify.ch.${channel}`))))),
    h("tbody", {}, EVENTS.map((name) => h("tr", { dataset: { event: name } },
      h("td", {}, t(`settings.notify.e.${name}`)),
      CHANNELS.map((channel) => {
        const box = h("input", { type: "checkbox", name: `${channel}:${name}`, disabled: !writable,
          checked: (chosen[channel] || []).includes(name),
          "aria-label": `${t(`settings.notify.ch.${channel}`)} — ${t(`settings.notify.e.${name}`)}` });
        boxes[`${channel}:${name}`] = box;
        return h("td", { dataset: { field: `notifications.${channel}` } }, box);
      })))))),
  writable ? h("div", { class: "form-actions" }, submit) : null);
  return element;
}
