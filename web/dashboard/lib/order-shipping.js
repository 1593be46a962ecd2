// The order page's shipping section: pick one of the store's couriers (or manual),
// send the parcel (202), then follow the order until the courier made it (tracking
// number) or refused it (its own words); the label is a PDF fetched with the token.
import { h, mount, toast } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";
import { dateTime } from "/shared/format.js";
import { errorText, field, showFormErrors, spinner } from "/shared/ui.js";
import { can, icon, orderErrorText, saveResponse, usableCouriers } from "./orders-common.js";
import { courierName, shipmentStatusName } from "./order-timeline.js";

addMessages({
  fr: {
    "order.ship.title": "Expédition", "order.ship.courier": "Transporteur", "order.ship.stop_desk": "Point relais (id du transporteur)",
    "order.ship.weight": "Poids (kg)", "order.ship.note": "Note pour le livreur", "order.ship.tracking": "N° de suivi (facultatif)",
    "order.ship.send": "Envoyer au transporteur", "order.ship.sending": "Envoi au transporteur en cours…",
    "order.ship.not_yet": "La commande doit être confirmée pour être expédiée.", "order.ship.none": "Pas d'expédition.",
    "order.ship.tracking_label": "Suivi", "order.ship.status_label": "État", "order.ship.label": "Télécharger l'étiquette",
    "order.ship.failed": "Le transporteur a refusé le colis :", "order.ship.retry": "Vous pouvez corriger puis renvoyer.",
    "order.ship.slow": "Le transporteur ne répond pas encore. La page se mettra à jour : vous pouvez continuer.",
    "order.ship.at": "Mis à jour {when}", "order.ship.created_ok": "Colis créé : {tracking}",
    "order.ship.no_couriers": "Aucun transporteur configuré : configurez-en un dans Réglages, ou expédiez manuellement.",
  },
  ar: {
    "order.ship.title": "الشحن", "order.ship.courier": "شركة التوصيل", "order.ship.stop_desk": "مكتب التوصيل (معرّف الشركة)",
    "order.ship.weight": "الوزن (كغ)", "order.ship.note": "ملاحظة للموزّع", "order.ship.tracking": "رقم التتبع (اختياري)",
    "order.ship.send": "إرسال إلى شركة التوصيل", "order.ship.sending": "جارٍ الإرسال إلى شركة التوصيل…",
    "order.ship.not_yet": "يجب تأكيد الطلب قبل شحنه.", "order.ship.none": "لا يوجد شحن.",
    "order.ship.tracking_label": "التتبع", "order.ship.status_label": "الحالة", "order.ship.label": "تنزيل الملصق",
    "order.ship.failed": "رفضت شركة التوصيل الطرد:", "order.ship.retry": "يمكنك التصحيح ثم إعادة الإرسال.",
    "order.ship.slow": "شركة التوصيل لم ترد بعد. ستتحدث الصفحة تلقائيًا: يمكنك المتابعة.",
    "order.ship.at": "آخر تحديث {when}", "order.ship.created_ok": "تم إنشاء الطرد: {tracking}",
    "order.ship.no_couriers": "لا توجد شركة توصيل مُعدّة: أضف واحدة في الإعدادات أو اشحن يدويًا.",
  },
  en: {
    "order.ship.title": "Shipping", "order.ship.courier": "Courier", "order.ship.stop_desk": "Stop desk (courier's id)",
    "order.ship.weight": "Weight (kg)", "order.ship.note": "Note for the driver", "order.ship.tracking": "Tracking number (optional)",
    "order.ship.send": "Send to courier", "order.ship.sending": "Sending to the courier…",
    "order.ship.not_yet": "The order must be confirmed before it ships.", "order.ship.none": "No shipment.",
    "order.ship.tracking_label": "Tracking", "order.ship.status_label": "Status", "order.ship.label": "Download label",
    "order.ship.failed": "The courier refused the parcel:", "order.ship.retry": "You can fix it and send again.",
    "order.ship.slow": "The courier has not answered yet. This page will update: you can carry on.",
    "order.ship.at": "Updated {when}", "order.ship.created_ok": "Parcel created: {tracking}",
    "order.ship.no_couriers": "No courier set up: add one in Settings, or ship manually.",
  },
});

const SHIPPABLE = ["confirmed", "processing"];
const POLL_MS = 1000;
const POLL_FOR_MS = 120_000;

/**
 * The section for `order`. `onOrder(order)` runs with each newer copy of the order
 * (after sending, while following the courier). Returns {element, update, stop}.
 */
export function shippingSection(ctx, initial, { onOrder }) {
  const element = h("section", { class: "card shipping", "aria-labelledby": "ship-title" });
  let order = initial;
  let polling = null;
  let alive = true;
  let couriers = null;

  function update(next) {
    order = next;
    render();
    if (order.shipment && order.shipment.state === "requested" && !polling) follow();
  }

  function render() {
    const shipment = order.shipment;
    const title = h("div", { class: "card-title" }, h("h2", { id: "ship-title" }, icon("truck"), " ", t("order.ship.title")),
      shipment ? h("span", { class: "muted small" }, courierName(shipment.courier)) : null);
    const parts = [title];
    if (shipment && shipment.state === "requested") {
      parts.push(h("div", { class: "ship-pending", role: "status" }, spinner(), t("order.ship.sending")),
        polling && polling.slow ? h("p", { class: "muted small" }, t("order.ship.slow")) : null);
    } else if (shipment && shipment.state === "created") {
      parts.push(shipmentFacts(shipment));
    } else {
      if (shipment && shipment.state === "failed") {
        parts.push(h("div", { class: "notice notice-error ship-error", role: "alert" },
          h("strong", {}, t("order.ship.failed")), " ", h("span", { class: "courier-words" }, shipment.error || ""),
          h("div", { class: "small" }, t("order.ship.retry"))));
      }
      if (SHIPPABLE.includes(order.status) && can(ctx, "orders:write")) parts.push(form());
      else if (!shipment) parts.push(h("p", { class: "muted" }, SHIPPABLE.includes(order.status) || ["pending"].includes(order.status)
        ? t("order.ship.not_yet") : t("order.ship.none")));
    }
    mount(element, parts);
  }

  function shipmentFacts(shipment) {
    const label = shipment.label ? h("button", { type: "button", class: "btn btn-small label-download", onclick: async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      try {
        const response = await ctx.api.get(`/v1/orders/${encodeURIComponent(order.id)}/shipment/label`,
          { raw: true, accept: "application/pdf" });
        await saveResponse(response, `label-${order.number}.pdf`);
      } catch (error) {
        toast(orderErrorText(error), "error");
      } finally {
        button.disabled = false;
      }
    } }, icon("download"), t("order.ship.label")) : null;
    return h("div", { class: "ship-status" },
      h("div", {}, h("div", { class: "muted small" }, t("order.ship.tracking_label")),
        h("div", { class: "tracking-number" }, shipment.tracking_number || "—")),
      h("div", {}, h("div", { class: "muted small" }, t("order.ship.status_label")),
        h("div", { class: "ship-state" }, h("strong", {}, shipmentStatusName(shipment.status || "created")),
          shipment.raw_status ? h("span", { class: "muted small" }, ` « ${shipment.raw_status} »`) : null)),
      shipment.status_at ? h("div", { class: "muted small" }, t("order.ship.at", { when: dateTime(shipment.status_at) })) : null,
      label);
  }

  function form() {
    const courier = h("select", { name: "courier" }, h("option", { value: "" }, "…"));
    const stopDesk = h("input", { type: "text", name: "stop_desk", maxlength: 64,
      value: (order.shipping && order.shipping.stop_desk) || "" });
    const weight = h("input", { type: "number", name: "weight", min: 1, max: 150, inputmode: "numeric" });
    const note = h("input", { type: "text", name: "note", maxlength: 500 });
    const tracking = h("input", { type: "text", name: "tracking", maxlength: 64 });
    const trackingField = field("tracking", t("order.ship.tracking"), tracking);
    const deskField = field("stop_desk", t("order.ship.stop_desk"), stopDesk);
    const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("order.ship.send"));
    const hint = h("p", { class: "muted small wide hidden" }, t("order.ship.no_couriers"));
    const showFor = () => {
      trackingField.classList.toggle("hidden", courier.value !== "manual");
      deskField.classList.toggle("hidden", courier.value === "manual" || !(order.shipping && order.shipping.delivery_type === "stop_desk"));
    };
    courier.addEventListener("change", showFor);
    couriers = couriers || usableCouriers(ctx.api, ctx.me);
    couriers.then((list) => {
      mount(courier, list.map((c) => h("option", { value: c.code }, c.name)));
      hint.classList.toggle("hidden", list.some((c) => c.code !== "manual"));
      showFor();
    }).catch((error) => toast(errorText(error), "error"));
    showFor();
    const shipForm = h("form", { class: "ship-form", novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      if (!courier.value) return;
      const body = { courier: courier.value };
      if (weight.value) body.weight = Number(weight.value);
      if (note.value.trim()) body.note = note.value.trim();
      if (courier.value === "manual" && tracking.value.trim()) body.tracking = tracking.value.trim();
      if (courier.value !== "manual" && !deskField.classList.contains("hidden") && stopDesk.value.trim()) body.stop_desk = stopDesk.value.trim();
      submit.disabled = true;
      try {
        const accepted = await ctx.api.post(`/v1/orders/${encodeURIComponent(order.id)}/shipments`, body);
        // The 202 carries no timeline: show the whole order (manual may be done already).
        let full = accepted;
        try { full = await ctx.api.get(`/v1/orders/${encodeURIComponent(order.id)}`); } catch { /* the 202's copy will do */ }
        onOrder(full);
      } catch (error) {
        if (error.fields && Object.keys(error.fields).length && showFormErrors(shipForm, error)) return;
        showFormErrors(shipForm, { ...error, fields: {}, message: orderErrorText(error), code: `ship_${error.code}` });
      } finally {
        submit.disabled = false;
      }
    } },
    h("div", { class: "form-error notice notice-error hidden wide", role: "alert" }),
    hint,
    field("courier", t("order.ship.courier"), courier),
    deskField, field("weight", t("order.ship.weight"), weight),
    trackingField,
    h("div", { class: "wide" }, field("note", t("order.ship.note"), note)),
    h("div", { class: "wide" }, submit));
    return shipForm;
  }

  // Follow the order until the courier answered (or we stop looking).
  function follow() {
    const started = Date.now();
    polling = { slow: false };
    const tick = async () => {
      if (!alive) return;
      try {
        const fresh = await ctx.api.get(`/v1/orders/${encodeURIComponent(order.id)}`);
        if (!alive) return;
        if (!fresh.shipment || fresh.shipment.state !== "requested") {
          polling = null;
          if (fresh.shipment && fresh.shipment.state === "created") toast(t("order.ship.created_ok", { tracking: fresh.shipment.tracking_number || "" }), "ok");
          onOrder(fresh);
          return;
        }
      } catch { /* a failed look is tried again */ }
      if (Date.now() - started > POLL_FOR_MS) { polling = null; return; }
      if (!polling.slow && Date.now() - started > 8000) { polling.slow = true; render(); }
      polling.timer = setTimeout(tick, POLL_MS);
    };
    polling.timer = setTimeout(tick, POLL_MS);
  }

  function stop() {
    alive = false;
    if (polling) clearTimeout(polling.timer);
  }

  update(initial);
  return { element, update, stop };
}
