// Pieces the settings sections share: permission checks, a confirm dialog, a secret
// shown once with a copy button, and the texts for them.
import { h, toast } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";

addMessages({
  fr: {
    "settings.save": "Enregistrer", "settings.saved": "Modifications enregistrées.", "settings.delete": "Supprimer",
    "settings.cancel": "Annuler", "settings.confirm": "Confirmer", "settings.copy": "Copier", "settings.copied": "Copié.",
    "settings.copy_failed": "Copie impossible : sélectionnez le texte et copiez-le.",
    "settings.once": "Copiez-le maintenant : il ne sera plus jamais affiché.", "settings.readonly": "Lecture seule : votre rôle ne permet pas de modifier ceci.",
    "settings.none": "Aucun élément pour l'instant.", "settings.added": "Ajouté.", "settings.removed": "Supprimé.",
    "error.validation_error": "Certains champs sont invalides.", "error.forbidden": "Votre rôle ne permet pas cette action.",
    "error.already_exists": "Cet élément existe déjà.", "error.last_owner": "La boutique doit garder au moins un propriétaire : nommez d'abord quelqu'un d'autre propriétaire.",
    "error.courier_auth_failed": "Le transporteur a refusé ces identifiants. Vérifiez-les puis réessayez.",
    "error.courier_not_configured": "Enregistrez d'abord les identifiants de ce transporteur.",
    "error.not_supported": "Ce transporteur ne le permet pas.", "error.webhook_limit_reached": "10 endpoints au maximum par boutique.",
    "error.delivery_in_progress": "Cette livraison est encore en cours de tentatives.",
    "error.service_unavailable": "Le service ne répond pas pour l'instant. Réessayez dans un moment.",
  },
  ar: {
    "settings.save": "حفظ", "settings.saved": "تم حفظ التغييرات.", "settings.delete": "حذف",
    "settings.cancel": "إلغاء", "settings.confirm": "تأكيد", "settings.copy": "نسخ", "settings.copied": "تم النسخ.",
    "settings.copy_failed": "تعذّر النسخ: حدّد النص وانسخه.",
    "settings.once": "انسخه الآن: لن يظهر مرة أخرى أبدًا.", "settings.readonly": "قراءة فقط: دورك لا يسمح بتعديل هذا.",
    "settings.none": "لا توجد عناصر حاليًا.", "settings.added": "تمت الإضافة.", "settings.removed": "تم الحذف.",
    "error.validation_error": "بعض الحقول غير صالحة.", "error.forbidden": "دورك لا يسمح بهذا الإجراء.",
    "error.already_exists": "هذا العنصر موجود مسبقًا.", "error.last_owner": "يجب أن يبقى للمتجر مالك واحد على الأقل: عيّن شخصًا آخر مالكًا أولًا.",
    "error.courier_auth_failed": "رفضت شركة التوصيل بيانات الدخول هذه. تحقق منها وأعد المحاولة.",
    "error.courier_not_configured": "احفظ بيانات دخول شركة التوصيل أولًا.",
    "error.not_supported": "شركة التوصيل هذه لا تتيح ذلك.", "error.webhook_limit_reached": "10 عناوين كحد أقصى لكل متجر.",
    "error.delivery_in_progress": "هذا الإرسال ما زال قيد المحاولة.",
    "error.service_unavailable": "الخدمة لا تستجيب حاليًا. أعد المحاولة بعد قليل.",
  },
  en: {
    "settings.save": "Save", "settings.saved": "Changes saved.", "settings.delete": "Delete",
    "settings.cancel": "Cancel", "settings.confirm": "Confirm", "settings.copy": "Copy", "settings.copied": "Copied.",
    "settings.copy_failed": "Could not copy: select the text and copy it.",
    "settings.once": "Copy it now: it will never be shown again.", "settings.readonly": "Read-only: your role cannot change this.",
    "settings.none": "Nothing here yet.", "settings.added": "Added.", "settings.removed": "Removed.",
    "error.validation_error": "Some fields are invalid.", "error.forbidden": "Your role does not allow this.",
    "error.already_exists": "This already exists.", "error.last_owner": "A store keeps at least one owner: make someone else owner first.",
    "error.courier_auth_failed": "The courier refused these credentials. Check them and try again.",
    "error.courier_not_configured": "Save this courier's credentials first.",
    "error.not_supported": "This courier does not offer that.", "error.webhook_limit_reached": "At most 10 endpoints per store.",
    "error.delivery_in_progress": "This delivery is still being retried.",
    "error.service_unavailable": "The service is not answering right now. Try again in a moment.",
  },
});

export const can = (ctx, permission) => ctx.me.permissions.includes(permission);

/** A modal yes/no question; resolves true when confirmed. */
export function confirmDialog(message, confirmLabel = t("settings.confirm"), danger = true) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "confirm-dialog" });
    const close = (answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    dialog.append(h("form", { method: "dialog", class: "stack", onsubmit: (event) => { event.preventDefault(); close(true); } },
      h("p", {}, message),
      h("div", { class: "row dialog-actions" },
        h("button", { type: "button", class: "btn", onclick: () => close(false) }, t("settings.cancel")),
        h("button", { type: "submit", class: danger ? "btn btn-danger solid" : "btn btn-primary" }, confirmLabel))));
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); close(false); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

export async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    toast(t("settings.copied"), "ok");
  } catch {
    toast(t("settings.copy_failed"), "error");
  }
}

/** A read-only value with a copy button (callback URLs, storefront links). */
export function copyField(value, label) {
  const input = h("input", { type: "text", readonly: true, value, dir: "ltr", "aria-label": label, onfocus: (e) => e.target.select() });
  return h("div", { class: "copy-field" }, input,
    h("button", { type: "button", class: "btn btn-small", onclick: () => copy(value) }, t("settings.copy")));
}

/** A secret shown this once: a warning, the value and a copy button. */
export function secretBox(secret, title) {
  return h("div", { class: "notice notice-ok secret-box", role: "status" },
    h("strong", {}, title), h("p", { class: "small" }, t("settings.once")),
    h("div", { class: "copy-field" },
      h("code", { class: "secret", dir: "ltr" }, secret),
      h("button", { type: "button", class: "btn btn-small", onclick: () => copy(secret) }, t("settings.copy"))));
}

/** Turn a form's data-field inputs into numbers or null (empty = off). */
export function intOrNull(value) {
  const text = String(value ?? "").trim();
  if (!text) return null;
  const parsed = Number(text);
  return Number.isInteger(parsed) ? parsed : text;   // a non-number goes to the API, which names the field
}
