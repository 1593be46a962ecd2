// The storefront shell: which store (from the address), its language, the header
// with the cart, and history-API routing to the page modules in pages/. Each page
// exports `default async function (ctx)`, renders into ctx.main and may return a
// cleanup function, run when the visitor leaves the page.
import { h, mount } from "/shared/dom.js";
import { Api } from "/shared/api.js";
import { addMessages, initialLanguage, languagePicker, onLanguageChange, setLanguage, t } from "/shared/i18n.js";
import { errorState, spinner } from "/shared/ui.js";
import { phone as formatPhone } from "/shared/format.js";
import { MESSAGES } from "./messages.js";
import { Cart } from "./cart.js";
import { Catalog } from "./catalog.js";
import { icon } from "./icons.js";

addMessages(MESSAGES);

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

// Page paths, relative to the store's base path.
const ROUTES = [
  { path: "/", module: "./pages/home.js" },
  { path: "/p/:id", module: "./pages/product.js" },
  { path: "/cart", module: "./pages/cart.js" },
  { path: "/checkout", module: "./pages/checkout.js" },
  { path: "/thanks/:number", module: "./pages/thanks.js" },
  { path: "/order", module: "./pages/status.js" },
];

/**
 * The store and base path from the address: /s/<slug>/… everywhere, or
 * <slug>.localhost/… locally, where the store's pages sit at the root.
 */
export function locate(where = location) {
  const found = where.pathname.match(/^\/s\/([^/]+)(?:\/|$)/);
  if (found) return { slug: decodeURIComponent(found[1]), base: `/s/${found[1]}` };
  const host = where.hostname.toLowerCase();
  if (host.endsWith(".localhost")) return { slug: host.split(".")[0], base: "" };
  return { slug: null, base: "" };
}

function match(path) {
  const clean = path.replace(/\/+$/, "") || "/";
  for (const route of ROUTES) {
    const names = [];
    const pattern = new RegExp("^" + route.path.replace(/:(\w+)/g, (_, name) => { names.push(name); return "([^/]+)"; }) + "$");
    const found = clean.match(pattern);
    if (found) return { route, params: Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1])])) };
  }
  return null;
}

const api = new Api();
const root = () => document.getElementById("app");
const state = { store: null, slug: null, base: "", cart: null, catalog: null, frame: null, cleanup: null, renderId: 0 };

const href = (path) => `${state.base}${path}`;

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState({}, "", href(path)); else history.pushState({}, "", href(path));
  render();
}

// Links inside the store change the page without reloading it (each costs a
// round trip on slow mobile data).
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-route]");
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  history.pushState({}, "", link.getAttribute("href"));
  render();
});
window.addEventListener("popstate", () => { if (state.store) render(); });

/** A link to a page of this store, handled by the router. */
export function link(path, props, ...children) {
  return h("a", { ...props, href: href(path), "data-route": true }, ...children);
}

function cartLink() {
  const count = h("span", { class: "sf-cart-count num" });
  const label = h("span", { class: "sr-only" });
  const anchor = link("/cart", { class: "sf-cart-link" }, icon("cart", { size: 22 }), h("span", { class: "sf-cart-word" }, t("sf.cart")), count, label);
  const update = () => {
    const n = state.cart.count();
    count.textContent = String(n);
    count.classList.toggle("hidden", n === 0);
    label.textContent = t("sf.cart_label", { n });
  };
  update();
  state.cart.onChange(update);
  return anchor;
}

function brand(store) {
  const mark = store.logo_url
    ? h("img", { class: "sf-logo", src: store.logo_url, alt: "", width: 36, height: 36, loading: "lazy" })
    : h("span", { class: "sf-mark", "aria-hidden": "true" }, [...store.name.trim()][0] || "•");
  return link("/", { class: "sf-brand" }, mark, h("span", { class: "sf-brand-name" }, store.name));
}

function footer(store) {
  return h("footer", { class: "sf-footer" }, h("div", { class: "sf-wrap sf-footer-inner" },
    h("div", { class: "sf-footer-cod" }, icon("cash"), t("sf.cod")),
    h("nav", { class: "sf-footer-links" },
      link("/order", {}, t("sf.track")),
      store.phone ? h("a", { href: `tel:${store.phone}`, class: "sf-footer-phone" }, icon("phone", { size: 16 }),
        h("bdi", { dir: "ltr" }, formatPhone(store.phone))) : null),
    h("p", { class: "sf-powered" }, t("sf.powered"))));
}

function buildFrame() {
  const main = h("main", { id: "main", class: "sf-main sf-wrap", tabindex: "-1" });
  const header = h("header", { class: "sf-header" }, h("div", { class: "sf-wrap sf-header-inner" },
    brand(state.store), h("div", { class: "sf-header-end" }, languagePicker(state.store.languages || undefined), cartLink())));
  mount(root(), header, main, footer(state.store));
  return { main };
}

function notFoundPage(titleKey, bodyKey, withStoreLink) {
  return h("div", { class: "sf-empty-page" },
    h("div", { class: "sf-empty-mark", "aria-hidden": "true" }, "?"),
    h("h1", {}, t(titleKey)),
    bodyKey ? h("p", { class: "muted" }, t(bodyKey)) : null,
    withStoreLink ? link("/", { class: "btn btn-primary" }, t("sf.back_to_store")) : null);
}

let notFoundFollowsLanguage = false;
function storeNotFound() {
  if (!notFoundFollowsLanguage) { notFoundFollowsLanguage = true; onLanguageChange(storeNotFound); }
  document.title = t("sf.store_not_found");
  mount(root(),
    h("header", { class: "sf-header" }, h("div", { class: "sf-wrap sf-header-inner" },
      h("span", {}), h("div", { class: "sf-header-end" }, languagePicker()))),
    h("main", { class: "sf-main sf-wrap" }, notFoundPage("sf.store_not_found", "sf.store_not_found_body", false)));
}

export async function render() {
  const renderId = ++state.renderId;
  if (state.cleanup) { try { state.cleanup(); } catch { /* leaving anyway */ } state.cleanup = null; }
  const path = location.pathname.slice(state.base.length) || "/";
  const found = match(path);
  const main = state.frame.main;
  window.scrollTo(0, 0);
  if (!found) {
    document.title = `${t("sf.page_not_found")} · ${state.store.name}`;
    return mount(main, notFoundPage("sf.page_not_found", null, true));
  }
  mount(main, spinner());
  const ctx = {
    api, store: state.store, slug: state.slug, cart: state.cart, catalog: state.catalog, main,
    params: found.params, query: new URLSearchParams(location.search), navigate, link, href,
    title: (text) => { document.title = text ? `${text} · ${state.store.name}` : state.store.name; },
    current: () => renderId === state.renderId,
    retry: () => render(),
  };
  /** The store's products, or null once the page shows the failure (with a retry)
   *  or the visitor has gone elsewhere meanwhile. */
  ctx.products = async () => {
    let products;
    try {
      products = await state.catalog.products();
    } catch (error) {
      if (ctx.current()) mount(main, errorState(error, ctx.retry));
      return null;
    }
    return ctx.current() ? products : null;
  };
  ctx.title("");
  try {
    const page = await import(found.route.module);
    if (renderId !== state.renderId) return;    // they went elsewhere meanwhile
    state.cleanup = (await page.default(ctx)) || null;
  } catch (error) {
    if (renderId !== state.renderId) return;
    console.error(error);
    mount(main, errorState(error, () => render()));
  }
}

async function boot() {
  const { slug, base } = locate();
  setLanguage(initialLanguage(null), { notify: false });
  if (!slug || !SLUG.test(slug)) return storeNotFound();
  mount(root(), spinner());
  try {
    state.store = await api.get(`/v1/stores/${encodeURIComponent(slug)}`);
  } catch (error) {
    if (error.status === 404) return storeNotFound();
    return mount(root(), h("main", { class: "sf-main sf-wrap" }, errorState(error, boot)));
  }
  Object.assign(state, { slug, base, cart: new Cart(slug), catalog: new Catalog(api, slug) });
  state.catalog.products().catch(() => { /* the page that needs them shows the error */ });
  setLanguage(initialLanguage((state.store.languages || [])[0]), { notify: false });
  onLanguageChange(() => { state.frame = buildFrame(); render(); });
  state.frame = buildFrame();
  render();
}

boot();
