// Choosing a variant by its options (size, colour…). Pure functions over a
// product and the current choice, so the rules are easy to read and to test:
// a value nobody can buy is disabled; a value that only exists with other choices
// stays clickable and drops the choices it conflicts with.

export function matching(product, choice) {
  return product.variants.filter((variant) =>
    Object.entries(choice).every(([name, value]) => (variant.options || {})[name] === value));
}

/** "ok", "other" (buyable, but not with the other choices) or "sold_out". */
export function valueState(product, choice, name, value) {
  if (matching(product, { ...choice, [name]: value }).some((variant) => variant.in_stock)) return "ok";
  if (matching(product, { [name]: value }).some((variant) => variant.in_stock)) return "other";
  return "sold_out";
}

/** The choice after picking `value` for `name`, keeping only what still combines. */
export function choose(product, choice, name, value) {
  const next = { [name]: value };
  for (const [other, otherValue] of Object.entries(choice)) {
    if (other === name) continue;
    const candidate = { ...next, [other]: otherValue };
    if (matching(product, candidate).some((variant) => variant.in_stock)) next[other] = otherValue;
  }
  return next;
}

/** The variant the choice designates once every option is chosen, else null. */
export function chosenVariant(product, axes, choice) {
  if (axes.some((axis) => !(axis.name in choice))) return null;
  return matching(product, choice)[0] || null;
}

/** What to start with: options with one value are chosen, others wait for the customer. */
export function initialChoice(axes) {
  return Object.fromEntries(axes.filter((axis) => axis.values.length === 1).map((axis) => [axis.name, axis.values[0]]));
}
