// The dashboard's service worker (scope /dashboard/): the app shell opens without
// network, and web push shows the store's notifications.
//
// Caching rules:
// - /v1/ (the API) is never cached and never answered from here: data is live or
//   the screen says it could not load.
// - Page navigations: network first; without network, the cached index.html (every
//   dashboard path is the same single-page shell).
// - Static files: ours are not content-hashed, so network first (the HTTP cache
//   still spares a slow line), the cache only when offline; a file asked for with a
//   version (?v=…) never changes and is served cache first.
// Bump VERSION when the precache list changes; old caches are dropped on activate.
const VERSION = "v2";
const CACHE = `dzorders-dashboard-${VERSION}`;
const SHELL = "/dashboard/index.html";
const PRECACHE = [
  SHELL, "/dashboard/app.js", "/dashboard/session.js", "/dashboard/messages.js", "/dashboard/dashboard.css",
  "/dashboard/bell.js", "/dashboard/pwa.js", "/dashboard/push.js", "/dashboard/manifest.webmanifest",
  "/dashboard/css/orders.css", "/dashboard/css/bell.css",
  "/dashboard/lib/orders-common.js", "/dashboard/lib/orders-bulk.js", "/dashboard/lib/order-timeline.js",
  "/dashboard/lib/order-shipping.js", "/dashboard/lib/bell-sound.js",
  "/dashboard/pages/orders.js", "/dashboard/pages/order.js", "/dashboard/pages/calls.js", "/dashboard/pages/products.js",
  "/dashboard/pages/analytics.js", "/dashboard/pages/settings.js", "/dashboard/pages/settings-common.js",
  "/dashboard/pages/settings-store.js", "/dashboard/pages/accept.js",
  "/dashboard/css/calls.css", "/dashboard/css/settings.css", "/dashboard/css/products.css", "/dashboard/css/analytics.css",
  "/shared/api.js", "/shared/dom.js", "/shared/format.js", "/shared/i18n.js", "/shared/ui.js", "/shared/geo.js",
  "/shared/base.css",
  "/dashboard/icons/icon.svg", "/dashboard/icons/icon-192.png", "/dashboard/icons/icon-512.png",
];

self.addEventListener("install", (event) => {
  // One missing file (a screen not deployed yet) must not keep the rest uncached.
  event.waitUntil(caches.open(CACHE)
    .then((cache) => Promise.allSettled(PRECACHE.map((url) => cache.add(new Request(url, { cache: "reload" })))))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name.startsWith("dzorders-dashboard-") && name !== CACHE)
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/v1/")) return;
  if (request.mode === "navigate") {
    if (url.pathname === "/dashboard" || url.pathname.startsWith("/dashboard/")) event.respondWith(page(request));
    return;
  }
  if (!url.pathname.startsWith("/dashboard/") && !url.pathname.startsWith("/shared/")) return;
  event.respondWith(url.searchParams.has("v") ? cacheFirst(request) : networkFirst(request));
});

async function page(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    const type = response.headers.get("Content-Type") || "";
    if (response.ok && type.includes("text/html")) cache.put(SHELL, response.clone());
    return response;
  } catch (error) {
    const shell = await cache.match(SHELL);
    if (shell) return shell;
    throw error;
  }
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

// --- web push -------------------------------------------------------------------
self.addEventListener("push", (event) => {
  let payload = {};
  try { payload = event.data ? event.data.json() : {}; } catch { payload = { body: event.data ? event.data.text() : "" }; }
  const title = payload.title || "dzorders";
  event.waitUntil(self.registration.showNotification(title, {
    body: payload.body || "",
    tag: payload.tag || payload.event_id || undefined,
    icon: "/dashboard/icons/icon-192.png",
    badge: "/dashboard/icons/icon-192.png",
    data: { url: payload.url || "/dashboard/orders" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/dashboard/orders", self.location.origin);
  // Only our own dashboard pages are opened from a notification.
  const url = target.origin === self.location.origin && target.pathname.startsWith("/dashboard/")
    ? target.href : new URL("/dashboard/orders", self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((client) => new URL(client.url).pathname.startsWith("/dashboard"));
    if (open) {
      await open.focus();
      if ("navigate" in open && open.url !== url) {
        try { await open.navigate(url); return; } catch { /* not controlled: ask the page */ }
      }
      open.postMessage({ type: "navigate", url });
      return;
    }
    await self.clients.openWindow(url);
  })());
});
