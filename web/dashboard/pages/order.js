// One order (/dashboard/orders/{id}): customer, lines and totals, risk and call
// summary, the moves the transitions table allows now (with an optional note),
// restock when due, internal notes, the timeline in words and the shipping section.
import { h, loadCss, mount, toast } from "/shared/dom.js";
import { addMessages, language, t } from "/shared/i18n.js";
import { dateTime, money, phone as formatPhone, relative } from "/shared/format.js";
import { errorState, spinner } from "/shared/ui.js";
import { communes } from "/shared/geo.js";
import { can, flagBadges, icon, moveLabel, orderErrorText, orderWilaya, statusBadge } from "../lib/orders-common.js";
import { outcomeName, timelineList } from "../lib/order-timeline.js";
import { shippingSection } from "../lib/order-shipping.js";

addMessages({
  fr: {
    "order.title": "Commande n° {number}", "order.back": "Commandes", "order.placed": "Passée {when}",
    "order.actions": "Changer le statut", "order.actions.lead": "Seuls les changements possibles maintenant sont proposés.",
    "order.move_note": "Note (facultatif, visible dans l'historique)", "order.moved": "Commande n° {number} : {status}",
    "order.short": "Stock insuffisant : {lines}.", "order.short_line": "{name} ({left} en stock, {wanted} commandé(s))",
    "order.terminal": "Commande terminée : aucun changement de statut possible.",
    "order.restock": "Remettre en stock", "order.restock.lead": "Le colis est revenu ? Remettez ses articles en stock (une seule fois).",
    "order.restocked": "Articles remis en stock.",
    "order.lines": "Articles", "order.qty": "Qté", "order.unit": "Prix", "order.line_total": "Total",
    "order.subtotal": "Sous-total", "order.delivery": "Livraison", "order.total": "Total à encaisser",
    "order.customer_note": "Note du client :", "order.customer": "Client", "order.phone": "Téléphone",
    "order.wilaya": "Wilaya", "order.commune": "Commune", "order.address": "Adresse", "order.delivery_type": "Livraison",
    "order.desk": "Point relais",
    "order.risk": "Historique du numéro", "order.risk.orders": "commandes", "order.risk.delivered": "livrées",
    "order.risk.refused": "refusées", "order.risk.fake": "fausses", "order.risk.new": "Premier achat de ce numéro dans votre boutique.",
    "order.risk.bad": "Attention : ce numéro a déjà refusé ou annulé des commandes.", "order.risk.good": "Client fiable : commandes déjà livrées.",
    "order.duplicate": "Cette commande ressemble à une commande récente du même numéro :", "order.duplicate_open": "voir la commande précédente",
    "order.call": "Appels", "order.call.none": "Aucun appel pour l'instant.", "order.call.attempts": "Tentatives",
    "order.call.last": "Dernier résultat", "order.call.next": "Rappel prévu", "order.call.open": "Ouvrir la confirmation d'appels",
    "order.tab.timeline": "Historique", "order.tab.notes": "Notes", "order.note.add": "Ajouter une note",
    "order.note.placeholder": "Note interne (visible par l'équipe seulement)", "order.note.added": "Note ajoutée.",
    "order.notes.none": "Aucune note.",
  },
  ar: {
    "order.title": "الطلب رقم {number}", "order.back": "الطلبات", "order.placed": "قُدّم {when}",
    "order.actions": "تغيير الحالة", "order.actions.lead": "تُعرض فقط التغييرات الممكنة الآن.",
    "order.move_note": "ملاحظة (اختيارية، تظهر في السجل)", "order.moved": "الطلب رقم {number}: {status}",
    "order.short": "المخزون غير كافٍ: {lines}.", "order.short_line": "{name} ({left} في المخزون، {wanted} مطلوب)",
    "order.terminal": "الطلب منتهٍ: لا يمكن تغيير حالته.",
    "order.restock": "إرجاع إلى المخزون", "order.restock.lead": "عاد الطرد؟ أرجع منتجاته إلى المخزون (مرة واحدة).",
    "order.restocked": "أعيدت المنتجات إلى المخزون.",
    "order.lines": "المنتجات", "order.qty": "الكمية", "order.unit": "السعر", "order.line_total": "المجموع",
    "order.subtotal": "المجموع الفرعي", "order.delivery": "التوصيل", "order.total": "المبلغ المطلوب تحصيله",
    "order.customer_note": "ملاحظة الزبون:", "order.customer": "الزبون", "order.phone": "الهاتف",
    "order.wilaya": "الولاية", "order.commune": "البلدية", "order.address": "العنوان", "order.delivery_type": "التوصيل",
    "order.desk": "مكتب التوصيل",
    "order.risk": "سجل هذا الرقم", "order.risk.orders": "طلبات", "order.risk.delivered": "مُسلّمة",
    "order.risk.refused": "مرفوضة", "order.risk.fake": "وهمية", "order.risk.new": "أول طلب لهذا الرقم في متجرك.",
    "order.risk.bad": "انتبه: هذا الرقم رفض أو ألغى طلبات من قبل.", "order.risk.good": "زبون موثوق: طلبات مُسلّمة من قبل.",
    "order.duplicate": "يشبه هذا الطلب طلبًا حديثًا من نفس الرقم:", "order.duplicate_open": "عرض الطلب السابق",
    "order.call": "المكالمات", "order.call.none": "لا توجد مكالمات بعد.", "order.call.attempts": "المحاولات",
    "order.call.last": "آخر نتيجة", "order.call.next": "معاودة الاتصال", "order.call.open": "فتح تأكيد المكالمات",
    "order.tab.timeline": "السجل", "order.tab.notes": "الملاحظات", "order.note.add": "إضافة ملاحظة",
    "order.note.placeholder": "ملاحظة داخلية (يراها الفريق فقط)", "order.note.added": "تمت إضافة الملاحظة.",
    "order.notes.none": "لا توجد ملاحظات.",
  },
  en: {
    "order.title": "Order #{number}", "order.back": "Orders", "order.placed": "Placed {when}",
    "order.actions": "Change status", "order.actions.lead": "Only the changes possible now are offered.",
    "order.move_note": "Note (optional, shown in the history)", "order.moved": "Order #{number}: {status}",
    "order.short": "Not enough stock: {lines}.", "order.short_line": "{name} ({left} in stock, {wanted} ordered)",
    "order.terminal": "This order is finished: its status can no longer change.",
    "order.restock": "Put back in stock", "order.restock.lead": "Parcel back? Put its items back in stock (once).",
    "order.restocked": "Items put back in stock.",
    "order.lines": "Items", "order.qty": "Qty", "order.unit": "Price", "order.line_total": "Total",
    "order.subtotal": "Subtotal", "order.delivery": "Delivery", "order.total": "To collect",
    "order.customer_note": "Customer's note:", "order.customer": "Customer", "order.phone": "Phone",
    "order.wilaya": "Wilaya", "order.commune": "Commune", "order.address": "Address", "order.delivery_type": "Delivery",
    "order.desk": "Stop desk",
    "order.risk": "This number's history", "order.risk.orders": "orders", "order.risk.delivered": "delivered",
    "order.risk.refused": "refused", "order.risk.fake": "fake", "order.risk.new": "First order from this number in your store.",
    "order.risk.bad": "Careful: this number has refused or faked orders before.", "order.risk.good": "Reliable customer: orders delivered before.",
    "order.duplicate": "This order looks like a recent one from the same number:", "order.duplicate_open": "see the earlier order",
    "order.call": "Calls", "order.call.none": "No calls yet.", "order.call.attempts": "Attempts",
    "order.call.last": "Last outcome", "order.call.next": "Call back", "order.call.open": "Open call confirmation",
    "order.tab.timeline": "History", "order.tab.notes": "Notes", "order.note.add": "Add note",
    "order.note.placeholder": "Internal note (seen by the team only)", "order.note.added": "Note added.",
    "order.notes.none": "No notes.",
  },
});

const NOTE_EVENTS = ["note_added"];

export default async function orderPage(ctx) {
  loadCss("/dashboard/css/orders.css");
  const id = ctx.params.id;
  const path = `/v1/orders/${encodeURIComponent(id)}`;
  mount(ctx.main, spinner());
  let order;
  try {
    order = await ctx.api.get(path);
  } catch (error) {
    mount(ctx.main, h("div", {}, backLink(), error.status === 404
      ? h("div", { class: "notice notice-error", role: "alert" }, t("orders.err.not_found"))
      : errorState(error, () => ctx.navigate(location.pathname, { replace: true }))));
    return null;
  }

  const regions = { head: h("div"), actions: h("div"), lines: h("div"), timeline: h("section", { class: "card" }), side: h("aside", { class: "order-side" }) };
  const moveNote = h("input", { type: "text", class: "note-input", maxlength: 2000, placeholder: t("order.move_note"), "aria-label": t("order.move_note") });
  const noteText = h("textarea", { name: "text", maxlength: 2000, rows: 1, placeholder: t("order.note.placeholder"), "aria-label": t("order.note.placeholder") });
  let tab = "timeline";
  let moveError = null;
  const shipping = shippingSection(ctx, order, { onOrder: (fresh) => show(fresh) });

  function show(fresh) {
    // Some answers (restock, shipments) leave out what only GET computes: keep ours.
    order = { ...fresh, risk: fresh.risk || (order && order.risk), timeline: fresh.timeline || (order && order.timeline) };
    renderHead(); renderActions(); renderLines(); renderTimeline(); renderSide();
    shipping.update(order);
  }

  function renderHead() {
    mount(regions.head, h("div", { class: "order-head" },
      backLink(),
      h("h1", {}, t("order.title", { number: order.number })),
      statusBadge(order.status),
      flagBadges(order, { link: true }),
      h("span", { class: "when", title: dateTime(order.created_at) }, t("order.placed", { when: relative(order.created_at) }))));
  }

  function renderActions() {
    const moves = order.allowed_transitions || [];
    const parts = [];
    if (can(ctx, "orders:write") && moves.length) {
      parts.push(h("section", { class: "card action-bar", "aria-label": t("order.actions") },
        h("p", { class: "lead" }, t("order.actions.lead")),
        h("div", { class: "order-actions" },
          moves.map((to) => h("button", {
            type: "button", dataset: { move: to },
            class: ["btn", to === "cancelled" ? "btn-danger" : "", to === moves.find((m) => m !== "cancelled") ? "btn-primary" : ""],
            onclick: (event) => move(to, event.currentTarget),
          }, moveLabel(to))),
          moveNote,
          moveError ? h("div", { class: "notice notice-error move-error", role: "alert" }, moveError) : null)));
    } else if (!moves.length) {
      if (moveError) parts.push(h("div", { class: "notice notice-error move-error", role: "alert" }, moveError));
      parts.push(h("p", { class: "muted small terminal" }, t("order.terminal")));
    }
    if (order.stock && order.stock.restock_due && can(ctx, "catalog:write")) {
      parts.push(h("div", { class: "notice notice-warn restock spread" },
        h("span", {}, t("order.restock.lead")),
        h("button", { type: "button", class: "btn btn-small", onclick: (event) => restock(event.currentTarget) }, t("order.restock"))));
    }
    mount(regions.actions, parts);
  }

  async function move(to, button) {
    for (const b of regions.actions.querySelectorAll("button")) b.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const moved = await ctx.api.post(`${path}/status`, { status: to, note: moveNote.value.trim() || null });
      moveNote.value = "";
      moveError = null;
      toast(t("order.moved", { number: moved.number, status: t(`orders.status.${moved.status}`) }), "ok");
      show(moved);
    } catch (error) {
      moveError = error.code === "insufficient_stock" ? await shortage(error) : orderErrorText(error);
      if (error.status === 409) {
        try { order = await ctx.api.get(path); } catch { /* keep what we had */ }
      }
      show(order);
    }
  }

  // Name the lines that lack stock: the catalog says how many are left.
  async function shortage(error) {
    try {
      const lines = [];
      for (const line of order.items || []) {
        const product = await ctx.api.get(`/v1/products/${encodeURIComponent(line.product_id)}`);
        const variant = (product.variants || []).find((v) => v.id === line.variant_id);
        const wanted = (order.items || []).filter((l) => l.variant_id === line.variant_id).reduce((sum, l) => sum + l.quantity, 0);
        if (variant && product.track_stock !== false && variant.stock < wanted && !lines.some((l) => l.id === line.variant_id)) {
          lines.push({ id: line.variant_id, text: t("order.short_line", { name: line.name + optionsText(line.options, " "), left: variant.stock, wanted }) });
        }
      }
      return lines.length ? t("order.short", { lines: lines.map((l) => l.text).join(" ; ") }) : orderErrorText(error);
    } catch {
      return orderErrorText(error);
    }
  }

  async function restock(button) {
    button.disabled = true;
    try {
      show(await ctx.api.post(`${path}/restock`));
      toast(t("order.restocked"), "ok");
    } catch (error) {
      toast(orderErrorText(error), "error");
      button.disabled = false;
    }
  }

  function renderLines() {
    const totals = order.totals || {};
    mount(regions.lines, h("section", { class: "card lines" },
      h("h2", {}, t("order.lines")),
      h("table", { class: "lines-table" },
        h("thead", {}, h("tr", {}, h("th", {}, t("order.lines")), h("th", { class: "num" }, t("order.qty")),
          h("th", { class: "num" }, t("order.unit")), h("th", { class: "num" }, t("order.line_total")))),
        h("tbody", {}, (order.items || []).map((line) => h("tr", {},
          h("td", {}, h("div", {}, line.name), optionsText(line.options) || line.sku
            ? h("div", { class: "options" }, [optionsText(line.options), line.sku].filter(Boolean).join(" · ")) : null),
          h("td", { class: "num" }, `× ${line.quantity}`),
          h("td", { class: "num" }, money(line.unit_price)),
          h("td", { class: "num" }, money(line.total)))))),
      h("dl", { class: "totals" },
        h("dt", {}, t("order.subtotal")), h("dd", {}, money(totals.items)),
        h("dt", {}, t("order.delivery")), h("dd", {}, money(totals.delivery)),
        h("dt", { class: "grand" }, t("order.total")), h("dd", { class: "grand" }, money(totals.total))),
      order.note ? h("div", { class: "customer-note" }, h("strong", {}, t("order.customer_note")), " ", order.note) : null));
  }

  function renderTimeline() {
    const entries = order.timeline || [];
    const notes = entries.filter((e) => NOTE_EVENTS.includes(e.event));
    const tabButton = (name, label) => h("button", { type: "button", role: "tab", id: `tab-${name}`, "aria-selected": String(tab === name),
      "aria-controls": "order-tab-panel", onclick: () => { tab = name; renderTimeline(); } }, label);
    const noteForm = can(ctx, "orders:write") ? h("form", { class: "note-form", onsubmit: async (event) => {
      event.preventDefault();
      const text = noteText.value.trim();
      if (!text) return noteText.focus();
      const submit = event.currentTarget.querySelector("button");
      submit.disabled = true;
      try {
        const updated = await ctx.api.post(`${path}/notes`, { text });
        noteText.value = "";
        toast(t("order.note.added"), "ok");
        show(updated);
      } catch (error) {
        toast(orderErrorText(error), "error");
      } finally {
        submit.disabled = false;
      }
    } }, noteText, h("button", { type: "submit", class: "btn" }, t("order.note.add"))) : null;
    const body = tab === "notes"
      ? (notes.length ? timelineList(entries, { only: NOTE_EVENTS }) : h("p", { class: "muted" }, t("order.notes.none")))
      : timelineList(entries);
    mount(regions.timeline,
      h("div", { class: "tabs order-tabs", role: "tablist" },
        tabButton("timeline", `${t("order.tab.timeline")} (${entries.length})`),
        tabButton("notes", `${t("order.tab.notes")} (${notes.length})`)),
      h("div", { id: "order-tab-panel", role: "tabpanel", "aria-labelledby": `tab-${tab}`, class: `tab-${tab}` }, noteForm, body));
  }

  function renderSide() {
    const shippingInfo = order.shipping || {};
    const customer = order.customer || {};
    const commune = h("dd", { class: "commune" }, shippingInfo.commune_name || shippingInfo.commune || "—");
    if (language() === "ar" && shippingInfo.wilaya && shippingInfo.commune) {
      communes(shippingInfo.wilaya).then((list) => {
        const found = list.find((c) => c.code === shippingInfo.commune);
        if (found && found.name_ar) commune.textContent = found.name_ar;
      }).catch(() => { /* the French name stays */ });
    }
    const delivery = shippingInfo.delivery_type === "stop_desk" ? t("orders.stop_desk") : t("orders.home");
    mount(regions.side,
      h("section", { class: "card customer" },
        h("h2", {}, t("order.customer")),
        h("div", { class: "customer-name" }, customer.name),
        h("a", { class: "tel", href: `tel:${customer.phone || ""}` }, icon("phone"), " ", h("bdi", { dir: "ltr" }, formatPhone(customer.phone))),
        h("dl", { class: "facts", style: { marginBlockStart: ".7rem" } },
          h("dt", {}, t("order.wilaya")), h("dd", { class: "wilaya" }, orderWilaya(shippingInfo)),
          h("dt", {}, t("order.commune")), commune,
          h("dt", {}, t("order.address")), h("dd", {}, shippingInfo.address || "—"),
          h("dt", {}, t("order.delivery_type")), h("dd", {}, delivery),
          shippingInfo.stop_desk ? [h("dt", {}, t("order.desk")), h("dd", {}, shippingInfo.stop_desk)] : null)),
      riskCard(order),
      callCard(order));
  }

  mount(ctx.main, h("div", { class: "order-page" },
    regions.head, regions.actions,
    h("div", { class: "order-grid" },
      h("div", { class: "order-mainline" }, regions.lines, shipping.element, regions.timeline),
      regions.side)));
  show(order);
  return () => shipping.stop();
}

function backLink() {
  return h("a", { href: "/dashboard/orders", class: "back" }, h("span", { "aria-hidden": "true" }, document.dir === "rtl" ? "→ " : "← "), t("order.back"));
}

function optionsText(options, prefix = "") {
  const values = Object.values(options || {}).filter(Boolean);
  return values.length ? prefix + values.join(" / ") : "";
}

function riskCard(order) {
  const risk = order.risk || { orders: 0, delivered: 0, refused: 0, cancelled_fake: 0 };
  const bad = risk.refused + risk.cancelled_fake > 0;
  const cell = (value, label, kind) => h("div", { class: ["cell", value > 0 ? kind : ""] },
    h("span", { class: "value" }, String(value)), h("span", { class: "label" }, label));
  const verdict = !risk.orders ? h("p", { class: "risk-verdict muted" }, t("order.risk.new"))
    : bad ? h("p", { class: "risk-verdict notice notice-error" }, t("order.risk.bad"))
      : risk.delivered ? h("p", { class: "risk-verdict notice notice-ok" }, t("order.risk.good")) : null;
  return h("section", { class: "card risk" },
    h("h2", {}, t("order.risk")),
    h("div", { class: "risk-grid" },
      cell(risk.orders, t("order.risk.orders"), ""), cell(risk.delivered, t("order.risk.delivered"), "good"),
      cell(risk.refused, t("order.risk.refused"), "bad"), cell(risk.cancelled_fake, t("order.risk.fake"), "bad")),
    verdict,
    order.duplicate_of ? h("div", { class: "notice notice-warn duplicate", style: { marginBlockStart: ".6rem" } },
      t("order.duplicate"), " ", h("a", { href: `/dashboard/orders/${encodeURIComponent(order.duplicate_of)}`, class: "duplicate-link" },
        t("order.duplicate_open"))) : null);
}

function callCard(order) {
  const call = order.call || {};
  return h("section", { class: "card call" },
    h("h2", {}, t("order.call")),
    call.attempts ? h("dl", { class: "facts" },
      h("dt", {}, t("order.call.attempts")), h("dd", {}, String(call.attempts)),
      h("dt", {}, t("order.call.last")), h("dd", {}, outcomeName(call.last_outcome), call.last_call_at
        ? h("span", { class: "muted small" }, ` · ${relative(call.last_call_at)}`) : null),
      call.next_call_at ? [h("dt", {}, t("order.call.next")), h("dd", {}, dateTime(call.next_call_at))] : null)
      : h("p", { class: "muted" }, t("order.call.none")),
    order.status === "pending" ? h("a", { href: "/dashboard/orders/advanced", class: "small" }, t("order.call.open")) : null);
}

