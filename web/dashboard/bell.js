// The bell in the top bar: unread count, the feed in a panel, mark read, open the
// order. Live over the store's realtime WebSocket; when it cannot connect or drops,
// the feed is polled every 20 s while it reconnects with growing delays. One
// connection lives in this module for the whole visit: the shell re-renders the
// layout on every navigation and mountBell only re-attaches the button and panel.
import { h, loadCss, mount, toast } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";
import { dateTime, relative } from "/shared/format.js";
import { errorText, spinner } from "/shared/ui.js";
import { readSession } from "./session.js";
import { armOnFirstGesture, chime, setSoundChoice, soundChoice } from "./lib/bell-sound.js";

addMessages({
  fr: {
    "bell.label": "Notifications", "bell.unread": "{n} non lue(s)", "bell.title": "Notifications", "bell.read_all": "Tout marquer comme lu",
    "bell.empty": "Rien de nouveau. Les nouvelles commandes apparaîtront ici.", "bell.more": "Plus anciennes",
    "bell.sound_enable": "Activer le son", "bell.sound_enable_title": "Un petit son à chaque nouvelle commande",
    "bell.sound_on": "Son des nouvelles commandes : activé", "bell.sound_off": "Son des nouvelles commandes : désactivé",
    "bell.sound_toggle_on": "Couper", "bell.sound_toggle_off": "Activer", "bell.sound_later": "Plus tard",
    "bell.live": "En direct", "bell.polling": "Mise à jour toutes les 20 s", "bell.close": "Fermer",
  },
  ar: {
    "bell.label": "الإشعارات", "bell.unread": "{n} غير مقروءة", "bell.title": "الإشعارات", "bell.read_all": "تحديد الكل كمقروء",
    "bell.empty": "لا جديد. ستظهر الطلبات الجديدة هنا.", "bell.more": "الأقدم",
    "bell.sound_enable": "تفعيل الصوت", "bell.sound_enable_title": "صوت قصير مع كل طلب جديد",
    "bell.sound_on": "صوت الطلبات الجديدة: مفعّل", "bell.sound_off": "صوت الطلبات الجديدة: معطّل",
    "bell.sound_toggle_on": "إيقاف", "bell.sound_toggle_off": "تفعيل", "bell.sound_later": "لاحقًا",
    "bell.live": "مباشر", "bell.polling": "تحديث كل 20 ثانية", "bell.close": "إغلاق",
  },
  en: {
    "bell.label": "Notifications", "bell.unread": "{n} unread", "bell.title": "Notifications", "bell.read_all": "Mark all read",
    "bell.empty": "Nothing new. New orders will show here.", "bell.more": "Older",
    "bell.sound_enable": "Enable sound", "bell.sound_enable_title": "A short sound for every new order",
    "bell.sound_on": "New order sound: on", "bell.sound_off": "New order sound: off",
    "bell.sound_toggle_on": "Turn off", "bell.sound_toggle_off": "Turn on", "bell.sound_later": "Later",
    "bell.live": "Live", "bell.polling": "Updated every 20 s", "bell.close": "Close",
  },
});

const POLL_MS = 20_000;
const PING_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 60_000;
const PAGE = 20;

// The one feed of this visit.
const feed = {
  token: null, ctx: null, items: [], unread: 0, next: null, loaded: false, live: false,
  socket: null, backoff: 1000, reconnectTimer: null, pollTimer: null, pingTimer: null, chimes: 0,
  view: null,
};

export function mountBell(slot, ctx) {
  feed.ctx = ctx;
  const token = (readSession() || {}).token;
  if (token !== feed.token) restart(token);
  armOnFirstGesture();
  feed.view = bellView(slot, ctx);
  feed.view.render();
}

function restart(token) {
  stopLive();
  Object.assign(feed, { token, items: [], unread: 0, next: null, loaded: false, backoff: 1000 });
  if (!token) return;
  refresh();
  connect();
}

function stopLive() {
  clearTimeout(feed.reconnectTimer);
  clearInterval(feed.pollTimer);
  clearInterval(feed.pingTimer);
  feed.pollTimer = null;
  if (feed.socket) { feed.socket.onclose = null; try { feed.socket.close(); } catch { /* gone */ } }
  feed.socket = null;
  feed.live = false;
}

function soundTypes() {
  const store = feed.ctx && feed.ctx.me && feed.ctx.me.store;
  return (store && store.notifications && store.notifications.sound) || [];
}

function storeWantsSound() { return soundTypes().length > 0; }

// --- data ------------------------------------------------------------------
async function refresh() {
  const token = feed.token;
  try {
    const page = await feed.ctx.api.get("/v1/notifications", { query: { limit: PAGE } });
    if (token !== feed.token) return;
    const known = new Set(feed.items.map((item) => item.id));
    const fresh = feed.loaded ? page.items.filter((item) => !known.has(item.id)) : [];
    // Keep older pages already loaded below the newest page.
    const newest = new Set(page.items.map((item) => item.id));
    feed.items = [...page.items, ...feed.items.filter((item) => !newest.has(item.id))];
    if (!feed.loaded) feed.next = page.next_cursor;
    feed.unread = page.unread_count;
    feed.loaded = true;
    if (fresh.some(rings)) ring();
    fresh.forEach(announce);
    render();
  } catch (error) {
    if (error.status === 401 || error.status === 403) stopLive();
  }
}

function receive(item) {
  if (!item || !item.id || feed.items.some((known) => known.id === item.id)) return;
  feed.items.unshift(item);
  if (!item.read) feed.unread += 1;
  if (rings(item)) ring();
  announce(item);
  render();
}

/** Tell the open screen (the orders list offers to show a new order). */
function announce(item) {
  window.dispatchEvent(new CustomEvent("dzorders:notification", { detail: item }));
}

function rings(item) { return !item.read && (item.sound || soundTypes().includes(item.type)); }

function ring() {
  if (chime()) feed.chimes += 1;
  render();
}

// --- live ------------------------------------------------------------------
function connect() {
  const store = feed.ctx && feed.ctx.me && feed.ctx.me.store;
  const base = store && store.realtime_url;
  if (!base || typeof WebSocket !== "function") return startPolling();
  let socket;
  try {
    const url = new URL(base);
    url.searchParams.set("token", feed.token);
    socket = new WebSocket(url.toString());
  } catch {
    return scheduleReconnect();
  }
  feed.socket = socket;
  socket.onopen = () => {
    feed.live = true;
    feed.backoff = 1000;
    stopPolling();
    refresh();                         // whatever arrived while we were away
    clearInterval(feed.pingTimer);
    feed.pingTimer = setInterval(() => { try { socket.send(JSON.stringify({ type: "ping" })); } catch { /* closing */ } }, PING_MS);
    render();
  };
  socket.onmessage = (event) => {
    let data;
    try { data = JSON.parse(event.data); } catch { return; }
    if (data && data.type === "notification") receive(data.item);
    else if (data && data.id && data.type !== "pong") receive(data);
  };
  socket.onerror = () => { /* onclose follows */ };
  socket.onclose = () => {
    if (feed.socket !== socket) return;
    feed.socket = null;
    feed.live = false;
    clearInterval(feed.pingTimer);
    startPolling();
    scheduleReconnect();
    render();
  };
}

function scheduleReconnect() {
  startPolling();
  clearTimeout(feed.reconnectTimer);
  const wait = feed.backoff;
  feed.backoff = Math.min(feed.backoff * 2, MAX_BACKOFF_MS);
  feed.reconnectTimer = setTimeout(() => { if (feed.token && navigator.onLine !== false) connect(); else scheduleReconnect(); }, wait);
}

function startPolling() {
  if (feed.pollTimer) return;
  feed.pollTimer = setInterval(refresh, POLL_MS);
}

function stopPolling() {
  clearInterval(feed.pollTimer);
  feed.pollTimer = null;
}

function render() { if (feed.view) feed.view.render(); }

// --- actions ---------------------------------------------------------------
async function markRead(body) {
  try {
    const answer = await feed.ctx.api.post("/v1/notifications/read", body);
    feed.unread = answer.unread_count;
    for (const item of feed.items) if (body.all || body.ids.includes(item.id)) item.read = true;
    render();
  } catch (error) {
    toast(errorText(error), "error");
  }
}

async function loadOlder(button) {
  button.disabled = true;
  try {
    const page = await feed.ctx.api.get("/v1/notifications", { query: { limit: PAGE, after: feed.next } });
    const known = new Set(feed.items.map((item) => item.id));
    feed.items.push(...page.items.filter((item) => !known.has(item.id)));
    feed.next = page.next_cursor;
    render();
  } catch (error) {
    toast(errorText(error), "error");
    button.disabled = false;
  }
}

/** The dashboard path of a notification's absolute URL (same origin only). */
function pathOf(url) {
  try {
    const parsed = new URL(url, location.origin);
    if (parsed.pathname.startsWith("/dashboard/")) return parsed.pathname + parsed.search;
  } catch { /* not a URL */ }
  return null;
}

// --- the view ----------------------------------------------------------------
let closeListener = null;

function bellView(slot, ctx) {
  const canWrite = (ctx.me.permissions || []).includes("notifications:write");
  const count = h("span", { class: "bell-count", "aria-hidden": "true" });
  const button = h("button", { type: "button", class: "bell-button", "aria-haspopup": "true", "aria-expanded": "false",
    onclick: () => toggle() }, bellIcon(), count);
  const soundAsk = h("div", { class: "bell-sound-ask" });
  const panel = h("div", { class: "bell-panel hidden", role: "dialog", "aria-label": t("bell.title") });
  let open = false;

  function toggle(force) {
    open = force === undefined ? !open : force;
    panel.classList.toggle("hidden", !open);
    button.setAttribute("aria-expanded", String(open));
    if (open) renderPanel();
  }

  if (closeListener) document.removeEventListener("click", closeListener, true);
  closeListener = (event) => {
    if (open && !slot.contains(event.target)) toggle(false);
  };
  document.addEventListener("click", closeListener, true);
  slot.addEventListener("keydown", (event) => { if (event.key === "Escape" && open) { toggle(false); button.focus(); } });

  function renderPanel() {
    if (!open) return;
    const head = h("div", { class: "bell-head" },
      h("strong", {}, t("bell.title")),
      h("span", { class: ["bell-mode", feed.live ? "live" : ""], title: feed.live ? t("bell.live") : t("bell.polling") },
        feed.live ? t("bell.live") : t("bell.polling")),
      canWrite && feed.unread > 0 ? h("button", { type: "button", class: "link-button bell-read-all",
        onclick: () => markRead({ all: true }) }, t("bell.read_all")) : null);
    const list = !feed.loaded ? spinner() : !feed.items.length ? h("p", { class: "bell-empty muted" }, t("bell.empty"))
      : h("ul", { class: "bell-list" }, feed.items.map((item) => h("li", {},
        h("a", {
          href: pathOf(item.url) || "/dashboard/orders", class: ["bell-item", item.read ? "" : "unread"], dataset: { id: item.id, type: item.type },
          onclick: () => { if (!item.read && canWrite) markRead({ ids: [item.id] }); toggle(false); },
        },
        h("span", { class: "bell-dot", "aria-hidden": "true" }),
        h("span", { class: "bell-text" },
          h("span", { class: "bell-item-title" }, item.title),
          item.body ? h("span", { class: "bell-item-body" }, item.body) : null,
          h("time", { class: "bell-item-when", datetime: item.created_at, title: dateTime(item.created_at) }, relative(item.created_at)))))));
    const more = feed.next && feed.items.length ? h("button", { type: "button", class: "btn btn-small bell-more",
      onclick: (event) => loadOlder(event.currentTarget) }, t("bell.more")) : null;
    const sound = storeWantsSound() ? h("div", { class: "bell-sound-row" },
      h("span", {}, soundChoice() === "on" ? t("bell.sound_on") : t("bell.sound_off")),
      h("button", { type: "button", class: "btn btn-small bell-sound-toggle", onclick: () => {
        setSoundChoice(soundChoice() === "on" ? "off" : "on");
        if (soundChoice() === "on") ring();
        render();
      } }, soundChoice() === "on" ? t("bell.sound_toggle_on") : t("bell.sound_toggle_off"))) : null;
    mount(panel, head, h("div", { class: "bell-scroll" }, list, more), h("div", { class: "bell-foot" }, sound, pushSlot()));
  }

  let pushNode = null;
  function pushSlot() {
    if (!pushNode) {
      pushNode = h("div", { class: "bell-push" });
      import("./push.js").then((push) => mount(pushNode, push.pushPanel(ctx, { compact: true })))
        .catch(() => pushNode.remove());
    }
    return pushNode;
  }

  function render() {
    count.textContent = feed.unread > 99 ? "99+" : String(feed.unread);
    count.classList.toggle("hidden", !feed.unread);
    button.dataset.unread = String(feed.unread);
    button.dataset.chimes = String(feed.chimes);
    button.setAttribute("aria-label", feed.unread ? `${t("bell.label")} — ${t("bell.unread", { n: feed.unread })}` : t("bell.label"));
    const ask = storeWantsSound() && soundChoice() === null;
    mount(soundAsk, ask ? [
      h("button", { type: "button", class: "btn btn-small bell-sound-enable", title: t("bell.sound_enable_title"), onclick: () => {
        setSoundChoice("on");
        ring();
      } }, "♪ ", t("bell.sound_enable")),
      h("button", { type: "button", class: "link-button bell-sound-later", title: t("bell.sound_later"), "aria-label": t("bell.sound_later"),
        onclick: () => { setSoundChoice("off"); render(); } }, "×"),
    ] : null);
    soundAsk.classList.toggle("hidden", !ask);
    renderPanel();
  }

  mount(slot, h("div", { class: "bell" }, soundAsk, h("div", { class: "bell-anchor" }, button, panel)));
  loadCss("/dashboard/css/bell.css");
  return { render };
}

function bellIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  for (const [key, value] of Object.entries({ viewBox: "0 0 24 24", width: "20", height: "20", fill: "none", stroke: "currentColor",
    "stroke-width": "2", "stroke-linecap": "round", "stroke-linejoin": "round", "aria-hidden": "true" })) svg.setAttribute(key, value);
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0");
  svg.append(path);
  return svg;
}
