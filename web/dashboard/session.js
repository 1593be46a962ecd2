// The merchant's session: the token from /v1/login kept in this browser, and the
// API client every dashboard screen uses.
import { Api } from "/shared/api.js";

const KEY = "dzorders.session";

export function readSession() {
  try {
    const session = JSON.parse(localStorage.getItem(KEY) || "null");
    if (session && session.token && (!session.expires_at || new Date(session.expires_at) > new Date())) return session;
  } catch { /* a damaged entry is no session */ }
  return null;
}

export function saveSession(session) { localStorage.setItem(KEY, JSON.stringify(session)); }
export function clearSession() { localStorage.removeItem(KEY); }

export const api = new Api({
  getToken: () => (readSession() || {}).token || null,
  onUnauthorized: () => {
    clearSession();
    if (!location.pathname.startsWith("/dashboard/login")) {
      location.assign(`/dashboard/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    }
  },
});
