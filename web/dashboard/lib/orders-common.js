// What the orders list and the order page share: status names and colours, the
// words for each move, flags, error texts worded for orders, the wilaya list and
// saving a file the API answered (CSV, PDF) with the bearer token.
import { h } from "/shared/dom.js";
import { addMessages, language, t } from "/shared/i18n.js";
import { errorText } from "/shared/ui.js";

export const STATUSES = ["pending", "confirmed", "processing", "shipped", "delivered", "cancelled", "returned"];

addMessages({
  fr: {
    "orders.status.pending": "En attente", "orders.status.confirmed": "Confirmée", "orders.status.processing": "En préparation",
    "orders.status.shipped": "Expédiée", "orders.status.delivered": "Livrée", "orders.status.cancelled": "Annulée",
    "orders.status.returned": "Retournée",
    "orders.move.confirmed": "Confirmer", "orders.move.processing": "Passer en préparation", "orders.move.shipped": "Marquer expédiée",
    "orders.move.delivered": "Marquer livrée", "orders.move.cancelled": "Annuler la commande", "orders.move.returned": "Marquer retournée",
    "orders.move.pending": "Remettre en attente",
    "orders.flag.possible_duplicate": "Doublon possible",
    "orders.flag.duplicate_title": "Même téléphone et mêmes articles qu'une commande des dernières 24 h",
    "orders.home": "À domicile", "orders.stop_desk": "Point relais",
    "orders.courier.manual": "Livraison manuelle (sans transporteur)",
    "orders.err.invalid_transition": "Ce changement n'est plus possible : la commande a changé entre-temps.",
    "orders.err.insufficient_stock": "Stock insuffisant pour confirmer cette commande.",
    "orders.err.concurrent_change": "Quelqu'un vient de modifier cette commande. Réessayez.",
    "orders.err.forbidden": "Votre rôle ne permet pas cette action.",
    "orders.err.not_found": "Commande introuvable.",
    "orders.err.courier_not_configured": "Ce transporteur n'est pas configuré.",
    "orders.err.not_supported": "Ce transporteur ne fournit pas d'étiquette.",
    "orders.err.conflict": "Action impossible dans l'état actuel de la commande.",
  },
  ar: {
    "orders.status.pending": "قيد الانتظار", "orders.status.confirmed": "مؤكدة", "orders.status.processing": "قيد التجهيز",
    "orders.status.shipped": "تم الشحن", "orders.status.delivered": "تم التسليم", "orders.status.cancelled": "ملغاة",
    "orders.status.returned": "مرتجعة",
    "orders.move.confirmed": "تأكيد", "orders.move.processing": "بدء التجهيز", "orders.move.shipped": "تحديد كمشحونة",
    "orders.move.delivered": "تحديد كمسلّمة", "orders.move.cancelled": "إلغاء الطلب", "orders.move.returned": "تحديد كمرتجعة",
    "orders.move.pending": "إرجاع إلى الانتظار",
    "orders.flag.possible_duplicate": "طلب مكرر محتمل",
    "orders.flag.duplicate_title": "نفس الهاتف ونفس المنتجات خلال آخر 24 ساعة",
    "orders.home": "إلى المنزل", "orders.stop_desk": "مكتب التوصيل",
    "orders.courier.manual": "توصيل يدوي (بدون شركة توصيل)",
    "orders.err.invalid_transition": "لم يعد هذا التغيير ممكنًا: تغيّر الطلب في الأثناء.",
    "orders.err.insufficient_stock": "المخزون غير كافٍ لتأكيد هذا الطلب.",
    "orders.err.concurrent_change": "قام شخص آخر بتعديل هذا الطلب للتو. أعد المحاولة.",
    "orders.err.forbidden": "دورك لا يسمح بهذا الإجراء.",
    "orders.err.not_found": "الطلب غير موجود.",
    "orders.err.courier_not_configured": "شركة التوصيل هذه غير مُعدّة.",
    "orders.err.not_supported": "شركة التوصيل هذه لا توفر ملصقًا.",
    "orders.err.conflict": "الإجراء غير ممكن في حالة الطلب الحالية.",
  },
  en: {
    "orders.status.pending": "Pending", "orders.status.confirmed": "Confirmed", "orders.status.processing": "Processing",
    "orders.status.shipped": "Shipped", "orders.status.delivered": "Delivered", "orders.status.cancelled": "Cancelled",
    "orders.status.returned": "Returned",
    "orders.move.confirmed": "Confirm", "orders.move.processing": "Start processing", "orders.move.shipped": "Mark shipped",
    "orders.move.delivered": "Mark delivered", "orders.move.cancelled": "Cancel order", "orders.move.returned": "Mark returned",
    "orders.move.pending": "Back to pending",
    "orders.flag.possible_duplicate": "Possible duplicate",
    "orders.flag.duplicate_title": "Same phone and same items as an order of the last 24 h",
    "orders.home": "Home delivery", "orders.stop_desk": "Stop desk",
    "orders.courier.manual": "Manual delivery (no courier)",
    "orders.err.invalid_transition": "That change is no longer possible: the order changed meanwhile.",
    "orders.err.insufficient_stock": "Not enough stock to confirm this order.",
    "orders.err.concurrent_change": "Someone just changed this order. Try again.",
    "orders.err.forbidden": "Your role does not allow this.",
    "orders.err.not_found": "Order not found.",
    "orders.err.courier_not_configured": "This courier is not set up.",
    "orders.err.not_supported": "This courier provides no label.",
    "orders.err.conflict": "Not possible in the order's current state.",
  },
});

export function statusName(status) {
  const key = `orders.status.${status}`;
  return t(key) === key ? status : t(key);
}

export function statusBadge(status) {
  return h("span", { class: `badge badge-${status}`, dataset: { status } }, statusName(status));
}

export function moveLabel(status) { return t(`orders.move.${status}`); }

/** Anti-fraud flags as small badges; the duplicate one links to the earlier order. */
export function flagBadges(order, { link = false } = {}) {
  return (order.flags || []).map((flag) => {
    const text = t(`orders.flag.${flag}`) === `orders.flag.${flag}` ? flag : t(`orders.flag.${flag}`);
    const title = flag === "possible_duplicate" ? t("orders.flag.duplicate_title") : null;
    if (link && flag === "possible_duplicate" && order.duplicate_of) {
      return h("a", { class: "badge badge-warn flag", href: `/dashboard/orders/${encodeURIComponent(order.duplicate_of)}`, title }, "⚠ ", text);
    }
    return h("span", { class: "badge badge-warn flag", title, dataset: { flag } }, "⚠ ", text);
  });
}

/** An API error in words fit for orders; the shared text when we have none. */
export function orderErrorText(error) {
  if (error && error.status === 409 && !["invalid_transition", "insufficient_stock", "concurrent_change",
    "idempotency_key_reused"].includes(error.code)) return error.message || t("orders.err.conflict");
  const key = error ? `orders.err.${error.code}` : "";
  return error && t(key) !== key ? t(key) : errorText(error);
}

/** The wilaya's name in the page's language, from an order's shipping. */
export function orderWilaya(shipping) {
  if (!shipping) return "";
  const name = language() === "ar" ? (shipping.wilaya_name_ar || shipping.wilaya_name) : shipping.wilaya_name;
  return `${String(shipping.wilaya).padStart(2, "0")} ${name || ""}`.trim();
}

let wilayaList = null;
/** Algeria's wilayas (public list), fetched once per page load. */
export function wilayas(api) {
  wilayaList = wilayaList || api.get("/v1/wilayas").then((page) => page.items)
    .catch((error) => { wilayaList = null; throw error; });
  return wilayaList;
}

/** Save what a fetch answered (a Response) as a download named `name`. */
export async function saveResponse(response, name) {
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name, class: "hidden" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
  return name;
}

const ICONS = {
  download: "M12 3v12m0 0 5-5m-5 5-5-5M4 19h16",
  phone: "M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2z",
  back: "M15 5l-7 7 7 7",
  user: "M19 20a7 7 0 0 0-14 0M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z",
  pen: "M4 20h4L19 9l-4-4L4 16z",
  dot: "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z",
  bell: "M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0",
  truck: "M3 6h11v10H3zM14 10h4l3 3v3h-7M7.5 19a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM17.5 19a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z",
};

/** A small line icon (decorative: the text next to it says what it is). */
export function icon(name, { className = "icon" } = {}) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  for (const [key, value] of Object.entries({ viewBox: "0 0 24 24", width: "18", height: "18", fill: "none",
    stroke: "currentColor", "stroke-width": "2", "stroke-linecap": "round", "stroke-linejoin": "round",
    "aria-hidden": "true", class: className })) svg.setAttribute(key, value);
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name] || "");
  svg.append(path);
  return svg;
}

export function can(ctx, permission) {
  return Boolean(ctx.me && (ctx.me.permissions || []).includes(permission));
}

/** Courier accounts the store can ship with now, plus manual (it needs no account). */
export async function usableCouriers(api, me) {
  let items = [];
  try {
    items = (await api.get("/v1/couriers")).items || [];
  } catch (error) {
    if (error.status !== 403) throw error;
    // An operator may not read courier accounts; /v1/me names the ones set up.
    items = (me && me.couriers) || [];
  }
  const usable = items.filter((account) => account.code !== "manual" &&
    !(account.last_check && account.last_check.ok === false));
  return [...usable.map((account) => ({ code: account.code, name: account.name || account.code })),
    { code: "manual", name: t("orders.courier.manual") }];
}
