// The one HTTP client of the web apps. Every failure becomes an ApiError with the
// contract's code, message and per-field messages; a lost connection is the code
// "network_error" so screens can offer a retry instead of going blank.

export class ApiError extends Error {
  constructor(status, code, message, fields = {}, retryAfter = null) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.fields = fields || {};
    this.retryAfter = retryAfter;
  }
  get isNetwork() { return this.code === "network_error"; }
}

function newKey() {
  return (crypto.randomUUID && crypto.randomUUID()) ||
    `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export class Api {
  /** `getToken` returns the bearer token or null; `onUnauthorized` runs on a 401. */
  constructor({ base = "", getToken = () => null, onUnauthorized = null } = {}) {
    this.base = base;
    this.getToken = getToken;
    this.onUnauthorized = onUnauthorized;
  }

  /**
   * `raw` returns the fetch Response (files: CSV, PDF); `accept` names what a file
   * route answers, since API Gateway picks binary answers by the Accept header.
   */
  async request(method, path, { body, query, idempotencyKey, signal, raw = false, accept = "application/json" } = {}) {
    const url = new URL(this.base + path, location.origin);
    for (const [name, value] of Object.entries(query || {})) {
      if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
    }
    const headers = { Accept: accept };
    const token = this.getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    // A POST that creates something is safe to retry with the same key.
    if (method === "POST") headers["Idempotency-Key"] = idempotencyKey || newKey();
    let response;
    try {
      response = await fetch(url, {
        method, headers, signal,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiError(0, "network_error", "");
    }
    if (response.status === 401 && this.onUnauthorized && token) this.onUnauthorized();
    if (!response.ok) {
      let payload = {};
      try { payload = await response.json(); } catch { /* not JSON: keep the status */ }
      const error = payload.error || {};
      const retryAfter = Number(response.headers.get("Retry-After")) || error.retry_after || null;
      throw new ApiError(response.status, error.code || `http_${response.status}`,
        error.message || response.statusText, error.fields, retryAfter);
    }
    if (raw) return response;
    if (response.status === 204) return null;
    const type = response.headers.get("Content-Type") || "";
    return type.includes("json") ? response.json() : response.text();
  }

  get(path, options) { return this.request("GET", path, options); }
  post(path, body, options = {}) { return this.request("POST", path, { ...options, body }); }
  put(path, body, options = {}) { return this.request("PUT", path, { ...options, body }); }
  patch(path, body, options = {}) { return this.request("PATCH", path, { ...options, body }); }
  delete(path, options) { return this.request("DELETE", path, options); }

  /** Every page of a list endpoint ({items, next_cursor}), up to `max` items. */
  async all(path, query = {}, max = 1000) {
    const items = [];
    let cursor = null;
    do {
      const page = await this.get(path, { query: { ...query, cursor, limit: 100 } });
      items.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor && items.length < max);
    return items;
  }
}
