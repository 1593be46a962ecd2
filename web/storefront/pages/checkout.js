// Checkout: who, where, how, and the live total; then one POST. Errors the API
// names by field appear under that field; the others (blocked phone, too many
// orders, lost connection) right above the button the customer just pressed.
import { h, mount } from "/shared/dom.js";
import { t } from "/shared/i18n.js";
import { money } from "/shared/format.js";
import { clearFormErrors, errorState, field, showFormErrors } from "/shared/ui.js";
import { cartLines, itemsTotal, variantLabel } from "../catalog.js";
import { checkPhone, phoneInText } from "../phone.js";
import { Submission } from "../submission.js";
import { DeliveryData, deliverySection } from "./delivery.js";
import { icon } from "../icons.js";

const deliveryData = new Map();     // per store, for the visit

// What the customer typed survives a language switch or a reload (this tab only).
function draftStore(slug) {
  const key = `dzorders.checkout-draft.${slug}`;
  let draft = {};
  try { draft = JSON.parse(sessionStorage.getItem(key) || "{}") || {}; } catch { /* start empty */ }
  const base = { name: "", phone: "", wilaya: "", commune: "", address: "", delivery_type: "home", stop_desk: "", note: "" };
  return {
    draft: { ...base, ...draft },
    save(value) { try { sessionStorage.setItem(key, JSON.stringify(value)); } catch { /* private mode */ } },
  };
}

function phoneHelp(input, help) {
  const update = () => {
    const check = checkPhone(input.value);
    help.className = `help sf-phone-help is-${check.state}`;
    help.textContent = check.state === "ok" ? `✓ ${t("checkout.phone_ok", { phone: phoneInText(check.display) })}`
      : check.state === "partial" && input.value.trim() ? t("checkout.phone_more", { n: check.missing })
        : check.state === "bad" ? t("checkout.phone_bad") : t("checkout.phone_help");
  };
  input.addEventListener("input", update);
  update();
}

/** API field names of cart lines ("items[1].quantity") → the summary line they concern. */
function lineFields(fields) {
  const adapted = {};
  for (const [name, message] of Object.entries(fields || {})) {
    const line = name.match(/^(items\[\d+\])\.(\w+)$/);
    if (line) adapted[line[1]] = t(line[2] === "quantity" ? "line_error.quantity" : "line_error.gone");
    else adapted[name] = message;
  }
  return adapted;
}

function summaryLines(lines) {
  return h("ul", { class: "sf-sum-lines", dataset: { field: "items" } }, lines.map((line, index) =>
    h("li", { class: "field sf-sum-line", dataset: { field: `items[${index}]` } },
      h("div", { class: "sf-sum-name" }, h("span", {}, line.product.name),
        variantLabel(line.variant) ? h("span", { class: "muted small" }, variantLabel(line.variant)) : null),
      h("span", { class: "muted num" }, t("checkout.quantity", { n: line.item.quantity })),
      h("span", { class: "num" }, money(line.total)))));
}

export default async function checkoutPage(ctx) {
  ctx.title(t("checkout.title"));
  if (!deliveryData.has(ctx.slug)) deliveryData.set(ctx.slug, new DeliveryData(ctx.api, ctx.slug));
  const data = deliveryData.get(ctx.slug);
  let products, rates;
  try {
    [products, rates] = await Promise.all([ctx.catalog.products(), data.shipping()]);
  } catch (error) {
    return mount(ctx.main, errorState(error, ctx.retry));
  }
  if (!ctx.current()) return;
  const lines = cartLines(ctx.cart.items(), products);
  // An empty cart, or one with lines no longer on sale, is explained on the cart page.
  if (!lines.length || lines.some((line) => line.problem)) return ctx.navigate("/cart", { replace: true });

  const { draft, save } = draftStore(ctx.slug);
  const submission = new Submission(ctx.api, ctx.slug);
  const items = itemsTotal(lines);
  const deliveryCell = h("span", { class: "num sf-fee" });
  const totalCell = h("strong", { class: "num sf-total" });
  const onChange = () => {
    const fee = delivery.fee();
    deliveryCell.textContent = fee === null ? t("checkout.fee_unknown") : money(fee);
    totalCell.textContent = money(items + (fee || 0));
    save(draft);
  };
  const delivery = deliverySection({ rates, data, draft, onChange });

  const input = (name, props) => {
    const control = h(props.tag || "input", { name, ...props, tag: null });
    control.value = draft[name];          // a property: a textarea has no value attribute
    control.addEventListener("input", () => { draft[name] = control.value; save(draft); });
    return control;
  };
  const name = input("name", { type: "text", autocomplete: "name", maxlength: 100 });
  const phone = input("phone", { type: "tel", autocomplete: "tel", inputmode: "tel", maxlength: 20, placeholder: "0555 12 34 56", dir: "ltr" });
  const address = input("address", { type: "text", autocomplete: "street-address", maxlength: 300 });
  const note = input("note", { tag: "textarea", maxlength: 1000, rows: 2 });
  const phoneField = field("customer.phone", t("checkout.phone"), phone, " ");
  phoneHelp(phone, phoneField.querySelector(".help"));

  const errorBox = h("div", { class: "form-error notice notice-error hidden", role: "alert" });
  const button = h("button", { type: "submit", class: "btn btn-primary btn-block sf-submit" }, t("checkout.submit"));
  const form = h("form", { class: "sf-checkout", novalidate: true, onsubmit: (event) => { event.preventDefault(); submit(); } },
    h("div", { class: "sf-checkout-main" },
      h("section", { class: "card" }, h("h2", {}, t("checkout.you")),
        field("customer.name", t("checkout.name"), name), phoneField),
      h("section", { class: "card" }, h("h2", {}, t("checkout.where")), delivery.element,
        field("shipping.address", t("checkout.address"), address, t("checkout.address_help")),
        field("note", t("checkout.note"), note, t("checkout.note_help")))),
    h("aside", { class: "sf-checkout-side" },
      h("section", { class: "card sf-summary" },
        h("div", { class: "spread" }, h("h2", {}, t("checkout.summary")), ctx.link("/cart", { class: "small" }, t("checkout.edit_cart"))),
        summaryLines(lines),
        h("dl", { class: "sf-totals" },
          h("div", {}, h("dt", {}, t("checkout.items")), h("dd", { class: "num" }, money(items))),
          h("div", {}, h("dt", {}, t("checkout.delivery_fee")), h("dd", {}, deliveryCell)),
          h("div", { class: "sf-totals-total" }, h("dt", {}, t("checkout.total")), h("dd", {}, totalCell))),
        errorBox, button,
        h("p", { class: "sf-cod-line muted small" }, icon("cash", { size: 18 }), t("sf.cod")))));

  let sending = false;
  async function submit() {
    if (sending) return;
    clearFormErrors(form);
    const missing = [
      !draft.name.trim() && "customer.name", !draft.phone.trim() && "customer.phone",
      ...delivery.missing(), !draft.address.trim() && "shipping.address"].filter(Boolean);
    if (missing.length) {
      showFormErrors(form, { fields: Object.fromEntries(missing.map((key) => [key, t("checkout.required")])) });
      return;
    }
    const body = {
      customer: { name: draft.name.trim(), phone: draft.phone.trim() },
      shipping: { ...delivery.body(), address: draft.address.trim() },
      items: lines.map((line) => ({ product_id: line.item.product_id, variant_id: line.item.variant_id, quantity: line.item.quantity })),
      note: draft.note.trim() || null,
    };
    sending = true;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = t("checkout.sending");
    try {
      const order = await submission.send(body);
      done(order, body);
    } catch (error) {
      if (ctx.current()) showError(error);
    } finally {
      sending = false;
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.textContent = t("checkout.submit");
    }
  }

  function done(order, body) {
    try {
      sessionStorage.setItem(`dzorders.last-order.${ctx.slug}`, JSON.stringify({
        number: order.number, phone: (order.customer && order.customer.phone) || body.customer.phone, totals: order.totals, items: order.items,
        shipping: order.shipping }));
    } catch { /* the thank-you page then shows the number only */ }
    draft.note = "";
    save(draft);
    ctx.cart.clear();
    ctx.navigate(`/thanks/${order.number}`, { replace: true });
  }

  function showError(error) {
    if (error.isNetwork) {
      mount(errorBox, h("p", {}, t("checkout.network")),
        h("button", { type: "button", class: "btn btn-small sf-retry", onclick: submit }, t("checkout.retry")));
      errorBox.classList.remove("hidden");
    } else {
      const marked = showFormErrors(form, { ...error, code: error.code, status: error.status, message: error.message,
        retryAfter: error.retryAfter, fields: lineFields(error.fields) });
      if (marked) return;
    }
    errorBox.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  // Typing in a field the API refused means the customer is fixing it: its message goes.
  const fixing = (event) => {
    errorBox.classList.add("hidden");
    const marked = event.target.closest(".field.invalid");
    if (!marked) return;
    marked.classList.remove("invalid");
    marked.querySelector(".error")?.remove();
    event.target.removeAttribute("aria-invalid");
  };
  form.addEventListener("input", fixing);
  form.addEventListener("change", fixing);
  onChange();
  mount(ctx.main, h("div", { class: "sf-checkout-page" },
    h("h1", {}, t("checkout.title")),
    h("p", { class: "sf-lead muted" }, t("checkout.lead")),
    form));
}
