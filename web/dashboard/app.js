// The dashboard shell: session, routing, layout, and the login screen. Screens live
// in pages/ (one module per screen, loaded when first visited); each exports
// `default async function (ctx)` that renders into ctx.main and may return a
// cleanup function, run when the person leaves the screen.
import { h, mount } from "/shared/dom.js";
import { addMessages, initialLanguage, languagePicker, onLanguageChange, setLanguage, t } from "/shared/i18n.js";
import { errorState, field, showFormErrors, spinner } from "/shared/ui.js";
import { api, clearSession, readSession, saveSession } from "./session.js";
import { SHELL_MESSAGES } from "./messages.js";

addMessages(SHELL_MESSAGES);

// The one route table. `nav` puts the screen in the main menu; `public` screens
// need no session.
export const ROUTES = [
  { path: "/dashboard/login", module: null, public: true },
  { path: "/dashboard/accept", module: "./pages/accept.js", public: true },
  // The address invitation emails carry (chalicelib/accounts/members.py).
  { path: "/dashboard/accept-invite", module: "./pages/accept.js", public: true },
  { path: "/dashboard/orders/advanced", module: "./pages/calls.js", nav: "nav.calls" },
  { path: "/dashboard/orders/:id", module: "./pages/order.js", parent: "/dashboard/orders" },
  { path: "/dashboard/orders", module: "./pages/orders.js", nav: "nav.orders" },
  { path: "/dashboard/products", module: "./pages/products.js", nav: "nav.products" },
  { path: "/dashboard/analytics", module: "./pages/analytics.js", nav: "nav.analytics" },
  { path: "/dashboard/settings/:section", module: "./pages/settings.js", parent: "/dashboard/settings" },
  { path: "/dashboard/settings", module: "./pages/settings.js", nav: "nav.settings" },
];

// The menu, in the order a merchant works; ROUTES is in matching order.
const NAV = ["/dashboard/orders", "/dashboard/orders/advanced", "/dashboard/products",
  "/dashboard/analytics", "/dashboard/settings"];

function match(pathname) {
  const clean = pathname.replace(/\/+$/, "") || "/";
  for (const route of ROUTES) {
    const names = [];
    const pattern = new RegExp("^" + route.path.replace(/:(\w+)/g, (_, name) => { names.push(name); return "([^/]+)"; }) + "$");
    const found = clean.match(pattern);
    if (found) {
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1])]));
      return { route, params };
    }
  }
  return null;
}

const state = { me: null, cleanup: null, renderId: 0 };

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState({}, "", path); else history.pushState({}, "", path);
  render();
}

// Links inside the app change the page without reloading it.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href^='/dashboard']");
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
      event.shiftKey || link.target === "_blank" || link.hasAttribute("download")) return;
  event.preventDefault();
  navigate(link.getAttribute("href"));
});
window.addEventListener("popstate", () => render());

async function loadMe() {
  const me = await api.get("/v1/me");
  state.me = me;
  return me;
}

function layout(me, activeRoute) {
  const main = h("main", { id: "main", class: "main", tabindex: "-1" });
  const activePath = activeRoute.parent || activeRoute.path;
  const bellSlot = h("div", { class: "bell-slot" });
  const statusSlot = h("div", { class: "status-slot" });
  const nav = h("nav", { class: "nav", "aria-label": t("nav.label") },
    NAV.map((path) => ROUTES.find((route) => route.path === path)).map((route) =>
      h("a", { href: route.path, class: route.path === activePath ? "active" : "",
        "aria-current": route.path === activePath ? "page" : null }, t(route.nav))));
  const header = h("header", { class: "topbar" },
    h("a", { href: "/dashboard/orders", class: "brand" }, h("span", { class: "brand-mark" }, "dz"), "orders"),
    h("div", { class: "store-name", title: me.store.slug }, me.store.name),
    h("div", { class: "topbar-end" },
      bellSlot,
      languagePicker(),
      h("div", { class: "who" },
        h("span", { class: "who-name" }, me.member.name || me.member.email),
        h("span", { class: "badge" }, t(`role.${me.member.role}`))),
      h("button", { class: "btn btn-small", type: "button", onclick: logout }, t("nav.logout"))));
  const shell = h("div", { class: "shell" }, header, statusSlot, h("div", { class: "body" }, nav, main));
  return { shell, main, bellSlot, statusSlot };
}

async function logout() {
  try { await api.post("/v1/logout"); } catch { /* the session ends here either way */ }
  clearSession();
  navigate("/dashboard/login", { replace: true });
}

function loginScreen(root) {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { class: "btn btn-primary btn-block", type: "submit" }, t("login.submit"));
  const form = h("form", {
    class: "card login-card", novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      submit.disabled = true;
      try {
        const session = await api.post("/v1/login", { email: email.value.trim(), password: password.value });
        saveSession(session);
        const next = new URLSearchParams(location.search).get("next");
        navigate(next && next.startsWith("/dashboard/") ? next : "/dashboard/orders", { replace: true });
      } catch (error) {
        if (error.status === 401) error = { ...error, code: "login_failed", fields: {} };
        showFormErrors(form, error);
      } finally {
        submit.disabled = false;
      }
    },
  },
  h("h1", {}, t("login.title")),
  h("p", { class: "muted" }, t("login.lead")),
  h("div", { class: "form-error notice notice-error hidden", role: "alert" }),
  field("email", t("login.email"), email),
  field("password", t("login.password"), password),
  submit);
  mount(root, h("div", { class: "login" },
    h("div", { class: "login-top" }, h("a", { href: "/dashboard/login", class: "brand" },
      h("span", { class: "brand-mark" }, "dz"), "orders"), languagePicker()),
    form));
  email.focus();
}

export async function render() {
  const renderId = ++state.renderId;
  const root = document.getElementById("app");
  if (state.cleanup) { try { state.cleanup(); } catch { /* leaving anyway */ } state.cleanup = null; }
  let pathname = location.pathname;
  if (pathname === "/dashboard" || pathname === "/dashboard/") {
    history.replaceState({}, "", "/dashboard/orders");
    pathname = "/dashboard/orders";
  }
  const found = match(pathname);
  const session = readSession();
  if (found && found.route.path === "/dashboard/login") {
    if (session) return navigate("/dashboard/orders", { replace: true });
    return loginScreen(root);
  }
  if (!found || !found.route.public) {
    if (!session) {
      return navigate(`/dashboard/login?next=${encodeURIComponent(pathname + location.search)}`, { replace: true });
    }
  }
  const ctx = {
    api, navigate, params: found ? found.params : {}, query: new URLSearchParams(location.search),
    me: state.me, refreshMe: loadMe,
  };
  if (found && found.route.public) {
    ctx.main = h("main", { class: "main public" });
    mount(root, ctx.main);
  } else {
    if (!state.me) {
      mount(root, spinner());
      try { await loadMe(); } catch (error) {
        if (error.status === 401) return;          // the client is sending them to login
        // Opened offline (the service worker served the shell): say so, and come
        // back by itself once the network does.
        const statusSlot = h("div", { class: "status-slot" });
        mount(root, statusSlot, h("main", { class: "main public" }, errorState(error, () => render())));
        import("./pwa.js").then((pwa) => pwa.startPwa(statusSlot, { api, navigate, me: null, unreachable: error.isNetwork }))
          .catch((failure) => console.error(failure));
        return;
      }
      if (state.me.store.languages && !localStorage.getItem("dzorders.language")) {
        setLanguage(initialLanguage(state.me.store.languages[0]), { notify: false });
      }
    }
    ctx.me = state.me;
    const frame = layout(state.me, found ? found.route : ROUTES[4]);
    mount(root, frame.shell);
    ctx.main = frame.main;
    ctx.statusSlot = frame.statusSlot;
    startChrome(frame, ctx);
  }
  if (!found) {
    mount(ctx.main, h("div", { class: "empty" }, h("h1", {}, t("notfound.title")),
      h("a", { href: "/dashboard/orders" }, t("notfound.back"))));
    return;
  }
  mount(ctx.main, spinner());
  try {
    const module = await import(found.route.module);
    if (renderId !== state.renderId) return;   // they went elsewhere meanwhile
    state.cleanup = (await module.default(ctx)) || null;
  } catch (error) {
    if (renderId !== state.renderId) return;
    console.error(error);
    mount(ctx.main, errorState(error, () => render()));
  }
}

// The bell and the offline/push machinery live in their own modules and are
// started once per layout; a failure there must not take the screen down.
let chromeModules = null;
function startChrome(frame, ctx) {
  chromeModules = chromeModules || Promise.allSettled([import("./bell.js"), import("./pwa.js")]);
  chromeModules.then(([bell, pwa]) => {
    if (bell.status === "fulfilled") bell.value.mountBell(frame.bellSlot, ctx);
    else console.error(bell.reason);
    if (pwa.status === "fulfilled") pwa.value.startPwa(frame.statusSlot, ctx);
    else console.error(pwa.reason);
  });
}

setLanguage(initialLanguage(null), { notify: false });
onLanguageChange(() => render());
render();
