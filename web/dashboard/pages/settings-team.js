// Settings › Team: members and invitations, invite by email with a role, change a
// role, remove. The API guards the last owner (409 last_owner), shown as said.
import { h, mount, toast } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";
import { date } from "/shared/format.js";
import { clearFormErrors, errorText, loadInto, showFormErrors } from "/shared/ui.js";
import { can, confirmDialog, copyField } from "./settings-common.js";

const ROLES = ["owner", "admin", "manager", "operator", "readonly"];

addMessages({
  fr: {
    "settings.team.lead": "Invitez vos opérateurs d'appel et vos associés. Chacun a son propre accès.",
    "settings.team.invite": "Inviter un membre", "settings.team.email": "E-mail", "settings.team.name": "Nom (facultatif)",
    "settings.team.role": "Rôle", "settings.team.send": "Envoyer l'invitation", "settings.team.invited": "Invitation envoyée à {email}.",
    "settings.team.not_emailed": "L'e-mail n'a pas pu partir : envoyez ce lien vous-même (valable 7 jours).",
    "settings.team.link": "Lien d'invitation", "settings.team.member": "Membre", "settings.team.status": "État", "settings.team.since": "Depuis",
    "settings.team.status.invited": "Invité", "settings.team.status.active": "Actif", "settings.team.you": "vous",
    "settings.team.remove": "Retirer", "settings.team.remove_confirm": "Retirer {who} de l'équipe ? Ses sessions s'arrêtent aussitôt.",
    "settings.team.role_changed": "Rôle modifié.", "settings.team.role_of": "Rôle de {who}",
    "settings.team.roles_help": "Propriétaire/Admin : tout. Gérant : tout sauf équipe, transporteurs, webhooks, clés. Opérateur : commandes et appels. Lecture seule : consulter.",
    "field_error.email": "Une adresse e-mail valide.",
  },
  ar: {
    "settings.team.lead": "ادعُ موظفي التأكيد وشركاءك. لكل واحد دخوله الخاص.",
    "settings.team.invite": "دعوة عضو", "settings.team.email": "البريد الإلكتروني", "settings.team.name": "الاسم (اختياري)",
    "settings.team.role": "الدور", "settings.team.send": "إرسال الدعوة", "settings.team.invited": "أُرسلت الدعوة إلى {email}.",
    "settings.team.not_emailed": "تعذّر إرسال البريد: أرسل هذا الرابط بنفسك (صالح 7 أيام).",
    "settings.team.link": "رابط الدعوة", "settings.team.member": "العضو", "settings.team.status": "الحالة", "settings.team.since": "منذ",
    "settings.team.status.invited": "مدعو", "settings.team.status.active": "نشط", "settings.team.you": "أنت",
    "settings.team.remove": "إزالة", "settings.team.remove_confirm": "إزالة {who} من الفريق؟ تتوقف جلساته فورًا.",
    "settings.team.role_changed": "تم تغيير الدور.", "settings.team.role_of": "دور {who}",
    "settings.team.roles_help": "المالك/المدير: كل شيء. المسيّر: كل شيء ما عدا الفريق وشركات التوصيل والـ webhooks والمفاتيح. موظف التأكيد: الطلبات والمكالمات. قراءة فقط: الاطلاع.",
    "field_error.email": "بريد إلكتروني صالح.",
  },
  en: {
    "settings.team.lead": "Invite your call operators and partners. Everyone gets their own access.",
    "settings.team.invite": "Invite a member", "settings.team.email": "Email", "settings.team.name": "Name (optional)",
    "settings.team.role": "Role", "settings.team.send": "Send invitation", "settings.team.invited": "Invitation sent to {email}.",
    "settings.team.not_emailed": "The email could not be sent: share this link yourself (valid 7 days).",
    "settings.team.link": "Invitation link", "settings.team.member": "Member", "settings.team.status": "Status", "settings.team.since": "Since",
    "settings.team.status.invited": "Invited", "settings.team.status.active": "Active", "settings.team.you": "you",
    "settings.team.remove": "Remove", "settings.team.remove_confirm": "Remove {who} from the team? Their sessions stop at once.",
    "settings.team.role_changed": "Role changed.", "settings.team.role_of": "Role of {who}",
    "settings.team.roles_help": "Owner/Admin: everything. Manager: all but team, couriers, webhooks, keys. Operator: orders and calls. Read-only: view.",
    "field_error.email": "A valid email address.",
  },
});

export default async function teamSection(container, ctx) {
  const notice = h("div", { role: "status", "aria-live": "polite" });
  const list = h("div");
  const reload = () => loadInto(list, () => ctx.api.get("/v1/members"), (page) => membersTable(page.items, ctx, reload, notice));
  mount(container, h("p", { class: "muted" }, t("settings.team.lead")),
    can(ctx, "members:write") ? inviteForm(ctx, reload, notice) : h("p", { class: "notice" }, t("settings.readonly")),
    notice, list);
  await reload();
}

function roleOptions(ctx, selected) {
  const isOwner = ctx.me.member.role === "owner";
  return ROLES.filter((role) => role !== "owner" || isOwner || selected === "owner")
    .map((role) => h("option", { value: role, selected: role === selected }, t(`role.${role}`)));
}

function inviteForm(ctx, reload, notice) {
  const email = h("input", { type: "email", name: "email", required: true, autocomplete: "off", id: "invite-email" });
  const name = h("input", { type: "text", name: "name", maxlength: 100, id: "invite-name" });
  const role = h("select", { name: "role", id: "invite-role" }, roleOptions(ctx, "operator"));
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("settings.team.send"));
  const form = h("form", { class: "card", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    submit.disabled = true;
    try {
      const body = { email: email.value.trim(), role: role.value };
      if (name.value.trim()) body.name = name.value.trim();
      const invited = await ctx.api.post("/v1/members", body);
      const link = `${location.origin}/dashboard/accept?token=${encodeURIComponent(invited.invite_token)}`;
      mount(notice, h("div", { class: `notice ${invited.invitation_emailed ? "notice-ok" : "notice-warn"}` },
        h("p", {}, t("settings.team.invited", { email: invited.email })),
        invited.invitation_emailed ? null : h("p", { class: "small" }, t("settings.team.not_emailed")),
        h("span", { class: "small" }, t("settings.team.link")), copyField(link, t("settings.team.link"))));
      email.value = ""; name.value = "";
      await reload();
    } catch (error) {
      showFormErrors(form, error);
    } finally {
      submit.disabled = false;
    }
  } },
  h("h2", { class: "section-title" }, t("settings.team.invite")),
  h("div", { class: "form-error notice notice-error hidden", role: "alert" }),
  h("div", { class: "inline-form" },
    h("div", { class: "field", dataset: { field: "email" } }, h("label", { for: email.id }, t("settings.team.email")), email),
    h("div", { class: "field", dataset: { field: "name" } }, h("label", { for: name.id }, t("settings.team.name")), name),
    h("div", { class: "field", dataset: { field: "role" } }, h("label", { for: role.id }, t("settings.team.role")), role),
    submit),
  h("p", { class: "help small muted" }, t("settings.team.roles_help")));
  return form;
}

function membersTable(members, ctx, reload, notice) {
  const writable = can(ctx, "members:write");
  const say = (error) => mount(notice, h("div", { class: "notice notice-error", role: "alert" }, errorText(error)));
  return h("div", { class: "table-wrap" }, h("table", { class: "table team-table" },
    h("thead", {}, h("tr", {}, h("th", {}, t("settings.team.member")), h("th", {}, t("settings.team.role")),
      h("th", {}, t("settings.team.status")), h("th", {}, t("settings.team.since")), h("th", {}))),
    h("tbody", {}, members.map((member) => {
      const who = member.name && member.name !== member.email ? member.name : member.email;
      const me = member.id === ctx.me.member.id;
      const select = h("select", { "aria-label": t("settings.team.role_of", { who }), onchange: async () => {
        select.disabled = true;
        try {
          await ctx.api.patch(`/v1/members/${encodeURIComponent(member.id)}`, { role: select.value });
          toast(t("settings.team.role_changed"), "ok");
          await reload();
        } catch (error) {
          select.value = member.role;
          select.disabled = false;
          say(error);
        }
      } }, roleOptions(ctx, member.role));
      return h("tr", { dataset: { member: member.id, email: member.email } },
        h("td", {}, h("strong", {}, who), me ? h("span", { class: "muted small" }, ` (${t("settings.team.you")})`) : null,
          who !== member.email ? h("div", { class: "small muted" }, member.email) : null),
        h("td", {}, writable ? select : t(`role.${member.role}`)),
        h("td", {}, h("span", { class: `badge ${member.status === "active" ? "badge-delivered" : "badge-warn"}` }, t(`settings.team.status.${member.status}`))),
        h("td", { class: "small" }, date(member.accepted_at || member.created_at)),
        h("td", {}, writable ? h("button", { type: "button", class: "btn btn-small btn-danger", onclick: async () => {
          if (!await confirmDialog(t("settings.team.remove_confirm", { who }), t("settings.team.remove"))) return;
          try {
            await ctx.api.delete(`/v1/members/${encodeURIComponent(member.id)}`);
            toast(t("settings.removed"), "ok");
            await reload();
          } catch (error) { say(error); }
        } }, t("settings.team.remove")) : null));
    }))));
}
