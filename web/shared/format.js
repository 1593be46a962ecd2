// Numbers, money and dates in the visitor's language. Money is whole dinars.
import { language, locale } from "./i18n.js";

export function number(value) {
  return new Intl.NumberFormat(locale()).format(value ?? 0);
}

/** 2500 → "2 500 DZD" (fr), "2,500 DZD" (en), "2.500 د.ج" (ar). */
export function money(dinars) {
  const amount = new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(dinars ?? 0);
  return language() === "ar" ? `${amount} د.ج` : `${amount} DZD`;
}

/** Basis points (the API's rates) → "42,5 %". */
export function percent(basisPoints) {
  if (basisPoints === null || basisPoints === undefined) return "—";
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 })
    .format(basisPoints / 10000);
}

export function dateTime(iso) {
  if (!iso) return "—";
  // fr-DZ and ar-DZ would print 12-hour times; merchants read 24-hour ones.
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short", hourCycle: "h23" })
    .format(new Date(iso));
}

export function date(iso) {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium" }).format(new Date(iso));
}

/** "il y a 5 min" / "منذ 5 دقائق" for recent times, the date beyond a week. */
export function relative(iso) {
  if (!iso) return "—";
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  const format = new Intl.RelativeTimeFormat(locale(), { numeric: "auto" });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(Math.round(seconds), "second");
  if (abs < 3600) return format.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return format.format(Math.round(seconds / 3600), "hour");
  if (abs < 7 * 86400) return format.format(Math.round(seconds / 86400), "day");
  return date(iso);
}

/** +213550123456 → "0550 12 34 56", the way Algerians write and read numbers. */
export function phone(e164) {
  if (!e164) return "";
  const local = e164.startsWith("+213") ? "0" + e164.slice(4) : e164;
  return local.length === 10 ? `${local.slice(0, 4)} ${local.slice(4, 6)} ${local.slice(6, 8)} ${local.slice(8)}` : local;
}

/** A wilaya's name in the visitor's language: {code, name_fr/name, name_ar}. */
export function wilayaName(wilaya) {
  if (!wilaya) return "";
  const fr = wilaya.name_fr || wilaya.name || (wilaya.names && wilaya.names.fr) || "";
  const ar = wilaya.name_ar || (wilaya.names && wilaya.names.ar) || fr;
  return `${String(wilaya.code).padStart(2, "0")} ${language() === "ar" ? ar : fr}`;
}
