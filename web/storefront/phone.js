// Reading a phone number as the customer types it, to help them get it right
// before they press the button. The same rules as chalicelib/phones.py; the API
// still has the last word (this only advises, it never blocks the order).
import { phone as formatPhone } from "/shared/format.js";

const SEPARATORS = /[\s.\-()/]+/g;
const ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹";

function westernDigits(text) {
  return text.replace(/[٠-٩۰-۹]/g, (digit) => String(ARABIC_DIGITS.indexOf(digit) % 10));
}

/** The national number typed so far (no +213, 00213 or trunk 0), or null when it can't be Algerian. */
function nationalPart(text) {
  let compact = westernDigits(text).replace(SEPARATORS, "");
  if (compact.startsWith("+")) {
    compact = compact.slice(1);
    if (!"213".startsWith(compact.slice(0, 3)) ) return null;
    if (compact.length <= 3) return "";
    compact = compact.slice(3);
  } else if (compact.startsWith("00")) {
    if (!"00213".startsWith(compact.slice(0, 5))) return null;
    if (compact.length <= 5) return "";
    compact = compact.slice(5);
  } else if (compact.startsWith("213") && compact.length >= 11) {
    compact = compact.slice(3);
  }
  if (!/^\d*$/.test(compact)) return null;
  return compact.startsWith("0") ? compact.slice(1) : compact;
}

/**
 * {state, missing, display}: state is "empty", "partial" (`missing` digits to
 * go), "ok" (`display` is the number as Algerians write it) or "bad".
 */
export function checkPhone(text) {
  if (!text || !text.trim()) return { state: "empty" };
  const national = nationalPart(text);
  if (national === null) return { state: "bad" };
  if (national === "") return { state: "partial", missing: 9 };
  const length = /^[567]/.test(national) ? 9 : /^[234]/.test(national) ? 8 : 0;   // mobile, landline
  if (!length || national.length > length) return { state: "bad" };
  if (national.length < length) return { state: "partial", missing: length - national.length };
  return { state: "ok", display: formatPhone(`+213${national}`) };
}

/**
 * A number to put inside a sentence: its groups joined by no-break spaces and the
 * whole isolated left to right, so Arabic text around it neither reorders the
 * groups nor breaks the line in the middle of it.
 */
export function phoneInText(display) {
  return `\u2066${display.replace(/ /g, "\u00a0")}\u2069`;
}
