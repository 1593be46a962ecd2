// Products (/dashboard/products): the catalog with stock, create and edit a product
// with its variants (options, SKU, price, stock), adjust stock with a reason.
import { h, loadCss, mount, toast } from "/shared/dom.js";
import { addMessages, t } from "/shared/i18n.js";
import { money, number } from "/shared/format.js";
import { clearFormErrors, errorState, errorText, showFormErrors, spinner } from "/shared/ui.js";

addMessages({
  fr: {
    "products.title": "Produits", "products.modify": "Modifier", "products.unit_price": "Prix", "products.view": "Voir", "products.new": "Nouveau produit", "products.edit": "Modifier « {name} »", "products.empty": "Aucun produit. Créez le premier pour commencer à vendre.",
    "products.name": "Nom", "products.description": "Description", "products.price": "Prix (DZD)", "products.published": "En vente sur la boutique",
    "products.track_stock": "Suivre le stock (refuser la confirmation sans stock)", "products.variants": "Variantes", "products.stock": "Stock",
    "products.options": "Options", "products.options_help": "ex. Taille: M, Couleur: Rouge", "products.sku": "SKU", "products.variant_price": "Prix (vide = prix du produit)",
    "products.add_variant": "Ajouter une variante", "products.remove_variant": "Retirer la variante", "products.save": "Enregistrer le produit", "products.cancel": "Annuler",
    "products.created": "Produit créé.", "products.saved": "Produit enregistré.", "products.status.published": "En vente", "products.status.draft": "Brouillon",
    "products.out": "Rupture", "products.adjust": "Ajuster", "products.adjust_title": "Ajuster le stock", "products.delta": "Quantité (+ entrée, − sortie)",
    "products.reason": "Raison", "products.reason_placeholder": "Réception fournisseur, inventaire…", "products.apply": "Appliquer", "products.adjusted": "Stock mis à jour : {n}.",
    "products.delete": "Supprimer", "products.delete_confirm": "Supprimer « {name} » ? Il disparaît de la boutique ; les commandes passées restent.",
    "products.deleted": "Produit supprimé.", "products.readonly": "Lecture seule : votre rôle ne permet pas de modifier le catalogue.",
    "products.variant_count": "{n} variante(s)", "products.default_variant": "Variante unique", "products.more": "Afficher plus",
    "field_error.price": "Un prix entier de 1 à 10 000 000 DZD.", "field_error.reason": "Donnez une raison.", "field_error.adjust": "Un nombre entier, non nul.",
  },
  ar: {
    "products.title": "المنتجات", "products.modify": "تعديل", "products.unit_price": "السعر", "products.view": "عرض", "products.new": "منتج جديد", "products.edit": "تعديل «{name}»", "products.empty": "لا توجد منتجات. أنشئ الأول لتبدأ البيع.",
    "products.name": "الاسم", "products.description": "الوصف", "products.price": "السعر (د.ج)", "products.published": "معروض للبيع في المتجر",
    "products.track_stock": "تتبع المخزون (رفض التأكيد دون مخزون)", "products.variants": "الأصناف", "products.stock": "المخزون",
    "products.options": "الخيارات", "products.options_help": "مثال: المقاس: M، اللون: أحمر", "products.sku": "SKU", "products.variant_price": "السعر (فارغ = سعر المنتج)",
    "products.add_variant": "إضافة صنف", "products.remove_variant": "حذف الصنف", "products.save": "حفظ المنتج", "products.cancel": "إلغاء",
    "products.created": "تم إنشاء المنتج.", "products.saved": "تم حفظ المنتج.", "products.status.published": "معروض", "products.status.draft": "مسودة",
    "products.out": "نفد", "products.adjust": "تعديل", "products.adjust_title": "تعديل المخزون", "products.delta": "الكمية (+ دخول، − خروج)",
    "products.reason": "السبب", "products.reason_placeholder": "استلام من المورد، جرد…", "products.apply": "تطبيق", "products.adjusted": "تم تحديث المخزون: {n}.",
    "products.delete": "حذف", "products.delete_confirm": "حذف «{name}»؟ يختفي من المتجر؛ الطلبات السابقة تبقى.",
    "products.deleted": "تم حذف المنتج.", "products.readonly": "قراءة فقط: دورك لا يسمح بتعديل الكتالوج.",
    "products.variant_count": "{n} صنف", "products.default_variant": "صنف واحد", "products.more": "عرض المزيد",
    "field_error.price": "سعر صحيح من 1 إلى 10000000 د.ج.", "field_error.reason": "اذكر سببًا.", "field_error.adjust": "عدد صحيح غير معدوم.",
  },
  en: {
    "products.title": "Products", "products.modify": "Edit", "products.unit_price": "Price", "products.view": "View", "products.new": "New product", "products.edit": "Edit “{name}”", "products.empty": "No products. Create the first one to start selling.",
    "products.name": "Name", "products.description": "Description", "products.price": "Price (DZD)", "products.published": "On sale in the storefront",
    "products.track_stock": "Track stock (refuse confirming without stock)", "products.variants": "Variants", "products.stock": "Stock",
    "products.options": "Options", "products.options_help": "e.g. Size: M, Colour: Red", "products.sku": "SKU", "products.variant_price": "Price (empty = product price)",
    "products.add_variant": "Add a variant", "products.remove_variant": "Remove variant", "products.save": "Save product", "products.cancel": "Cancel",
    "products.created": "Product created.", "products.saved": "Product saved.", "products.status.published": "On sale", "products.status.draft": "Draft",
    "products.out": "Out of stock", "products.adjust": "Adjust", "products.adjust_title": "Adjust stock", "products.delta": "Quantity (+ in, − out)",
    "products.reason": "Reason", "products.reason_placeholder": "Supplier delivery, stock count…", "products.apply": "Apply", "products.adjusted": "Stock updated: {n}.",
    "products.delete": "Delete", "products.delete_confirm": "Delete “{name}”? It leaves the storefront; past orders stay.",
    "products.deleted": "Product deleted.", "products.readonly": "Read-only: your role cannot change the catalog.",
    "products.variant_count": "{n} variant(s)", "products.default_variant": "Single variant", "products.more": "Show more",
    "field_error.price": "A whole price from 1 to 10,000,000 DZD.", "field_error.reason": "Give a reason.", "field_error.adjust": "A whole number, not zero.",
  },
});

const optionsText = (options) => Object.entries(options || {}).map(([key, value]) => `${key}: ${value}`).join(", ");
function parseOptions(text) {
  const options = {};
  for (const part of text.split(/[,/،]/)) {
    const [key, ...rest] = part.split(":");
    if (key.trim() && rest.join(":").trim()) options[key.trim()] = rest.join(":").trim();
  }
  return options;
}

export default async function products(ctx) {
  loadCss("/dashboard/css/products.css");
  const writable = ctx.me.permissions.includes("catalog:write");
  const editor = h("div", { class: "product-editor" });
  const list = h("div", { class: "product-list" });
  const openEditor = (product) => {
    mount(editor, productForm(product, ctx, { writable, onSaved: () => { mount(editor); load(); }, onCancel: () => mount(editor) }));
    editor.querySelector("input").focus();
    editor.scrollIntoView({ block: "nearest" });
  };
  mount(ctx.main,
    h("div", { class: "page-head" }, h("h1", {}, t("products.title")),
      writable ? h("button", { type: "button", class: "btn btn-primary", onclick: () => openEditor(null) }, `+ ${t("products.new")}`) : null),
    writable ? null : h("p", { class: "notice" }, t("products.readonly")),
    editor, list);

  async function load() {
    mount(list, spinner());
    try {
      const items = await ctx.api.all("/v1/products");
      mount(list, items.length ? table(items) : h("div", { class: "empty card" }, t("products.empty")));
    } catch (error) {
      mount(list, errorState(error, load));
    }
  }

  function table(items) {
    return h("div", { class: "table-wrap" }, h("table", { class: "table products-table" },
      h("thead", {}, h("tr", {}, h("th", {}, t("products.name")), h("th", { class: "num" }, t("products.unit_price")),
        h("th", {}, t("products.variants")), h("th", { class: "num" }, t("products.stock")), h("th", {}), h("th", {}))),
      h("tbody", {}, items.map((product) => {
        const stock = product.variants.reduce((sum, variant) => sum + (variant.stock || 0), 0);
        return h("tr", { dataset: { product: product.id } },
          h("td", {}, h("strong", { class: "product-name" }, product.name),
            product.description ? h("div", { class: "small muted clamp" }, product.description) : null),
          h("td", { class: "num" }, money(product.price)),
          h("td", { class: "small" }, product.variants.length === 1 && !Object.keys(product.variants[0].options || {}).length
            ? t("products.default_variant")
            : h("ul", { class: "variant-chips" }, product.variants.map((variant) => h("li", { class: variant.stock > 0 || !product.track_stock ? "" : "out" },
              Object.values(variant.options || {}).join(" / ") || variant.sku || "—", h("span", { class: "num" }, ` · ${number(variant.stock)}`))))),
          h("td", { class: "num" }, product.track_stock && stock === 0 ? h("span", { class: "badge badge-danger" }, t("products.out")) : number(stock)),
          h("td", {}, h("span", { class: `badge ${product.published ? "badge-delivered" : ""}` }, t(product.published ? "products.status.published" : "products.status.draft"))),
          h("td", {}, h("button", { type: "button", class: "btn btn-small", onclick: () => openEditor(product) }, writable ? t("products.modify") : t("products.view"))));
      }))));
  }
  await load();
}

function variantRow(variant, ctx, product, writable) {
  const options = h("input", { type: "text", value: optionsText(variant && variant.options), placeholder: t("products.options_help"), "aria-label": t("products.options") });
  const sku = h("input", { type: "text", value: (variant && variant.sku) || "", dir: "ltr", "aria-label": t("products.sku") });
  const price = h("input", { type: "number", min: 1, value: variant && product && variant.price !== product.price ? variant.price : "", "aria-label": t("products.variant_price"), placeholder: t("products.variant_price") });
  const stock = h("input", { type: "number", min: 0, value: variant ? variant.stock : 0, "aria-label": t("products.stock"), disabled: !!variant });
  const tr = h("tr", { class: "variant-row" });
  const row = { tr, variant, removed: false, options, sku, price, stock };
  const stockCell = h("td", { class: "stock-cell" }, stock);
  if (variant && writable) stockCell.append(adjustControl(variant, product, ctx, stock));
  tr.append(
    h("td", {}, h("div", { class: "field", dataset: { field: "options" } }, options)),
    h("td", {}, h("div", { class: "field", dataset: { field: "sku" } }, sku)),
    h("td", {}, h("div", { class: "field", dataset: { field: "price" } }, price)),
    stockCell,
    h("td", {}, writable ? h("button", { type: "button", class: "btn btn-small btn-danger", "aria-label": t("products.remove_variant"), onclick: () => { row.removed = true; tr.remove(); } }, "✕") : null));
  return row;
}

function adjustControl(variant, product, ctx, stockInput) {
  const delta = h("input", { type: "number", name: "adjust", placeholder: "+10", "aria-label": t("products.delta") });
  const reason = h("input", { type: "text", name: "reason", placeholder: t("products.reason_placeholder"), "aria-label": t("products.reason") });
  const message = h("div", { class: "small", role: "alert" });
  const panel = h("div", { class: "adjust hidden" },
    h("div", { class: "field", dataset: { field: "adjust" } }, delta),
    h("div", { class: "field", dataset: { field: "reason" } }, reason),
    h("button", { type: "button", class: "btn btn-small btn-primary", onclick: async () => {
      message.textContent = "";
      const amount = Number(delta.value);
      if (!Number.isInteger(amount) || amount === 0) { message.textContent = t("field_error.adjust"); return; }
      if (!reason.value.trim()) { message.textContent = t("field_error.reason"); return; }
      try {
        const updated = await ctx.api.post(`/v1/products/${encodeURIComponent(product.id)}/variants/${encodeURIComponent(variant.id)}/stock`,
          { adjust: amount, reason: reason.value.trim() });
        stockInput.value = updated.stock;
        variant.stock = updated.stock;
        toast(t("products.adjusted", { n: updated.stock }), "ok");
        delta.value = ""; reason.value = "";
        panel.classList.add("hidden");
      } catch (error) { message.textContent = errorText(error); }
    } }, t("products.apply")), message);
  return h("span", {}, h("button", { type: "button", class: "link-button small", onclick: () => { panel.classList.toggle("hidden"); delta.focus(); } }, t("products.adjust")), panel);
}

function productForm(product, ctx, { writable, onSaved, onCancel }) {
  const name = h("input", { type: "text", name: "name", maxlength: 200, value: product ? product.name : "", required: true, id: "p-name" });
  const description = h("textarea", { name: "description", maxlength: 5000, id: "p-description" }, product ? product.description || "" : "");
  const price = h("input", { type: "number", name: "price", min: 1, value: product ? product.price : "", id: "p-price", inputmode: "numeric" });
  const published = h("input", { type: "checkbox", name: "published", checked: product ? !!product.published : true });
  const track = h("input", { type: "checkbox", name: "track_stock", checked: product ? !!product.track_stock : true });
  const rows = [];
  const body = h("tbody");
  const addRow = (variant) => { const row = variantRow(variant, ctx, product, writable); rows.push(row); body.append(row.tr); return row; };
  (product ? product.variants : [null]).forEach(addRow);
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("products.save"));
  const form = h("form", { class: "card product-form", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const fields = { name: name.value.trim(), description: description.value.trim(), price: Number(price.value) || price.value,
      published: published.checked, track_stock: track.checked };
    const live = rows.filter((row) => !row.removed);
    const variantBody = (row, withStock) => {
      const out = { options: parseOptions(row.options.value), sku: row.sku.value.trim() || null };
      if (row.price.value) out.price = Number(row.price.value);
      if (withStock) out.stock = Number(row.stock.value) || 0;
      return out;
    };
    submit.disabled = true;
    try {
      if (!product) {
        await ctx.api.post("/v1/products", { ...fields, variants: live.map((row) => variantBody(row, true)) });
        toast(t("products.created"), "ok");
      } else {
        const path = `/v1/products/${encodeURIComponent(product.id)}`;
        await ctx.api.patch(path, fields);
        for (const row of rows.filter((r) => r.removed && r.variant)) await ctx.api.delete(`${path}/variants/${encodeURIComponent(row.variant.id)}`);
        for (const row of live) {
          if (!row.variant) { await ctx.api.post(`${path}/variants`, variantBody(row, true)); continue; }
          const next = variantBody(row, false);
          const before = { options: row.variant.options || {}, sku: row.variant.sku || null };
          if (JSON.stringify(next.options) !== JSON.stringify(before.options) || next.sku !== before.sku || (next.price && next.price !== row.variant.price)) {
            await ctx.api.patch(`${path}/variants/${encodeURIComponent(row.variant.id)}`, next);
          }
        }
        toast(t("products.saved"), "ok");
      }
      onSaved();
    } catch (error) {
      // Variant errors come as variants[i].field: show them in the summary with the rest.
      const marked = showFormErrors(form, error);
      if (!marked && Object.keys(error.fields || {}).length) {
        const summary = form.querySelector(".form-error");
        summary.append(h("ul", { class: "small" }, Object.entries(error.fields).map(([key, text]) => h("li", {}, `${key}: ${text}`))));
      }
    } finally {
      submit.disabled = false;
    }
  } },
  h("div", { class: "spread" }, h("h2", { class: "section-title" }, product ? t("products.edit", { name: product.name }) : t("products.new")),
    product && writable ? h("button", { type: "button", class: "btn btn-small btn-danger", onclick: async () => {
      if (!window.confirm(t("products.delete_confirm", { name: product.name }))) return;
      try { await ctx.api.delete(`/v1/products/${encodeURIComponent(product.id)}`); toast(t("products.deleted"), "ok"); onSaved(); }
      catch (error) { toast(errorText(error), "error"); }
    } }, t("products.delete")) : null),
  h("div", { class: "form-error notice notice-error hidden", role: "alert" }),
  h("fieldset", { class: "plain", disabled: !writable },
    h("div", { class: "product-grid" },
      h("div", { class: "field", dataset: { field: "name" } }, h("label", { for: name.id }, t("products.name")), name),
      h("div", { class: "field", dataset: { field: "price" } }, h("label", { for: price.id }, t("products.price")), price)),
    h("div", { class: "field", dataset: { field: "description" } }, h("label", { for: description.id }, t("products.description")), description),
    h("div", { class: "row flags" },
      h("label", { class: "choice" }, published, h("span", {}, t("products.published"))),
      h("label", { class: "choice" }, track, h("span", {}, t("products.track_stock")))),
    h("h3", {}, t("products.variants")),
    h("div", { class: "table-wrap" }, h("table", { class: "table variants-table" },
      h("thead", {}, h("tr", {}, h("th", {}, t("products.options")), h("th", {}, t("products.sku")), h("th", {}, t("products.variant_price")),
        h("th", {}, t("products.stock")), h("th", {}))), body)),
    writable ? h("button", { type: "button", class: "btn btn-small add-variant", onclick: () => addRow(null).options.focus() }, `+ ${t("products.add_variant")}`) : null),
  h("div", { class: "row form-end" }, writable ? submit : null, h("button", { type: "button", class: "btn", onclick: onCancel }, t("products.cancel"))));
  return form;
}
