// The call-confirm CRM (/dashboard/orders/advanced): the pending orders to call now,
// one card each, with the customer's number as a big tel: link and one button per call
// outcome the contract lists. A logged call updates the card or takes it out of the
// queue; a fake order offers to block the phone.
import { h, loadCss, mount, toast } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";
import { dateTime, money, number, phone as formatPhone, relative, wilayaName } from "/shared/format.js";
import { errorState, errorText, clearFormErrors, showFormErrors, spinner } from "/shared/ui.js";

addMessages({
  fr: {
    "calls.title": "Confirmation d'appels", "calls.lead": "Appelez, notez le résultat : la commande avance toute seule.",
    "calls.refresh": "Actualiser", "calls.count": "{n} à appeler",
    "calls.scheduled": "Rappels prévus ({n})", "calls.scheduled.when": "Rappel", "calls.scheduled.order": "Commande",
    "calls.scheduled.customer": "Client", "calls.scheduled.attempts": "Tentatives",
    "calls.readonly": "Lecture seule : vous voyez la file d'appels sans pouvoir noter d'appel.",
    "calls.empty": "Personne à appeler pour l'instant.", "calls.to_orders": "Voir toutes les commandes",
    "calls.card_label": "Commande {number}, {name}", "calls.callback_due": "Rappel prévu {when}",
    "calls.duplicate": "Doublon possible", "calls.duplicate_title": "Même téléphone et mêmes articles qu'une commande des dernières 24 h — ouvrir la précédente",
    "calls.risk_new": "Nouveau client", "calls.risk": "{orders} cmd · {delivered} livrées · {refused} refusées · {fake} fausses",
    "calls.risk_title": "Commandes précédentes de ce numéro dans votre boutique",
    "calls.home": "À domicile", "calls.stop_desk": "Point relais", "calls.delivery": "dont livraison {fee}",
    "calls.customer_note": "Note du client :", "calls.attempts": "Tentatives : {n}", "calls.last": "Dernier : {outcome} ({when})",
    "calls.unassigned": "Non attribuée", "calls.me": "Moi", "calls.someone": "un autre membre",
    "calls.assigned": "Attribuée à : {who}", "calls.assign_label": "Attribuer à", "calls.assigned_to": "Attribuée à : {who}",
    "calls.take": "Me l'attribuer", "calls.release": "Libérer",
    "calls.note": "Note d'appel", "calls.note_placeholder": "Note d'appel (facultatif)", "calls.outcomes": "Résultat de l'appel",
    "calls.outcome.confirmed": "Confirmée", "calls.outcome.no_answer": "Pas de réponse", "calls.outcome.busy": "Occupé",
    "calls.outcome.unreachable": "Injoignable", "calls.outcome.postponed": "Rappeler plus tard", "calls.outcome.cancelled": "Annulée",
    "calls.outcome.fake": "Fausse commande", "calls.outcome.wrong_number": "Mauvais numéro", "calls.outcome.duplicate": "Doublon",
    "calls.in_1h": "Dans 1 h", "calls.this_evening": "Ce soir (19 h)", "calls.tomorrow_morning": "Demain matin (9 h)",
    "calls.postpone_at": "Ou choisissez le moment du rappel", "calls.postpone_submit": "Reporter",
    "calls.postpone_future": "Choisissez un moment dans le futur.",
    "calls.logged": "Commande {number} : {outcome}", "calls.auto_cancelled": "Trop d'appels sans réponse : la commande a été annulée automatiquement.",
    "calls.conflict": "Impossible de noter cet appel.", "calls.dismiss": "Retirer de la liste",
    "calls.block_offer": "Commande annulée. Bloquer le {phone} pour refuser ses prochaines commandes ?",
    "calls.block": "Bloquer ce numéro", "calls.block_no": "Non merci", "calls.block_reason": "Fausse commande n° {number}",
    "calls.blocked": "{phone} est bloqué.",
    "error.invalid_transition": "La commande n'est plus en attente : elle a déjà été traitée.",
    "error.insufficient_stock": "Stock insuffisant pour confirmer cette commande.",
    "error.forbidden": "Votre rôle ne permet pas cette action.", "error.not_found": "Introuvable (peut-être supprimé).",
    "error.concurrent_change": "Quelqu'un d'autre vient de modifier cet élément. Réessayez.",
    "field_error.next_call_at": "Choisissez un moment dans le futur (60 jours au plus).",
  },
  ar: {
    "calls.title": "تأكيد المكالمات", "calls.lead": "اتصل وسجّل النتيجة: الطلب يتقدّم تلقائيًا.",
    "calls.refresh": "تحديث", "calls.count": "{n} للاتصال",
    "calls.scheduled": "مكالمات مبرمجة ({n})", "calls.scheduled.when": "موعد الاتصال", "calls.scheduled.order": "الطلب",
    "calls.scheduled.customer": "الزبون", "calls.scheduled.attempts": "المحاولات",
    "calls.readonly": "قراءة فقط: ترى قائمة المكالمات دون تسجيل نتائج.",
    "calls.empty": "لا أحد للاتصال به حاليًا.", "calls.to_orders": "عرض كل الطلبات",
    "calls.card_label": "الطلب {number}، {name}", "calls.callback_due": "معاودة الاتصال {when}",
    "calls.duplicate": "طلب مكرر محتمل", "calls.duplicate_title": "نفس الهاتف ونفس المنتجات خلال 24 ساعة — فتح الطلب السابق",
    "calls.risk_new": "زبون جديد", "calls.risk": "{orders} طلبات · {delivered} مُسلّمة · {refused} مرفوضة · {fake} وهمية",
    "calls.risk_title": "الطلبات السابقة لهذا الرقم في متجرك",
    "calls.home": "إلى المنزل", "calls.stop_desk": "مكتب التوصيل", "calls.delivery": "منها التوصيل {fee}",
    "calls.customer_note": "ملاحظة الزبون:", "calls.attempts": "المحاولات: {n}", "calls.last": "الأخيرة: {outcome} ({when})",
    "calls.unassigned": "غير مُسند", "calls.me": "أنا", "calls.someone": "عضو آخر",
    "calls.assigned": "مُسند إلى: {who}", "calls.assign_label": "إسناد إلى", "calls.assigned_to": "مُسند إلى: {who}",
    "calls.take": "أسنده إليّ", "calls.release": "تحرير",
    "calls.note": "ملاحظة المكالمة", "calls.note_placeholder": "ملاحظة المكالمة (اختياري)", "calls.outcomes": "نتيجة المكالمة",
    "calls.outcome.confirmed": "مؤكد", "calls.outcome.no_answer": "لا يرد", "calls.outcome.busy": "مشغول",
    "calls.outcome.unreachable": "خارج التغطية", "calls.outcome.postponed": "معاودة الاتصال لاحقًا", "calls.outcome.cancelled": "ملغى",
    "calls.outcome.fake": "طلب وهمي", "calls.outcome.wrong_number": "رقم خاطئ", "calls.outcome.duplicate": "مكرر",
    "calls.in_1h": "بعد ساعة", "calls.this_evening": "هذا المساء (19:00)", "calls.tomorrow_morning": "غدًا صباحًا (9:00)",
    "calls.postpone_at": "أو اختر وقت معاودة الاتصال", "calls.postpone_submit": "تأجيل",
    "calls.postpone_future": "اختر وقتًا في المستقبل.",
    "calls.logged": "الطلب {number}: {outcome}", "calls.auto_cancelled": "مكالمات كثيرة دون رد: أُلغي الطلب تلقائيًا.",
    "calls.conflict": "تعذّر تسجيل هذه المكالمة.", "calls.dismiss": "إزالة من القائمة",
    "calls.block_offer": "أُلغي الطلب. هل تحظر الرقم {phone} لرفض طلباته القادمة؟",
    "calls.block": "حظر هذا الرقم", "calls.block_no": "لا، شكرًا", "calls.block_reason": "طلب وهمي رقم {number}",
    "calls.blocked": "تم حظر {phone}.",
    "error.invalid_transition": "لم يعد الطلب قيد الانتظار: تمت معالجته من قبل.",
    "error.insufficient_stock": "المخزون غير كافٍ لتأكيد هذا الطلب.",
    "error.forbidden": "دورك لا يسمح بهذا الإجراء.", "error.not_found": "غير موجود (ربما حُذف).",
    "error.concurrent_change": "قام شخص آخر بتعديل هذا العنصر للتو. أعد المحاولة.",
    "field_error.next_call_at": "اختر وقتًا في المستقبل (60 يومًا على الأكثر).",
  },
  en: {
    "calls.title": "Call confirmation", "calls.lead": "Call, log the outcome: the order moves on by itself.",
    "calls.refresh": "Refresh", "calls.count": "{n} to call",
    "calls.scheduled": "Scheduled callbacks ({n})", "calls.scheduled.when": "Call back", "calls.scheduled.order": "Order",
    "calls.scheduled.customer": "Customer", "calls.scheduled.attempts": "Attempts",
    "calls.readonly": "Read-only: you see the call queue but cannot log calls.",
    "calls.empty": "Nobody to call right now.", "calls.to_orders": "See all orders",
    "calls.card_label": "Order {number}, {name}", "calls.callback_due": "Callback {when}",
    "calls.duplicate": "Possible duplicate", "calls.duplicate_title": "Same phone and items as an order of the last 24 h — open the earlier one",
    "calls.risk_new": "New customer", "calls.risk": "{orders} orders · {delivered} delivered · {refused} refused · {fake} fake",
    "calls.risk_title": "This number's earlier orders in your store",
    "calls.home": "Home", "calls.stop_desk": "Stop desk", "calls.delivery": "incl. delivery {fee}",
    "calls.customer_note": "Customer note:", "calls.attempts": "Attempts: {n}", "calls.last": "Last: {outcome} ({when})",
    "calls.unassigned": "Unassigned", "calls.me": "Me", "calls.someone": "another member",
    "calls.assigned": "Assigned to: {who}", "calls.assign_label": "Assign to", "calls.assigned_to": "Assigned to: {who}",
    "calls.take": "Assign to me", "calls.release": "Release",
    "calls.note": "Call note", "calls.note_placeholder": "Call note (optional)", "calls.outcomes": "Call outcome",
    "calls.outcome.confirmed": "Confirmed", "calls.outcome.no_answer": "No answer", "calls.outcome.busy": "Busy",
    "calls.outcome.unreachable": "Unreachable", "calls.outcome.postponed": "Call back later", "calls.outcome.cancelled": "Cancelled",
    "calls.outcome.fake": "Fake order", "calls.outcome.wrong_number": "Wrong number", "calls.outcome.duplicate": "Duplicate",
    "calls.in_1h": "In 1 h", "calls.this_evening": "This evening (7 pm)", "calls.tomorrow_morning": "Tomorrow morning (9 am)",
    "calls.postpone_at": "Or pick when to call back", "calls.postpone_submit": "Postpone",
    "calls.postpone_future": "Pick a time in the future.",
    "calls.logged": "Order {number}: {outcome}", "calls.auto_cancelled": "Too many unanswered calls: the order was cancelled automatically.",
    "calls.conflict": "This call could not be logged.", "calls.dismiss": "Remove from the list",
    "calls.block_offer": "Order cancelled. Block {phone} to refuse its next orders?",
    "calls.block": "Block this number", "calls.block_no": "No thanks", "calls.block_reason": "Fake order no. {number}",
    "calls.blocked": "{phone} is blocked.",
    "error.invalid_transition": "The order is no longer pending: it was already handled.",
    "error.insufficient_stock": "Not enough stock to confirm this order.",
    "error.forbidden": "Your role does not allow this.", "error.not_found": "Not found (perhaps deleted).",
    "error.concurrent_change": "Someone else just changed this. Try again.",
    "field_error.next_call_at": "Pick a time in the future (at most 60 days ahead).",
  },
});

// The contract's outcomes, in the order a caller needs them: reached, not reached, bad.
export const OUTCOMES = ["confirmed", "no_answer", "busy", "unreachable", "postponed",
  "cancelled", "fake", "wrong_number", "duplicate"];
// Outcomes after which the order is no longer pending (it leaves the queue).
const LEAVES_QUEUE = new Set(["confirmed", "cancelled", "fake", "wrong_number", "duplicate", "postponed"]);
const KIND = { confirmed: "btn-primary", cancelled: "btn-danger", fake: "btn-danger",
  wrong_number: "btn-danger", duplicate: "btn-danger" };
const QUEUE_SIZE = 50;

export default async function calls(ctx) {
  loadCss("/dashboard/css/calls.css");
  const canWrite = ctx.me.permissions.includes("orders:write");
  const state = { orders: [], members: null, canWrite, ctx };
  const list = h("div", { class: "call-list", "aria-live": "polite" });
  const scheduled = h("section", { class: "call-scheduled" });
  const count = h("span", { class: "muted call-count" });
  const refresh = h("button", { class: "btn btn-small", type: "button", onclick: () => load() }, t("calls.refresh"));
  mount(ctx.main,
    h("div", { class: "page-head" },
      h("div", {}, h("h1", {}, t("calls.title")), h("p", { class: "muted call-lead" }, t("calls.lead"))),
      h("div", { class: "row" }, count, refresh)),
    canWrite ? null : h("p", { class: "notice" }, t("calls.readonly")),
    list,
    scheduled);

  async function load() {
    mount(list, spinner());
    refresh.disabled = true;
    try {
      const [page, members] = await Promise.all([
        ctx.api.get("/v1/calls/queue", { query: { limit: QUEUE_SIZE } }),
        state.members || loadMembers(ctx),
      ]);
      state.members = members;
      state.orders = page.items;
      renderList();
      addRisks();
      loadScheduled();
    } catch (error) {
      mount(list, errorState(error, load));
    } finally {
      refresh.disabled = false;
    }
  }

  function renderList() {
    count.textContent = t("calls.count", { n: number(state.orders.length) });
    if (!state.orders.length) {
      mount(list, h("div", { class: "empty card" }, h("p", { class: "call-empty-title" }, t("calls.empty")),
        h("a", { href: "/dashboard/orders" }, t("calls.to_orders"))));
      return;
    }
    mount(list, state.orders.map((order) => card(order, state, { onDone: remove, onUpdate: update })));
  }

  // Callbacks to come: they rejoin the queue above when due.
  async function loadScheduled() {
    try {
      const page = await ctx.api.get("/v1/calls/scheduled", { query: { limit: QUEUE_SIZE } });
      mount(scheduled, page.items.length ? scheduledList(page.items) : null);
    } catch (error) {
      mount(scheduled, errorState(error, loadScheduled));
    }
  }

  function remove(orderId) {
    loadScheduled();
    state.orders = state.orders.filter((order) => order.id !== orderId);
    const element = list.querySelector(`[data-order-id="${CSS.escape(orderId)}"]`);
    const next = element && (element.nextElementSibling || element.previousElementSibling);
    if (element) element.remove();
    count.textContent = t("calls.count", { n: number(state.orders.length) });
    if (!state.orders.length) renderList();
    else if (next) next.focus();
  }

  function update(order) {
    state.orders = state.orders.map((item) => (item.id === order.id ? { ...item, ...order } : item));
    const element = list.querySelector(`[data-order-id="${CSS.escape(order.id)}"]`);
    const merged = state.orders.find((item) => item.id === order.id);
    if (element && merged) {
      const fresh = card(merged, state, { onDone: remove, onUpdate: update });
      element.replaceWith(fresh);
      fresh.focus();
    }
  }

  // The risk counts are only on GET /v1/orders/{id}: read them a few at a time.
  async function addRisks() {
    const missing = state.orders.filter((order) => !order.risk);
    const queue = [...missing];
    const worker = async () => {
      while (queue.length) {
        const order = queue.shift();
        try {
          const full = await ctx.api.get(`/v1/orders/${encodeURIComponent(order.id)}`);
          order.risk = full.risk || null;
          const slot = list.querySelector(`[data-order-id="${CSS.escape(order.id)}"] .risk-slot`);
          if (slot) mount(slot, riskBadge(order.risk));
        } catch { /* the badge stays empty; the card still works */ }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
  }

  await load();
  // Keyboard: digits pick an outcome on the focused card (outside text fields).
  const onKey = (event) => {
    if (!canWrite || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select")) return;
    const current = event.target.closest(".call-card");
    const index = Number(event.key) - 1;
    if (!current || !(index >= 0 && index < OUTCOMES.length)) return;
    const button = current.querySelector(`[data-outcome="${OUTCOMES[index]}"]`);
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  };
  document.addEventListener("keydown", onKey);
  return () => document.removeEventListener("keydown", onKey);
}

function scheduledList(orders) {
  return h("details", { class: "card scheduled-calls" },
    h("summary", {}, h("strong", {}, t("calls.scheduled", { n: number(orders.length) }))),
    h("table", { class: "table" },
      h("thead", {}, h("tr", {}, h("th", {}, t("calls.scheduled.when")), h("th", {}, t("calls.scheduled.order")),
        h("th", {}, t("calls.scheduled.customer")), h("th", { class: "num" }, t("calls.scheduled.attempts")))),
      h("tbody", {}, orders.map((order) => h("tr", { dataset: { orderId: order.id } },
        h("td", { title: dateTime(order.call.next_call_at) }, relative(order.call.next_call_at)),
        h("td", {}, h("a", { href: `/dashboard/orders/${encodeURIComponent(order.id)}` }, `#${order.number}`)),
        h("td", {}, order.customer.name, " · ", h("bdi", { dir: "ltr" }, formatPhone(order.customer.phone))),
        h("td", { class: "num" }, number(order.call.attempts)))))));
}

async function loadMembers(ctx) {
  if (!ctx.me.permissions.includes("members:read")) return [];
  try {
    const page = await ctx.api.get("/v1/members");
    return page.items.filter((member) => member.status === "active");
  } catch {
    return [];     // assignment still works for "me"; names fall back to "another member"
  }
}

function memberName(id, state) {
  if (!id) return t("calls.unassigned");
  if (id === state.ctx.me.member.id) return t("calls.me");
  const member = (state.members || []).find((item) => item.id === id);
  return member ? (member.name || member.email) : t("calls.someone");
}

export function riskBadge(risk) {
  if (!risk) return null;
  if (!risk.orders) return h("span", { class: "badge badge-info" }, t("calls.risk_new"));
  const bad = (risk.refused || 0) + (risk.cancelled_fake || 0);
  const kind = bad ? "badge-danger" : risk.delivered ? "badge-delivered" : "";
  return h("span", { class: `badge ${kind}`, title: t("calls.risk_title") },
    t("calls.risk", { orders: risk.orders, delivered: risk.delivered || 0, refused: risk.refused || 0,
      fake: risk.cancelled_fake || 0 }));
}

function lines(order) {
  return h("ul", { class: "call-lines" }, (order.items || []).map((line) => {
    const options = Object.values(line.options || {}).join(", ");
    return h("li", {},
      h("span", { class: "qty num" }, `${line.quantity} ×`),
      h("span", { class: "line-name" }, line.name, options ? h("span", { class: "muted" }, ` (${options})`) : null),
      h("span", { class: "num line-total" }, money(line.total)));
  }));
}

function place(order) {
  const shipping = order.shipping || {};
  const wilaya = wilayaName({ code: shipping.wilaya, name_fr: shipping.wilaya_name, name_ar: shipping.wilaya_name_ar });
  const type = shipping.delivery_type === "stop_desk" ? t("calls.stop_desk") : t("calls.home");
  return h("div", { class: "call-place" },
    h("span", {}, wilaya), shipping.commune_name ? h("span", {}, shipping.commune_name) : null,
    h("span", { class: "badge" }, type));
}

function card(order, state, handlers) {
  const call = order.call || {};
  const customer = order.customer || {};
  const element = h("article", { class: "card call-card", tabindex: "0", dataset: { orderId: order.id },
    "aria-label": t("calls.card_label", { number: order.number, name: customer.name || "" }) });
  const due = call.next_call_at ? h("span", { class: "badge badge-warn" }, t("calls.callback_due", { when: dateTime(call.next_call_at) })) : null;
  const duplicate = (order.flags || []).includes("possible_duplicate")
    ? h("a", { class: "badge badge-danger dup-badge", href: `/dashboard/orders/${encodeURIComponent(order.duplicate_of || "")}`,
      title: t("calls.duplicate_title") }, t("calls.duplicate")) : null;
  const head = h("div", { class: "call-head" },
    h("a", { class: "call-number", href: `/dashboard/orders/${encodeURIComponent(order.id)}` }, `#${order.number}`),
    h("span", { class: "muted small", title: dateTime(order.created_at) }, relative(order.created_at)),
    due, duplicate, h("span", { class: "risk-slot" }, riskBadge(order.risk)));
  const who = h("div", { class: "call-who" },
    h("div", { class: "call-name" }, customer.name || "—"),
    h("a", { class: "call-phone", href: `tel:${customer.phone || ""}`, dir: "ltr" }, formatPhone(customer.phone)),
    place(order));
  const attempts = h("div", { class: "call-status small" },
    h("span", { class: "attempts" }, t("calls.attempts", { n: call.attempts || 0 })),
    call.last_outcome ? h("span", { class: "last-outcome" },
      t("calls.last", { outcome: t(`calls.outcome.${call.last_outcome}`), when: relative(call.last_call_at) })) : null);
  element.append(head, h("div", { class: "call-body" },
    who,
    h("div", { class: "call-order" }, lines(order),
      h("div", { class: "call-total" }, h("span", { class: "muted small" },
        t("calls.delivery", { fee: money((order.totals || {}).delivery) })),
      h("strong", { class: "num" }, money((order.totals || {}).total)))),
    order.note ? h("p", { class: "call-note small" }, h("strong", {}, t("calls.customer_note")), " ", order.note) : null),
  h("div", { class: "call-meta" }, attempts, assignment(order, state, handlers)));
  if (state.canWrite) element.append(actions(order, state, handlers, element));
  return element;
}

function assignment(order, state, handlers) {
  const call = order.call || {};
  const me = state.ctx.me.member.id;
  const label = h("span", { class: "small assigned" }, t("calls.assigned", { who: memberName(call.assigned_to, state) }));
  if (!state.canWrite) return label;
  const assign = async (memberId, control) => {
    control.disabled = true;
    try {
      const updated = await state.ctx.api.post(`/v1/orders/${encodeURIComponent(order.id)}/assign`, { member_id: memberId });
      toast(t("calls.assigned_to", { who: memberName(memberId, state) }), "ok");
      handlers.onUpdate(updated);
    } catch (error) {
      toast(errorText(error), "error");
      control.disabled = false;
    }
  };
  if (state.members && state.members.length) {
    const select = h("select", { class: "assign-select", "aria-label": t("calls.assign_label"),
      onchange: () => assign(select.value || null, select) },
    h("option", { value: "" }, t("calls.unassigned")),
    state.members.map((member) => h("option", { value: member.id, selected: member.id === call.assigned_to },
      member.id === me ? `${t("calls.me")} — ${member.name || member.email}` : (member.name || member.email))));
    return h("label", { class: "assign small" }, h("span", {}, t("calls.assign_label")), select);
  }
  const mine = call.assigned_to === me;
  const button = h("button", { class: "btn btn-small", type: "button",
    onclick: () => assign(mine ? null : me, button) }, mine ? t("calls.release") : t("calls.take"));
  return h("div", { class: "assign row" }, label, button);
}

function actions(order, state, handlers, element) {
  const note = h("input", { type: "text", name: "note", maxlength: 1000, placeholder: t("calls.note_placeholder"), autocomplete: "off" });
  const when = h("input", { type: "datetime-local", name: "next_call_at" });
  const postpone = postponePanel(when, () => send("postponed"));
  const summary = h("div", { class: "form-error notice notice-error hidden", role: "alert" });
  const buttons = OUTCOMES.map((outcome, index) => h("button", {
    type: "button", class: ["btn", "outcome", KIND[outcome] || ""], dataset: { outcome },
    "aria-keyshortcuts": String(index + 1),
    onclick: () => (outcome === "postponed" ? togglePostpone() : send(outcome)),
  }, h("kbd", { "aria-hidden": "true" }, String(index + 1)), t(`calls.outcome.${outcome}`)));
  const form = h("form", { class: "call-actions", novalidate: true, onsubmit: (event) => event.preventDefault() },
    summary,
    h("div", { class: "field call-note-field", dataset: { field: "note" } },
      h("label", { class: "sr-only", for: `note-${order.id}` }, t("calls.note")), Object.assign(note, { id: `note-${order.id}` })),
    h("div", { class: "outcomes", role: "group", "aria-label": t("calls.outcomes") }, buttons),
    postpone.panel);

  function togglePostpone() {
    postpone.panel.classList.toggle("hidden");
    if (!postpone.panel.classList.contains("hidden")) postpone.first.focus();
  }

  async function send(outcome) {
    clearFormErrors(form);
    const body = { outcome, note: note.value.trim() || null };
    if (outcome === "postponed") {
      const at = when.value ? new Date(when.value) : null;
      if (!at || Number.isNaN(at.getTime()) || at <= new Date()) {
        showFormErrors(form, { code: "validation_error", fields: { next_call_at: t("calls.postpone_future") } });
        return;
      }
      body.next_call_at = at.toISOString().replace(/\.\d{3}Z$/, "Z");
    }
    for (const button of buttons) button.disabled = true;
    element.setAttribute("aria-busy", "true");
    try {
      const updated = await state.ctx.api.post(`/v1/orders/${encodeURIComponent(order.id)}/calls`, body);
      toast(t("calls.logged", { number: order.number, outcome: t(`calls.outcome.${outcome}`) }), "ok");
      if (outcome === "fake") return offerBlock(updated, state, element, handlers);
      if (LEAVES_QUEUE.has(outcome) || updated.status !== "pending") {
        if (updated.status === "cancelled" && !LEAVES_QUEUE.has(outcome)) toast(t("calls.auto_cancelled"), "info");
        return handlers.onDone(order.id);
      }
      handlers.onUpdate(updated);
    } catch (error) {
      for (const button of buttons) button.disabled = false;
      if (error.status === 409) showConflict(form, error, order.id, handlers);
      else showFormErrors(form, error);
    } finally {
      element.removeAttribute("aria-busy");
    }
  }
  return form;
}

// A 409: the order moved meanwhile (terminal, or stock short). Say so and let the
// caller take the card away.
function showConflict(form, error, orderId, handlers) {
  const summary = form.querySelector(".form-error");
  mount(summary, h("strong", {}, t("calls.conflict")), " ", errorText(error), " ",
    h("button", { type: "button", class: "link-button dismiss", onclick: () => handlers.onDone(orderId) }, t("calls.dismiss")));
  summary.classList.remove("hidden");
}

// Quick choices fill the datetime input; "Reporter" sends. Times are the caller's local time.
function postponePanel(input, onSubmit) {
  const at = (hours, minutes = 0, days = 0, fromNow = false) => {
    const moment = new Date();
    if (fromNow) moment.setHours(moment.getHours() + hours);
    else { moment.setDate(moment.getDate() + days); moment.setHours(hours, minutes, 0, 0); }
    return moment;
  };
  const evening = () => { const e = at(19); return e > new Date() ? e : at(19, 0, 1); };
  const choices = [
    ["calls.in_1h", () => at(1, 0, 0, true)],
    ["calls.this_evening", evening],
    ["calls.tomorrow_morning", () => at(9, 0, 1)],
  ];
  const setInput = (moment) => {
    const local = new Date(moment.getTime() - moment.getTimezoneOffset() * 60000);
    input.value = local.toISOString().slice(0, 16);
  };
  const quick = choices.map(([key, make]) => h("button", { type: "button", class: "btn btn-small quick",
    onclick: () => { setInput(make()); onSubmit(); } }, t(key)));
  input.min = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const id = `when-${Math.random().toString(36).slice(2, 8)}`;
  input.id = id;
  const panel = h("div", { class: "postpone hidden" },
    h("div", { class: "row" }, quick),
    h("div", { class: "field", dataset: { field: "next_call_at" } },
      h("label", { for: id }, t("calls.postpone_at")),
      h("div", { class: "row postpone-row" }, input,
        h("button", { type: "button", class: "btn btn-primary btn-small", onclick: onSubmit }, t("calls.postpone_submit")))));
  return { panel, first: quick[0] };
}

// After a fake: the order is cancelled; offer to block the phone right away.
function offerBlock(order, state, element, handlers) {
  const phone = (order.customer || {}).phone;
  const done = () => handlers.onDone(order.id);
  const block = h("button", { type: "button", class: "btn btn-danger solid", onclick: async () => {
    block.disabled = true;
    try {
      await state.ctx.api.post("/v1/blacklist", { phone, reason: t("calls.block_reason", { number: order.number }) });
      toast(t("calls.blocked", { phone: formatPhone(phone) }), "ok");
      done();
    } catch (error) {
      block.disabled = false;
      mount(message, errorText(error));
    }
  } }, t("calls.block"));
  const message = h("p", { role: "alert", class: "small" });
  const panel = h("div", { class: "notice notice-warn block-offer" },
    h("p", {}, t("calls.block_offer", { phone: formatPhone(phone) })), message,
    h("div", { class: "row" }, block, h("button", { type: "button", class: "btn", onclick: done }, t("calls.block_no"))));
  const actionsArea = element.querySelector(".call-actions");
  if (actionsArea) actionsArea.replaceWith(panel); else element.append(panel);
  block.focus();
}
