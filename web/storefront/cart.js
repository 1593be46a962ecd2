// The cart lives in this browser only (localStorage, one per store): no account,
// nothing on the server until checkout. It keeps ids and quantities, never prices:
// prices always come from the store's current catalog.

const MAX_QUANTITY = 100;   // the API's limit per line

export class Cart {
  constructor(slug) {
    this.key = `dzorders.cart.${slug}`;
    this.listeners = new Set();
    // Another tab of the same store changed the cart: show it here too.
    window.addEventListener("storage", (event) => { if (event.key === this.key) this.notify(); });
  }

  /** [{product_id, variant_id, quantity}] in the order they were added. */
  items() {
    try {
      const stored = JSON.parse(localStorage.getItem(this.key) || "[]");
      return Array.isArray(stored) ? stored.filter(valid) : [];
    } catch {
      return [];      // a damaged entry must not break the store
    }
  }

  count() { return this.items().reduce((sum, item) => sum + item.quantity, 0); }

  add(productId, variantId, quantity = 1) {
    const items = this.items();
    const found = items.find((item) => item.variant_id === variantId);
    if (found) found.quantity = clamp(found.quantity + quantity);
    else items.push({ product_id: productId, variant_id: variantId, quantity: clamp(quantity) });
    this.save(items);
  }

  setQuantity(variantId, quantity) {
    this.save(this.items().map((item) => item.variant_id === variantId ? { ...item, quantity: clamp(quantity) } : item));
  }

  remove(variantId) { this.save(this.items().filter((item) => item.variant_id !== variantId)); }

  clear() { this.save([]); }

  save(items) {
    try { localStorage.setItem(this.key, JSON.stringify(items)); } catch { /* private mode: the page still works */ }
    this.notify();
  }

  onChange(listener) { this.listeners.add(listener); return () => this.listeners.delete(listener); }

  notify() { for (const listener of this.listeners) listener(this); }
}

function clamp(quantity) { return Math.max(1, Math.min(MAX_QUANTITY, Math.floor(quantity) || 1)); }

function valid(item) {
  return item && typeof item.product_id === "string" && typeof item.variant_id === "string" &&
    Number.isInteger(item.quantity) && item.quantity > 0;
}

export { MAX_QUANTITY };
