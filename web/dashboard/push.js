// Web push on this device: a small panel that says whether this browser receives
// the store's notifications, and turns them on (permission, subscribe with the
// deployment's VAPID key, register with the API) or off (unsubscribe, delete).
// Used in the bell's panel and on the notification settings page.
import { h, mount } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";
import { errorText } from "/shared/ui.js";

addMessages({
  fr: {
    "push.title": "Notifications sur cet appareil", "push.on": "Cet appareil reçoit les notifications.",
    "push.off": "Cet appareil ne reçoit pas les notifications.", "push.enable": "Activer sur cet appareil",
    "push.disable": "Désactiver", "push.unsupported": "Ce navigateur ne permet pas les notifications (sur iPhone : ajoutez d'abord le tableau de bord à l'écran d'accueil).",
    "push.denied": "Les notifications sont bloquées pour ce site. Autorisez-les dans les réglages du navigateur, puis réessayez.",
    "push.dismissed": "Autorisation non accordée. Réessayez quand vous voulez.", "push.failed": "Impossible d'activer les notifications : {why}",
    "push.working": "Un instant…", "push.enabled": "Notifications activées sur cet appareil.",
  },
  ar: {
    "push.title": "الإشعارات على هذا الجهاز", "push.on": "هذا الجهاز يتلقى الإشعارات.",
    "push.off": "هذا الجهاز لا يتلقى الإشعارات.", "push.enable": "تفعيل على هذا الجهاز",
    "push.disable": "إيقاف", "push.unsupported": "هذا المتصفح لا يدعم الإشعارات (على آيفون: أضف لوحة التحكم إلى الشاشة الرئيسية أولًا).",
    "push.denied": "الإشعارات محظورة لهذا الموقع. اسمح بها من إعدادات المتصفح ثم أعد المحاولة.",
    "push.dismissed": "لم يتم منح الإذن. أعد المحاولة متى شئت.", "push.failed": "تعذّر تفعيل الإشعارات: {why}",
    "push.working": "لحظة…", "push.enabled": "تم تفعيل الإشعارات على هذا الجهاز.",
  },
  en: {
    "push.title": "Notifications on this device", "push.on": "This device receives notifications.",
    "push.off": "This device does not receive notifications.", "push.enable": "Enable on this device",
    "push.disable": "Disable", "push.unsupported": "This browser cannot show notifications (on iPhone, add the dashboard to the home screen first).",
    "push.denied": "Notifications are blocked for this site. Allow them in the browser settings, then try again.",
    "push.dismissed": "Permission not granted. Try again whenever you like.", "push.failed": "Could not enable notifications: {why}",
    "push.working": "One moment…", "push.enabled": "Notifications enabled on this device.",
  },
});

const KEY = "dzorders.push.subscription";     // {id, endpoint} of this device's subscription

function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

function remembered() {
  try { return JSON.parse(localStorage.getItem(KEY) || "null"); } catch { return null; }
}

function base64UrlToBytes(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

function bytesToBase64Url(buffer) {
  let binary = "";
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The subscription as the API wants it: {endpoint, expirationTime, keys: {p256dh, auth}}. */
function subscriptionBody(subscription) {
  const json = typeof subscription.toJSON === "function" ? subscription.toJSON() : {};
  const keys = json.keys || {
    p256dh: bytesToBase64Url(subscription.getKey("p256dh")), auth: bytesToBase64Url(subscription.getKey("auth")),
  };
  return { endpoint: json.endpoint || subscription.endpoint, expirationTime: json.expirationTime ?? subscription.expirationTime ?? null,
    keys: { p256dh: keys.p256dh, auth: keys.auth } };
}

async function registration() {
  const existing = await navigator.serviceWorker.getRegistration("/dashboard/");
  if (existing) return existing;
  await navigator.serviceWorker.register("/dashboard/sw.js", { scope: "/dashboard/" });
  return navigator.serviceWorker.ready;
}

/** What this device's state is now: "unsupported" | "denied" | "on" | "off". */
async function currentState() {
  if (!supported()) return "unsupported";
  if (Notification.permission === "denied") return "denied";
  const saved = remembered();
  if (!saved) return "off";
  try {
    const reg = await navigator.serviceWorker.getRegistration("/dashboard/");
    const subscription = reg && await reg.pushManager.getSubscription();
    if (subscription && subscription.endpoint !== saved.endpoint) return "off";
  } catch { /* keep what we remembered */ }
  return "on";
}

export async function enablePush(api) {
  // The permission prompt must come straight from the click: ask first.
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return permission === "denied" ? "denied" : "dismissed";
  const { key } = await api.get("/v1/push/vapid-public-key");
  const reg = await registration();
  let subscription = await reg.pushManager.getSubscription();
  if (!subscription) {
    subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(key) });
  }
  const saved = await api.post("/v1/push/subscriptions", subscriptionBody(subscription));
  localStorage.setItem(KEY, JSON.stringify({ id: saved.id, endpoint: saved.endpoint }));
  return "on";
}

export async function disablePush(api) {
  const saved = remembered();
  try {
    const reg = await navigator.serviceWorker.getRegistration("/dashboard/");
    const subscription = reg && await reg.pushManager.getSubscription();
    if (subscription) await subscription.unsubscribe();
  } catch { /* the server side is what matters */ }
  if (saved && saved.id) {
    try {
      await api.delete(`/v1/push/subscriptions/${encodeURIComponent(saved.id)}`);
    } catch (error) {
      if (error.status !== 404) throw error;    // already gone is gone
    }
  }
  localStorage.removeItem(KEY);
  return "off";
}

/** The panel: state in words and one button. `compact` for the bell's panel. */
export function pushPanel(ctx, { compact = false } = {}) {
  const canWrite = (ctx.me && ctx.me.permissions || []).includes("notifications:write");
  const panel = h("div", { class: ["push-panel", compact ? "compact" : "card"], "aria-live": "polite" });
  let state = null;
  let message = null;

  async function act(button, action) {
    button.disabled = true;
    button.textContent = t("push.working");
    try {
      state = await action(ctx.api);
      message = state === "on" ? { kind: "ok", text: t("push.enabled") } : state === "dismissed" ? { kind: "warn", text: t("push.dismissed") } : null;
      if (state === "dismissed") state = "off";
    } catch (error) {
      message = { kind: "error", text: t("push.failed", { why: error && error.code ? errorText(error) : (error && error.message) || "?" }) };
      state = await currentState();
    }
    render();
  }

  function render() {
    const words = { unsupported: t("push.unsupported"), denied: t("push.denied"), on: t("push.on"), off: t("push.off") }[state] || "";
    const button = !canWrite ? null
      : state === "off" ? h("button", { type: "button", class: "btn btn-small btn-primary push-enable", onclick: (e) => act(e.currentTarget, enablePush) }, t("push.enable"))
        : state === "on" ? h("button", { type: "button", class: "btn btn-small push-disable", onclick: (e) => act(e.currentTarget, disablePush) }, t("push.disable"))
          : null;
    mount(panel,
      compact ? null : h("h3", {}, t("push.title")),
      h("div", { class: "push-row" }, h("span", { class: ["push-state", `push-${state}`], dataset: { state } }, words), button),
      message ? h("div", { class: `notice notice-${message.kind} push-message small`, role: message.kind === "error" ? "alert" : "status" }, message.text) : null);
  }

  currentState().then((found) => { state = found; render(); });
  return panel;
}
