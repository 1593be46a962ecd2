// Settings › Blacklist: phones whose checkout is refused (add with a reason, remove).
import { h, mount, toast } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";
import { date, phone as formatPhone } from "/shared/format.js";
import { clearFormErrors, errorText, loadInto, showFormErrors } from "/shared/ui.js";
import { can, confirmDialog } from "./settings-common.js";

addMessages({
  fr: {
    "settings.blacklist.lead": "Les numéros bloqués ne peuvent plus commander sur votre boutique (le client voit un message neutre).",
    "settings.blacklist.phone": "Téléphone", "settings.blacklist.reason": "Raison (facultatif)", "settings.blacklist.add": "Bloquer",
    "settings.blacklist.remove": "Débloquer", "settings.blacklist.added": "{phone} est bloqué.", "settings.blacklist.removed": "{phone} peut de nouveau commander.",
    "settings.blacklist.remove_confirm": "Débloquer le {phone} ?", "settings.blacklist.since": "Depuis", "settings.blacklist.none": "Aucun numéro bloqué.",
    "settings.blacklist.more": "Afficher plus",
  },
  ar: {
    "settings.blacklist.lead": "الأرقام المحظورة لا يمكنها الطلب من متجرك (يرى الزبون رسالة محايدة).",
    "settings.blacklist.phone": "الهاتف", "settings.blacklist.reason": "السبب (اختياري)", "settings.blacklist.add": "حظر",
    "settings.blacklist.remove": "إلغاء الحظر", "settings.blacklist.added": "تم حظر {phone}.", "settings.blacklist.removed": "يمكن لـ {phone} الطلب مجددًا.",
    "settings.blacklist.remove_confirm": "إلغاء حظر {phone}؟", "settings.blacklist.since": "منذ", "settings.blacklist.none": "لا توجد أرقام محظورة.",
    "settings.blacklist.more": "عرض المزيد",
  },
  en: {
    "settings.blacklist.lead": "Blocked numbers can no longer order from your store (the customer sees a neutral message).",
    "settings.blacklist.phone": "Phone", "settings.blacklist.reason": "Reason (optional)", "settings.blacklist.add": "Block",
    "settings.blacklist.remove": "Unblock", "settings.blacklist.added": "{phone} is blocked.", "settings.blacklist.removed": "{phone} may order again.",
    "settings.blacklist.remove_confirm": "Unblock {phone}?", "settings.blacklist.since": "Since", "settings.blacklist.none": "No blocked number.",
    "settings.blacklist.more": "Show more",
  },
});

export default async function blacklistSection(container, ctx) {
  const writable = can(ctx, "orders:write");
  const list = h("div");
  const notice = h("div", { role: "status" });
  const reload = () => loadInto(list, () => ctx.api.all("/v1/blacklist"), (items) => table(items));
  const phone = h("input", { type: "tel", name: "phone", placeholder: "0555 12 34 56", id: "block-phone", autocomplete: "off" });
  const reason = h("input", { type: "text", name: "reason", maxlength: 500, id: "block-reason" });
  const submit = h("button", { type: "submit", class: "btn btn-danger solid" }, t("settings.blacklist.add"));
  const form = h("form", { class: "card", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    submit.disabled = true;
    try {
      const entry = await ctx.api.post("/v1/blacklist", { phone: phone.value.trim(), reason: reason.value.trim() || null });
      toast(t("settings.blacklist.added", { phone: formatPhone(entry.phone) }), "ok");
      phone.value = ""; reason.value = "";
      await reload();
      phone.focus();
    } catch (error) {
      showFormErrors(form, error);
    } finally {
      submit.disabled = false;
    }
  } },
  h("div", { class: "form-error notice notice-error hidden", role: "alert" }),
  h("div", { class: "inline-form" },
    h("div", { class: "field", dataset: { field: "phone" } }, h("label", { for: phone.id }, t("settings.blacklist.phone")), phone),
    h("div", { class: "field", dataset: { field: "reason" } }, h("label", { for: reason.id }, t("settings.blacklist.reason")), reason),
    submit));

  function table(items) {
    if (!items.length) return h("p", { class: "empty" }, t("settings.blacklist.none"));
    return h("div", { class: "table-wrap" }, h("table", { class: "table blacklist-table" },
      h("thead", {}, h("tr", {}, h("th", {}, t("settings.blacklist.phone")), h("th", {}, t("settings.blacklist.reason")),
        h("th", {}, t("settings.blacklist.since")), h("th", {}))),
      h("tbody", {}, items.map((entry) => h("tr", { dataset: { phone: entry.phone } },
        h("td", { class: "num", dir: "ltr" }, h("strong", {}, formatPhone(entry.phone))),
        h("td", {}, entry.reason || "—"),
        h("td", { class: "small" }, date(entry.created_at)),
        h("td", {}, writable ? h("button", { type: "button", class: "btn btn-small", onclick: async () => {
          if (!await confirmDialog(t("settings.blacklist.remove_confirm", { phone: formatPhone(entry.phone) }), t("settings.blacklist.remove"), false)) return;
          try {
            await ctx.api.delete(`/v1/blacklist/${encodeURIComponent(entry.id)}`);
            toast(t("settings.blacklist.removed", { phone: formatPhone(entry.phone) }), "ok");
            await reload();
          } catch (error) { mount(notice, h("div", { class: "notice notice-error", role: "alert" }, errorText(error))); }
        } }, t("settings.blacklist.remove")) : null))))));
  }

  mount(container, h("p", { class: "muted" }, t("settings.blacklist.lead")), writable ? form : null, notice, list);
  await reload();
}
