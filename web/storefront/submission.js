// Sending the order so that no retry can place it twice.
//
// One checkout keeps one Idempotency-Key until it succeeds: after a lost
// connection nobody knows whether the order reached the store, and the API only
// recognises the retry by that key. The key and the bodies sent with an unknown
// outcome live in sessionStorage, so a reload of the page keeps them too.
//
// If the customer edits the form after a lost connection, the same key with a
// new body is answered 409 idempotency_key_reused when the first attempt did
// get through: the order exists, so we ask for it again with the body it was
// placed with, and the API replays its answer (the thank-you page shows it).

function newKey() {
  return (crypto.randomUUID && crypto.randomUUID()) ||
    `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

export class Submission {
  constructor(api, slug) {
    this.api = api;
    this.path = `/v1/stores/${encodeURIComponent(slug)}/orders`;
    this.storageKey = `dzorders.checkout.${slug}`;
  }

  read() {
    try {
      const stored = JSON.parse(sessionStorage.getItem(this.storageKey) || "null");
      if (stored && typeof stored.key === "string" && Array.isArray(stored.uncertain)) return stored;
    } catch { /* damaged: start afresh */ }
    return { key: newKey(), uncertain: [] };
  }

  write(record) {
    try { sessionStorage.setItem(this.storageKey, JSON.stringify(record)); } catch { /* private mode */ }
  }

  /** POST the order; resolves with the order, rejects with an ApiError. */
  async send(body) {
    const record = this.read();
    this.write(record);
    try {
      const order = await this.post(body, record.key);
      this.done();
      return order;
    } catch (error) {
      if (error.isNetwork) {
        record.uncertain = [...record.uncertain.filter((sent) => JSON.stringify(sent) !== JSON.stringify(body)), body];
        this.write(record);
      } else if (error.code === "idempotency_key_reused") {
        const order = await this.replay(record);
        if (order) { this.done(); return order; }
      }
      throw error;
    }
  }

  post(body, key) { return this.api.post(this.path, body, { idempotencyKey: key }); }

  /** The order an earlier, interrupted attempt placed, or null. */
  async replay(record) {
    for (const body of [...record.uncertain].reverse()) {
      try { return await this.post(body, record.key); } catch { /* not this one */ }
    }
    return null;
  }

  /** The checkout is over: the next one gets a new key. */
  done() {
    try { sessionStorage.removeItem(this.storageKey); } catch { /* nothing kept */ }
  }
}
