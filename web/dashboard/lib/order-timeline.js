// An order's timeline in words: when, who (customer, a member, the courier, the
// system) and what happened, in the page's language. Entries come oldest first
// from the API; the page shows the newest on top.
import { h } from "/shared/dom.js";
import { addMessages, isRtl, t } from "/shared/i18n.js";
import { dateTime, relative } from "/shared/format.js";
import { icon, statusName } from "./orders-common.js";

export const COURIER_NAMES = {
  yalidine: "Yalidine", ecotrack: "EcoTrack", zr_express: "ZR Express", maystro: "Maystro Delivery",
  noest: "Noest Express", procolis: "Procolis",
};

addMessages({
  fr: {
    "order.tl.created": "Commande passée", "order.tl.status_changed": "Statut : {from} {arrow} {to}",
    "order.tl.restocked": "Remise en stock : le colis est revenu", "order.tl.call_logged": "Appel n° {attempt} : {outcome}",
    "order.tl.next_call": "Rappel prévu {when}", "order.tl.note_added": "Note interne",
    "order.tl.shipment_requested": "Envoi demandé à {courier}", "order.tl.shipment_created": "Colis créé chez {courier} — suivi {tracking}",
    "order.tl.shipment_failed": "Échec de l'envoi chez {courier}", "order.tl.tracking_updated": "{courier} : {status}",
    "order.tl.notification_sent": "Client prévenu ({channel})", "order.tl.other": "Événement : {event}",
    "order.actor.customer": "Client", "order.actor.merchant": "Équipe", "order.actor.api_key": "Clé API",
    "order.actor.courier": "Transporteur", "order.actor.system": "Système", "order.courier.manual": "Manuel",
    "order.channel.sms": "SMS", "order.channel.email": "e-mail", "order.channel.push": "notification",
    "order.outcome.no_answer": "pas de réponse", "order.outcome.busy": "occupé", "order.outcome.unreachable": "injoignable",
    "order.outcome.postponed": "à rappeler", "order.outcome.wrong_number": "mauvais numéro", "order.outcome.fake": "fausse commande",
    "order.outcome.duplicate": "doublon", "order.outcome.confirmed": "confirmée", "order.outcome.cancelled": "annulée",
    "order.ship.created": "colis créé", "order.ship.picked_up": "ramassé", "order.ship.in_transit": "en transit",
    "order.ship.on_hold": "en attente", "order.ship.out_for_delivery": "en cours de livraison", "order.ship.failed_attempt": "tentative échouée",
    "order.ship.delivered": "livré", "order.ship.delivery_failed": "livraison échouée", "order.ship.returning": "retour en cours",
    "order.ship.returned": "retourné", "order.ship.cancelled": "annulé", "order.ship.unknown": "statut inconnu",
  },
  ar: {
    "order.tl.created": "تم تقديم الطلب", "order.tl.status_changed": "الحالة: {from} {arrow} {to}",
    "order.tl.restocked": "أعيد إلى المخزون: عاد الطرد", "order.tl.call_logged": "المكالمة رقم {attempt}: {outcome}",
    "order.tl.next_call": "معاودة الاتصال {when}", "order.tl.note_added": "ملاحظة داخلية",
    "order.tl.shipment_requested": "طُلب الشحن من {courier}", "order.tl.shipment_created": "تم إنشاء الطرد لدى {courier} — رقم التتبع {tracking}",
    "order.tl.shipment_failed": "فشل الإرسال لدى {courier}", "order.tl.tracking_updated": "{courier}: {status}",
    "order.tl.notification_sent": "تم إعلام الزبون ({channel})", "order.tl.other": "حدث: {event}",
    "order.actor.customer": "الزبون", "order.actor.merchant": "الفريق", "order.actor.api_key": "مفتاح API",
    "order.actor.courier": "شركة التوصيل", "order.actor.system": "النظام", "order.courier.manual": "يدوي",
    "order.channel.sms": "رسالة SMS", "order.channel.email": "بريد إلكتروني", "order.channel.push": "إشعار",
    "order.outcome.no_answer": "لا يرد", "order.outcome.busy": "مشغول", "order.outcome.unreachable": "خارج التغطية",
    "order.outcome.postponed": "معاودة الاتصال", "order.outcome.wrong_number": "رقم خاطئ", "order.outcome.fake": "طلب وهمي",
    "order.outcome.duplicate": "مكرر", "order.outcome.confirmed": "مؤكد", "order.outcome.cancelled": "ملغى",
    "order.ship.created": "تم إنشاء الطرد", "order.ship.picked_up": "تم الاستلام", "order.ship.in_transit": "في الطريق",
    "order.ship.on_hold": "معلّق", "order.ship.out_for_delivery": "خرج للتوصيل", "order.ship.failed_attempt": "محاولة فاشلة",
    "order.ship.delivered": "تم التسليم", "order.ship.delivery_failed": "فشل التسليم", "order.ship.returning": "في طريق الإرجاع",
    "order.ship.returned": "تم الإرجاع", "order.ship.cancelled": "ملغى", "order.ship.unknown": "حالة غير معروفة",
  },
  en: {
    "order.tl.created": "Order placed", "order.tl.status_changed": "Status: {from} {arrow} {to}",
    "order.tl.restocked": "Back in stock: the parcel returned", "order.tl.call_logged": "Call #{attempt}: {outcome}",
    "order.tl.next_call": "Call back {when}", "order.tl.note_added": "Internal note",
    "order.tl.shipment_requested": "Shipment requested from {courier}", "order.tl.shipment_created": "Parcel created at {courier} — tracking {tracking}",
    "order.tl.shipment_failed": "Shipment failed at {courier}", "order.tl.tracking_updated": "{courier}: {status}",
    "order.tl.notification_sent": "Customer notified ({channel})", "order.tl.other": "Event: {event}",
    "order.actor.customer": "Customer", "order.actor.merchant": "Team", "order.actor.api_key": "API key",
    "order.actor.courier": "Courier", "order.actor.system": "System", "order.courier.manual": "Manual",
    "order.channel.sms": "SMS", "order.channel.email": "email", "order.channel.push": "push",
    "order.outcome.no_answer": "no answer", "order.outcome.busy": "busy", "order.outcome.unreachable": "unreachable",
    "order.outcome.postponed": "call back later", "order.outcome.wrong_number": "wrong number", "order.outcome.fake": "fake order",
    "order.outcome.duplicate": "duplicate", "order.outcome.confirmed": "confirmed", "order.outcome.cancelled": "cancelled",
    "order.ship.created": "parcel created", "order.ship.picked_up": "picked up", "order.ship.in_transit": "in transit",
    "order.ship.on_hold": "on hold", "order.ship.out_for_delivery": "out for delivery", "order.ship.failed_attempt": "failed attempt",
    "order.ship.delivered": "delivered", "order.ship.delivery_failed": "delivery failed", "order.ship.returning": "returning",
    "order.ship.returned": "returned", "order.ship.cancelled": "cancelled", "order.ship.unknown": "unknown status",
  },
});

function known(key, fallback) { return t(key) === key ? fallback : t(key); }

export function courierName(code) {
  return code === "manual" ? t("order.courier.manual") : COURIER_NAMES[code] || code || "";
}
export function shipmentStatusName(status) { return known(`order.ship.${status}`, status || ""); }
export function outcomeName(outcome) { return known(`order.outcome.${outcome}`, outcome || ""); }

const ICONS = { customer: "user", merchant: "pen", api_key: "dot", courier: "truck", system: "dot" };

/** The sentence for one entry, and the note shown under it (if any). */
export function describeEntry(entry) {
  const courier = courierName(entry.courier);
  switch (entry.event) {
    case "created": return { what: t("order.tl.created"), note: entry.note };
    case "status_changed":
      if (entry.restocked) return { what: t("order.tl.restocked"), note: null };
      return { what: t("order.tl.status_changed", { from: statusName(entry.from), to: statusName(entry.to), arrow: isRtl() ? "←" : "→" }),
        note: entry.note };
    case "call_logged": {
      const what = t("order.tl.call_logged", { attempt: entry.attempt || "", outcome: outcomeName(entry.outcome) });
      const next = entry.next_call_at ? t("order.tl.next_call", { when: dateTime(entry.next_call_at) }) : null;
      return { what, note: [entry.note, next].filter(Boolean).join("\n") || null };
    }
    case "note_added": return { what: t("order.tl.note_added"), note: entry.note };
    case "shipment_requested": return { what: t("order.tl.shipment_requested", { courier }), note: entry.note };
    case "shipment_created": return { what: t("order.tl.shipment_created", { courier, tracking: entry.tracking || "" }), note: null };
    case "shipment_failed": return { what: t("order.tl.shipment_failed", { courier }), note: entry.reason || entry.note, failed: true };
    case "tracking_updated": {
      const raw = entry.raw_status ? ` « ${entry.raw_status} »` : "";
      return { what: t("order.tl.tracking_updated", { courier, status: shipmentStatusName(entry.status) }) + raw, note: entry.note };
    }
    case "notification_sent": {
      const channel = known(`order.channel.${entry.channel}`, entry.channel || "");
      return { what: t("order.tl.notification_sent", { channel }), note: null };
    }
    default: return { what: t("order.tl.other", { event: entry.event }), note: entry.note };
  }
}

export function actorText(actor) {
  if (!actor) return "";
  const type = known(`order.actor.${actor.type}`, actor.type);
  const name = actor.type === "courier" ? courierName(actor.name) || actor.name : actor.name;
  return name && name !== type ? `${type} · ${name}` : type;
}

/** The timeline list, newest first; `only` keeps some events (e.g. notes). */
export function timelineList(entries, { only = null } = {}) {
  const shown = (entries || []).filter((entry) => !only || only.includes(entry.event)).slice().reverse();
  return h("ol", { class: "timeline" }, shown.map((entry) => {
    const { what, note, failed } = describeEntry(entry);
    const type = (entry.actor && entry.actor.type) || "system";
    return h("li", { class: failed ? "failed" : null, dataset: { event: entry.event, actor: type } },
      h("span", { class: `dot ${type}`, "aria-hidden": "true" }, icon(ICONS[type] || "dot", { className: "icon small-icon" })),
      h("div", {},
        h("div", { class: "what" }, what),
        h("div", { class: "meta" },
          h("time", { datetime: entry.at, title: relative(entry.at) }, dateTime(entry.at)), " · ",
          h("span", { class: "actor" }, actorText(entry.actor))),
        note ? h("div", { class: "entry-note" }, note) : null));
  }));
}
