// Building DOM without a framework: h() makes elements, mount() swaps a region.
// Every text goes through textContent, never innerHTML, so nothing a customer
// typed can run as markup.

export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "class") {
      element.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    } else if (name === "style" && typeof value === "object") {
      Object.assign(element.style, value);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else if (name in element && typeof value !== "string") {
      element[name] = value;           // value, checked, disabled, selected …
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace everything inside `container` with `children`. */
export function mount(container, ...children) {
  container.replaceChildren();
  append(container, children);
  return container;
}

const loadedCss = new Set();
/** Add a stylesheet once (pages bring their own CSS next to their module). */
export function loadCss(href) {
  if (loadedCss.has(href)) return;
  loadedCss.add(href);
  document.head.append(h("link", { rel: "stylesheet", href }));
}

/** A short-lived message at the bottom of the screen, announced to screen readers. */
export function toast(text, kind = "info") {
  let region = document.getElementById("toasts");
  if (!region) {
    region = h("div", { id: "toasts", class: "toasts", role: "status", "aria-live": "polite" });
    document.body.append(region);
  }
  const item = h("div", { class: `toast toast-${kind}` }, text);
  region.append(item);
  setTimeout(() => item.remove(), kind === "error" ? 8000 : 4000);
}

export function debounce(fn, wait = 300) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), wait); };
}
