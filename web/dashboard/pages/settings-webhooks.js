// Settings › Webhooks: endpoints (URL + events), the signing secret shown once at
// creation and rotation, a test ping, the delivery log with redelivery, and turning a
// disabled endpoint back on.
import { h, mount, toast } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";
import { dateTime, relative } from "/shared/format.js";
import { clearFormErrors, errorState, errorText, loadInto, showFormErrors, spinner } from "/shared/ui.js";
import { confirmDialog, secretBox } from "./settings-common.js";

export const EVENTS = ["order.created", "order.confirmed", "order.processing", "order.shipped", "order.delivered",
  "order.cancelled", "order.returned", "order.call_logged", "shipment.created", "shipment.failed", "tracking.updated"];

addMessages({
  fr: {
    "settings.webhooks.lead": "Recevez chaque événement de commande sur votre serveur (Standard Webhooks, signés HMAC-SHA256).",
    "settings.webhooks.edit": "Modifier", "settings.webhooks.new": "Nouvel endpoint", "settings.webhooks.url": "URL (https)", "settings.webhooks.description": "Description (facultatif)",
    "settings.webhooks.events": "Événements", "settings.webhooks.all": "Tout cocher", "settings.webhooks.create": "Créer l'endpoint",
    "settings.webhooks.secret": "Secret de signature", "settings.webhooks.enabled": "Actif", "settings.webhooks.disabled": "Désactivé",
    "settings.webhooks.disabled_dead": "Désactivé après 5 échecs consécutifs", "settings.webhooks.enable": "Réactiver", "settings.webhooks.pause": "Mettre en pause",
    "settings.webhooks.test": "Envoyer un test", "settings.webhooks.rotate": "Changer le secret", "settings.webhooks.deliveries": "Journal des envois",
    "settings.webhooks.hide": "Masquer le journal", "settings.webhooks.redeliver": "Renvoyer", "settings.webhooks.redelivered": "Renvoi programmé.",
    "settings.webhooks.test_ok": "Test réussi : HTTP {status} en {ms} ms.", "settings.webhooks.test_failed": "Test échoué : {error}",
    "settings.webhooks.no_deliveries": "Aucun envoi pour l'instant.", "settings.webhooks.rotate_confirm": "Changer le secret ? L'ancien signe encore pendant 24 h.",
    "settings.webhooks.delete_confirm": "Supprimer cet endpoint ? Il ne recevra plus rien.", "settings.webhooks.none": "Aucun endpoint. Créez-en un ci-dessus.",
    "settings.webhooks.when": "Quand", "settings.webhooks.event": "Événement", "settings.webhooks.state": "État", "settings.webhooks.result": "Dernière tentative",
    "settings.webhooks.attempts": "{n} tentative(s)", "settings.webhooks.failures": "{n} échec(s) consécutif(s)",
    "settings.webhooks.state.pending": "En attente", "settings.webhooks.state.succeeded": "Réussi", "settings.webhooks.state.retrying": "Nouvel essai prévu",
    "settings.webhooks.state.failed": "Échoué", "settings.webhooks.state.dead": "Abandonné",
    "field_error.url": "Une adresse https publique.", "field_error.events": "Choisissez au moins un événement.",
  },
  ar: {
    "settings.webhooks.lead": "استقبل كل حدث طلب على خادمك (Standard Webhooks، موقعة بـ HMAC-SHA256).",
    "settings.webhooks.edit": "تعديل", "settings.webhooks.new": "عنوان جديد", "settings.webhooks.url": "الرابط (https)", "settings.webhooks.description": "وصف (اختياري)",
    "settings.webhooks.events": "الأحداث", "settings.webhooks.all": "تحديد الكل", "settings.webhooks.create": "إنشاء العنوان",
    "settings.webhooks.secret": "سر التوقيع", "settings.webhooks.enabled": "مُفعّل", "settings.webhooks.disabled": "مُعطّل",
    "settings.webhooks.disabled_dead": "عُطّل بعد 5 إخفاقات متتالية", "settings.webhooks.enable": "إعادة التفعيل", "settings.webhooks.pause": "إيقاف مؤقت",
    "settings.webhooks.test": "إرسال اختبار", "settings.webhooks.rotate": "تغيير السر", "settings.webhooks.deliveries": "سجل الإرسال",
    "settings.webhooks.hide": "إخفاء السجل", "settings.webhooks.redeliver": "إعادة الإرسال", "settings.webhooks.redelivered": "تمت جدولة إعادة الإرسال.",
    "settings.webhooks.test_ok": "نجح الاختبار: HTTP {status} في {ms} مللي ثانية.", "settings.webhooks.test_failed": "فشل الاختبار: {error}",
    "settings.webhooks.no_deliveries": "لا يوجد إرسال حاليًا.", "settings.webhooks.rotate_confirm": "تغيير السر؟ يبقى القديم صالحًا للتوقيع 24 ساعة.",
    "settings.webhooks.delete_confirm": "حذف هذا العنوان؟ لن يستقبل شيئًا بعد الآن.", "settings.webhooks.none": "لا توجد عناوين. أنشئ واحدًا أعلاه.",
    "settings.webhooks.when": "متى", "settings.webhooks.event": "الحدث", "settings.webhooks.state": "الحالة", "settings.webhooks.result": "آخر محاولة",
    "settings.webhooks.attempts": "{n} محاولة", "settings.webhooks.failures": "{n} إخفاق متتالٍ",
    "settings.webhooks.state.pending": "قيد الانتظار", "settings.webhooks.state.succeeded": "ناجح", "settings.webhooks.state.retrying": "محاولة أخرى مبرمجة",
    "settings.webhooks.state.failed": "فاشل", "settings.webhooks.state.dead": "متروك",
    "field_error.url": "رابط https عام.", "field_error.events": "اختر حدثًا واحدًا على الأقل.",
  },
  en: {
    "settings.webhooks.lead": "Receive every order event on your server (Standard Webhooks, HMAC-SHA256 signed).",
    "settings.webhooks.edit": "Edit", "settings.webhooks.new": "New endpoint", "settings.webhooks.url": "URL (https)", "settings.webhooks.description": "Description (optional)",
    "settings.webhooks.events": "Events", "settings.webhooks.all": "Select all", "settings.webhooks.create": "Create endpoint",
    "settings.webhooks.secret": "Signing secret", "settings.webhooks.enabled": "Active", "settings.webhooks.disabled": "Disabled",
    "settings.webhooks.disabled_dead": "Disabled after 5 consecutive failures", "settings.webhooks.enable": "Enable again", "settings.webhooks.pause": "Pause",
    "settings.webhooks.test": "Send a test", "settings.webhooks.rotate": "Rotate secret", "settings.webhooks.deliveries": "Delivery log",
    "settings.webhooks.hide": "Hide log", "settings.webhooks.redeliver": "Redeliver", "settings.webhooks.redelivered": "Redelivery queued.",
    "settings.webhooks.test_ok": "Test succeeded: HTTP {status} in {ms} ms.", "settings.webhooks.test_failed": "Test failed: {error}",
    "settings.webhooks.no_deliveries": "No delivery yet.", "settings.webhooks.rotate_confirm": "Rotate the secret? The old one keeps signing for 24 h.",
    "settings.webhooks.delete_confirm": "Delete this endpoint? It will receive nothing more.", "settings.webhooks.none": "No endpoint. Create one above.",
    "settings.webhooks.when": "When", "settings.webhooks.event": "Event", "settings.webhooks.state": "State", "settings.webhooks.result": "Last attempt",
    "settings.webhooks.attempts": "{n} attempt(s)", "settings.webhooks.failures": "{n} consecutive failure(s)",
    "settings.webhooks.state.pending": "Pending", "settings.webhooks.state.succeeded": "Succeeded", "settings.webhooks.state.retrying": "Retry scheduled",
    "settings.webhooks.state.failed": "Failed", "settings.webhooks.state.dead": "Dead",
    "field_error.url": "A public https address.", "field_error.events": "Choose at least one event.",
  },
});

export default async function webhooksSection(container, ctx) {
  const secretSlot = h("div");
  const list = h("div", { class: "hooks" });
  const reload = () => loadInto(list, () => ctx.api.get("/v1/webhooks"), (page) => (page.items.length
    ? page.items.map((hook) => hookCard(hook, ctx, reload, secretSlot))
    : h("p", { class: "empty" }, t("settings.webhooks.none"))));
  mount(container, h("p", { class: "muted" }, t("settings.webhooks.lead")),
    hookForm(ctx, reload, secretSlot), secretSlot, list);
  await reload();
}

function eventChoices(selected = []) {
  const boxes = EVENTS.map((event) => h("input", { type: "checkbox", name: "events", value: event, checked: selected.includes(event) }));
  const all = h("button", { type: "button", class: "link-button small", onclick: () => { for (const box of boxes) box.checked = true; } }, t("settings.webhooks.all"));
  const element = h("div", { class: "field", dataset: { field: "events" } },
    h("div", { class: "spread" }, h("span", { class: "label" }, t("settings.webhooks.events")), all),
    h("div", { class: "events-grid" }, boxes.map((box) => h("label", { class: "choice" }, box, h("code", {}, box.value)))));
  return { element, value: () => boxes.filter((box) => box.checked).map((box) => box.value) };
}

/** The endpoint form: creates one, or (with `hook`) changes its URL, events and description. */
function hookForm(ctx, reload, secretSlot, hook = null) {
  const editing = Boolean(hook);
  const suffix = editing ? `-${hook.id}` : "";
  const url = h("input", { type: "url", name: "url", placeholder: "https://shop.example.dz/hooks/dzorders", dir: "ltr",
    id: `hook-url${suffix}`, required: true, value: editing ? hook.url : "" });
  const description = h("input", { type: "text", name: "description", maxlength: 200, id: `hook-description${suffix}`,
    value: editing ? hook.description || "" : "" });
  const events = eventChoices(editing ? hook.events
    : ["order.created", "order.confirmed", "order.shipped", "order.delivered", "order.cancelled"]);
  const submit = h("button", { type: "submit", class: "btn btn-primary" },
    editing ? t("settings.save") : t("settings.webhooks.create"));
  const form = h("form", { class: ["card", editing ? "hook-edit" : "hook-create"], novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    submit.disabled = true;
    try {
      const body = { url: url.value.trim(), events: events.value() };
      if (description.value.trim() || editing) body.description = description.value.trim();
      if (editing) {
        await ctx.api.patch(`/v1/webhooks/${encodeURIComponent(hook.id)}`, body);
        toast(t("settings.saved"), "ok");
      } else {
        const created = await ctx.api.post("/v1/webhooks", body);
        mount(secretSlot, secretBox(created.secret, `${t("settings.webhooks.secret")} — ${created.url}`));
        url.value = ""; description.value = "";
      }
      await reload();
      if (!editing) secretSlot.scrollIntoView({ block: "nearest" });
    } catch (error) {
      showFormErrors(form, error);
    } finally {
      submit.disabled = false;
    }
  } },
  h("h2", { class: "section-title" }, editing ? t("settings.webhooks.edit") : t("settings.webhooks.new")),
  h("div", { class: "form-error notice notice-error hidden", role: "alert" }),
  h("div", { class: "grid-2" },
    h("div", { class: "field", dataset: { field: "url" } }, h("label", { for: url.id }, t("settings.webhooks.url")), url),
    h("div", { class: "field", dataset: { field: "description" } }, h("label", { for: description.id }, t("settings.webhooks.description")), description)),
  events.element,
  h("div", { class: "row" }, submit,
    editing ? h("button", { type: "button", class: "btn", onclick: () => reload() }, t("settings.cancel")) : null));
  return form;
}

function hookCard(hook, ctx, reload, secretSlot) {
  const result = h("div", { role: "status", "aria-live": "polite" });
  const say = (text, kind = "ok") => mount(result, h("div", { class: `notice notice-${kind}` }, text));
  const log = h("div", { class: "deliveries hidden" });
  const act = (label, run, kind = "") => {
    const button = h("button", { type: "button", class: `btn btn-small ${kind}`, onclick: async () => {
      button.disabled = true;
      try { await run(); } catch (error) { say(errorText(error), "error"); } finally { button.disabled = false; }
    } }, label);
    return button;
  };
  const path = `/v1/webhooks/${encodeURIComponent(hook.id)}`;
  const state = hook.enabled
    ? h("span", { class: "badge badge-delivered" }, t("settings.webhooks.enabled"))
    : h("span", { class: "badge badge-danger" }, hook.disabled_reason === "consecutive_dead" ? t("settings.webhooks.disabled_dead") : t("settings.webhooks.disabled"));
  const logButton = h("button", { type: "button", class: "btn btn-small", "aria-expanded": "false", onclick: () => {
    const open = log.classList.toggle("hidden") === false;
    logButton.setAttribute("aria-expanded", String(open));
    logButton.textContent = open ? t("settings.webhooks.hide") : t("settings.webhooks.deliveries");
    if (open) deliveries(log, hook, ctx, say);
  } }, t("settings.webhooks.deliveries"));
  return h("div", { class: "card hook-card", dataset: { webhook: hook.id } },
    h("div", { class: "spread" }, h("span", { class: "hook-url" }, hook.url), state),
    hook.description ? h("p", { class: "small muted" }, hook.description) : null,
    h("div", { class: "row small" }, hook.events.map((event) => h("code", { class: "badge" }, event))),
    hook.consecutive_dead ? h("p", { class: "small notice-warn notice" }, t("settings.webhooks.failures", { n: hook.consecutive_dead })) : null,
    h("div", { class: "row" },
      act(t("settings.webhooks.test"), async () => {
        const answer = await ctx.api.post(`${path}/test`);
        if (answer.succeeded) say(t("settings.webhooks.test_ok", { status: answer.status_code, ms: answer.duration_ms }));
        else say(t("settings.webhooks.test_failed", { error: answer.error || `HTTP ${answer.status_code}` }), "error");
        if (!log.classList.contains("hidden")) deliveries(log, hook, ctx, say);
      }),
      logButton,
      h("button", { type: "button", class: "btn btn-small", onclick: (event) => {
        event.currentTarget.closest(".hook-card").replaceWith(hookForm(ctx, reload, secretSlot, hook));
      } }, t("settings.webhooks.edit")),
      hook.enabled
        ? act(t("settings.webhooks.pause"), async () => { await ctx.api.patch(path, { enabled: false }); await reload(); })
        : act(t("settings.webhooks.enable"), async () => { await ctx.api.post(`${path}/enable`); toast(t("settings.saved"), "ok"); await reload(); }, "btn-primary"),
      act(t("settings.webhooks.rotate"), async () => {
        if (!await confirmDialog(t("settings.webhooks.rotate_confirm"), t("settings.webhooks.rotate"), false)) return;
        const rotated = await ctx.api.post(`${path}/rotate-secret`);
        mount(secretSlot, secretBox(rotated.secret, `${t("settings.webhooks.secret")} — ${rotated.url}`));
        secretSlot.scrollIntoView({ block: "nearest" });
      }),
      act(t("settings.delete"), async () => {
        if (!await confirmDialog(t("settings.webhooks.delete_confirm"), t("settings.delete"))) return;
        await ctx.api.delete(path);
        toast(t("settings.removed"), "ok");
        await reload();
      }, "btn-danger")),
    result, log);
}

async function deliveries(area, hook, ctx, say) {
  mount(area, spinner());
  try {
    const page = await ctx.api.get(`/v1/webhooks/${encodeURIComponent(hook.id)}/deliveries`, { query: { limit: 25 } });
    if (!page.items.length) return mount(area, h("p", { class: "muted small" }, t("settings.webhooks.no_deliveries")));
    mount(area, h("div", { class: "table-wrap" }, h("table", { class: "table" },
      h("thead", {}, h("tr", {}, ["when", "event", "state", "result"].map((key) => h("th", {}, t(`settings.webhooks.${key}`))), h("th", {}))),
      h("tbody", {}, page.items.map((delivery) => {
        const last = (delivery.attempts || [])[delivery.attempts.length - 1];
        const finished = ["succeeded", "failed", "dead"].includes(delivery.state);
        return h("tr", { dataset: { delivery: delivery.id } },
          h("td", { title: dateTime(delivery.created_at || delivery.event_at) }, relative(delivery.created_at || delivery.event_at)),
          h("td", {}, h("code", {}, delivery.event_type)),
          h("td", {}, h("span", { class: `badge state-${delivery.state}` }, t(`settings.webhooks.state.${delivery.state}`))),
          h("td", { class: "small" }, last ? [last.status_code ? `HTTP ${last.status_code}` : "—", ` · ${last.duration_ms} ms`,
            last.error ? ` · ${last.error}` : "", ` · ${t("settings.webhooks.attempts", { n: delivery.attempts.length })}`].join("") : "—"),
          h("td", {}, finished ? h("button", { type: "button", class: "btn btn-small", onclick: async (event) => {
            event.target.disabled = true;
            try {
              await ctx.api.post(`/v1/webhooks/deliveries/${encodeURIComponent(delivery.id)}/redeliver`);
              toast(t("settings.webhooks.redelivered"), "ok");
              await deliveries(area, hook, ctx, say);
            } catch (error) { say(errorText(error), "error"); event.target.disabled = false; }
          } }, t("settings.webhooks.redeliver")) : null));
      })))));
  } catch (error) {
    mount(area, errorState(error, () => deliveries(area, hook, ctx, say)));
  }
}
