// Accept a team invitation (/dashboard/accept?token=… or #token=…, the link of the
// invitation email): choose a password, then the member is logged in.
import { h, mount } from "/shared/dom.js";
import { addMessages, languagePicker, t } from "/shared/i18n.js";
import { clearFormErrors, field, showFormErrors } from "/shared/ui.js";

addMessages({
  fr: {
    "accept.title": "Rejoindre l'équipe", "accept.lead": "Vous avez été invité à gérer une boutique sur dzorders. Choisissez votre mot de passe pour commencer.",
    "accept.name": "Votre nom (facultatif)", "accept.name_help": "Il apparaît dans l'historique des commandes que vous traitez.",
    "accept.password": "Mot de passe", "accept.password_help": "10 caractères au moins.", "accept.confirm": "Confirmez le mot de passe",
    "accept.submit": "Rejoindre et me connecter", "accept.mismatch": "Les deux mots de passe ne sont pas identiques.",
    "accept.no_token": "Ce lien d'invitation est incomplet. Ouvrez le lien reçu par e-mail ou demandez une nouvelle invitation.",
    "accept.login": "J'ai déjà un compte : me connecter",
    "error.invite_unusable": "Cette invitation est inconnue, déjà utilisée ou expirée. Demandez-en une nouvelle.",
    "field_error.password": "10 caractères au moins (128 au plus).",
  },
  ar: {
    "accept.title": "الانضمام إلى الفريق", "accept.lead": "تمت دعوتك لإدارة متجر على dzorders. اختر كلمة المرور للبدء.",
    "accept.name": "اسمك (اختياري)", "accept.name_help": "يظهر في سجل الطلبات التي تعالجها.",
    "accept.password": "كلمة المرور", "accept.password_help": "10 أحرف على الأقل.", "accept.confirm": "أكّد كلمة المرور",
    "accept.submit": "الانضمام وتسجيل الدخول", "accept.mismatch": "كلمتا المرور غير متطابقتين.",
    "accept.no_token": "رابط الدعوة ناقص. افتح الرابط الذي وصلك بالبريد أو اطلب دعوة جديدة.",
    "accept.login": "لدي حساب: تسجيل الدخول",
    "error.invite_unusable": "هذه الدعوة غير معروفة أو مستعملة أو منتهية. اطلب دعوة جديدة.",
    "field_error.password": "10 أحرف على الأقل (128 على الأكثر).",
  },
  en: {
    "accept.title": "Join the team", "accept.lead": "You have been invited to manage a store on dzorders. Choose your password to start.",
    "accept.name": "Your name (optional)", "accept.name_help": "It shows in the history of the orders you handle.",
    "accept.password": "Password", "accept.password_help": "At least 10 characters.", "accept.confirm": "Confirm the password",
    "accept.submit": "Join and log in", "accept.mismatch": "The two passwords differ.",
    "accept.no_token": "This invitation link is incomplete. Open the link from the email or ask for a new invitation.",
    "accept.login": "I already have an account: log in",
    "error.invite_unusable": "This invitation is unknown, already used or expired. Ask for a new one.",
    "field_error.password": "At least 10 characters (at most 128).",
  },
});

export function inviteToken(ctx) {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, "")).get("token");
  return ctx.query.get("token") || fromHash || "";
}

export default async function accept(ctx) {
  const token = inviteToken(ctx);
  const name = h("input", { type: "text", name: "name", autocomplete: "name", maxlength: 100 });
  const password = h("input", { type: "password", name: "password", autocomplete: "new-password", minlength: 10, required: true });
  const confirm = h("input", { type: "password", name: "password_confirm", autocomplete: "new-password", required: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("accept.submit"));
  const form = h("form", { class: "card login-card accept-card", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    if (password.value.length < 10) return showFormErrors(form, { code: "validation_error", fields: { password: t("field_error.password") } });
    if (password.value !== confirm.value) return showFormErrors(form, { code: "validation_error", fields: { password_confirm: t("accept.mismatch") } });
    submit.disabled = true;
    try {
      const body = { invite_token: token, password: password.value };
      if (name.value.trim()) body.name = name.value.trim();
      const session = await ctx.api.post("/v1/members/accept", body);
      // The same session the login screen keeps (session.js's key and shape).
      localStorage.setItem("dzorders.session", JSON.stringify({ token: session.token, expires_at: session.expires_at }));
      ctx.navigate("/dashboard/orders", { replace: true });
    } catch (error) {
      showFormErrors(form, error.status === 404 ? { ...error, code: "invite_unusable", fields: {} } : error);
      submit.disabled = false;
    }
  } },
  h("h1", {}, t("accept.title")),
  h("p", { class: "muted" }, t("accept.lead")),
  h("div", { class: "form-error notice notice-error hidden", role: "alert" }),
  field("name", t("accept.name"), name, t("accept.name_help")),
  field("password", t("accept.password"), password, t("accept.password_help")),
  field("password_confirm", t("accept.confirm"), confirm),
  submit,
  h("p", { class: "small" }, h("a", { href: "/dashboard/login" }, t("accept.login"))));
  mount(ctx.main, h("div", { class: "login-top" }, h("a", { href: "/dashboard/login", class: "brand" },
    h("span", { class: "brand-mark" }, "dz"), "orders"), languagePicker()),
  token ? form : h("div", { class: "card login-card" }, h("h1", {}, t("accept.title")),
    h("p", { class: "notice notice-error", role: "alert" }, t("accept.no_token")),
    h("a", { href: "/dashboard/login" }, t("accept.login"))));
  if (token) password.focus();
  return null;
}
