/**
 * Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"), used by sprig's date functions, expr's date()
 * and time.Time.Format in expressions. Hand-written: no JS library speaks Go layouts.
 */

/** Go's zero time.Time (0001-01-01T00:00:00Z) in epoch milliseconds. */
export const zeroTime = -62_135_596_800_000;

const longMonths = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const longDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** The layout elements of Go's time package, longest spelling first where they share a prefix. */
const stdTokens = [
  "January",
  "Jan",
  "Monday",
  "Mon",
  "MST",
  "2006",
  "002",
  "01",
  "02",
  "03",
  "04",
  "05",
  "06",
  "15",
  "1",
  "2",
  "_2006",
  "__2",
  "_2",
  "3",
  "4",
  "5",
  "PM",
  "pm",
  "-07:00:00",
  "-070000",
  "-07:00",
  "-0700",
  "-07",
  "Z07:00:00",
  "Z070000",
  "Z07:00",
  "Z0700",
  "Z07",
] as const;

type Chunk = { literal: string } | { token: string } | { fraction: string; separator: string };

/** Splits a Go layout into literal text, layout elements and fractional-second elements. */
function chunks(layout: string): Chunk[] {
  const out: Chunk[] = [];
  let literal = "";
  let i = 0;
  while (i < layout.length) {
    const rest = layout.slice(i);
    const fraction = /^([.,])(0+|9+)(?![0-9])/.exec(rest);
    if (fraction && /[0-9]$/.test(layout.slice(0, i))) {
      if (literal) out.push({ literal });
      literal = "";
      out.push({ fraction: fraction[2], separator: fraction[1] });
      i += fraction[0].length;
      continue;
    }
    const token = stdTokens.find((t) => rest.startsWith(t));
    if (token === "_2006") {
      literal += "_";
      i += 1;
      continue;
    }
    if (token) {
      if (literal) out.push({ literal });
      literal = "";
      out.push({ token });
      i += token.length;
      continue;
    }
    literal += layout[i];
    i++;
  }
  if (literal) out.push({ literal });
  return out;
}

interface Parts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  weekday: number;
  yearDay: number;
  offsetMinutes: number; // east of UTC
}

function partsOf(date: Date, utc: boolean): Parts {
  const offsetMinutes = utc ? 0 : -date.getTimezoneOffset();
  const shifted = new Date(date.getTime() + offsetMinutes * 60_000);
  const startOfYear = Date.UTC(shifted.getUTCFullYear(), 0, 1);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    millisecond: shifted.getUTCMilliseconds(),
    weekday: shifted.getUTCDay(),
    yearDay: Math.floor((shifted.getTime() - startOfYear) / 86_400_000) + 1,
    offsetMinutes,
  };
}

const pad = (n: number, width: number, fill = "0") => String(n).padStart(width, fill);

function formatOffset(offsetMinutes: number, token: string): string {
  if (token.startsWith("Z") && offsetMinutes === 0) return "Z";
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const hh = pad(Math.floor(abs / 60), 2);
  const mm = pad(abs % 60, 2);
  switch (token.slice(1)) {
    case "07":
      return `${sign}${hh}`;
    case "0700":
      return `${sign}${hh}${mm}`;
    case "07:00":
      return `${sign}${hh}:${mm}`;
    case "070000":
      return `${sign}${hh}${mm}00`;
    default:
      return `${sign}${hh}:${mm}:00`;
  }
}

function formatToken(token: string, p: Parts): string {
  const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  switch (token) {
    case "January":
      return longMonths[p.month - 1];
    case "Jan":
      return longMonths[p.month - 1].slice(0, 3);
    case "Monday":
      return longDays[p.weekday];
    case "Mon":
      return longDays[p.weekday].slice(0, 3);
    case "MST":
      return p.offsetMinutes === 0 ? "UTC" : formatOffset(p.offsetMinutes, "-0700");
    case "2006":
      return pad(p.year, 4);
    case "06":
      return pad(p.year % 100, 2);
    case "002":
      return pad(p.yearDay, 3);
    case "__2":
      return pad(p.yearDay, 3, " ");
    case "01":
      return pad(p.month, 2);
    case "1":
      return String(p.month);
    case "02":
      return pad(p.day, 2);
    case "_2":
      return pad(p.day, 2, " ");
    case "2":
      return String(p.day);
    case "15":
      return pad(p.hour, 2);
    case "03":
      return pad(hour12, 2);
    case "3":
      return String(hour12);
    case "04":
      return pad(p.minute, 2);
    case "4":
      return String(p.minute);
    case "05":
      return pad(p.second, 2);
    case "5":
      return String(p.second);
    case "PM":
      return p.hour >= 12 ? "PM" : "AM";
    case "pm":
      return p.hour >= 12 ? "pm" : "am";
    default:
      return formatOffset(p.offsetMinutes, token);
  }
}

/** Formats `date` with a Go layout. `utc` selects UTC, otherwise the process's local zone. */
export function formatGoTime(date: Date, layout: string, utc = false): string {
  const p = partsOf(date, utc);
  return chunks(layout)
    .map((c) => {
      if ("literal" in c) return c.literal;
      if ("token" in c) return formatToken(c.token, p);
      const digits = pad(p.millisecond, 3).padEnd(9, "0").slice(0, c.fraction.length);
      const text = c.fraction[0] === "9" ? digits.replace(/0+$/, "") : digits;
      return text ? c.separator + text : "";
    })
    .join("");
}

const tokenPatterns: Record<string, string> = {
  January: `(${longMonths.join("|")})`,
  Jan: `(${longMonths.map((m) => m.slice(0, 3)).join("|")})`,
  Monday: `(?:${longDays.join("|")})`,
  Mon: `(?:${longDays.map((d) => d.slice(0, 3)).join("|")})`,
  MST: "([A-Z]{3,5}|[+-]\\d{4})",
  "2006": "(\\d{4})",
  "06": "(\\d{2})",
  "002": "(\\d{3})",
  __2: "( {0,2}\\d{1,3})",
  "01": "(\\d{2})",
  "1": "(\\d{1,2})",
  "02": "(\\d{2})",
  _2: "( ?\\d{1,2})",
  "2": "(\\d{1,2})",
  "15": "(\\d{1,2})",
  "03": "(\\d{2})",
  "3": "(\\d{1,2})",
  "04": "(\\d{2})",
  "4": "(\\d{1,2})",
  "05": "(\\d{2})",
  "5": "(\\d{1,2})",
  PM: "(AM|PM)",
  pm: "(am|pm)",
};

function offsetPattern(token: string): string {
  const body: Record<string, string> = {
    "07": "[+-]\\d{2}",
    "0700": "[+-]\\d{4}",
    "07:00": "[+-]\\d{2}:\\d{2}",
    "070000": "[+-]\\d{6}",
    "07:00:00": "[+-]\\d{2}:\\d{2}:\\d{2}",
  };
  const pattern = body[token.slice(1)];
  return token.startsWith("Z") ? `(Z|${pattern})` : `(${pattern})`;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Parses `text` with a Go layout (time.Parse): without a zone in the text the time is UTC, or local when
 * `local` is set. Throws an Error naming the text and layout when they do not match.
 */
export function parseGoTime(text: string, layout: string, local = false): Date {
  const parts = chunks(layout);
  const fields: string[] = [];
  let source = "^";
  parts.forEach((c, index) => {
    if ("literal" in c) source += escapeRegExp(c.literal);
    else if ("fraction" in c) {
      source += c.fraction[0] === "9" ? `(?:[.,](\\d+))?` : `[.,](\\d{${c.fraction.length}})`;
      fields.push("fraction");
    } else {
      source += tokenPatterns[c.token] ?? offsetPattern(c.token);
      if (!c.token.startsWith("Mon")) fields.push(c.token);
      // Go accepts a fractional second after the seconds element even when the layout has none.
      const next = parts[index + 1];
      if ((c.token === "05" || c.token === "5") && !(next && "fraction" in next)) {
        source += "(?:[.,](\\d+))?";
        fields.push("fraction");
      }
    }
  });
  const match = new RegExp(`${source}$`).exec(text);
  if (!match) throw new Error(`parsing time "${text}" as "${layout}": cannot parse`);
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let millisecond = 0;
  let pm: boolean | undefined;
  let offset: number | undefined;
  fields.forEach((field, i) => {
    const value = match[i + 1];
    if (value === undefined) return;
    const n = Number(value.trim());
    switch (field) {
      case "January":
        month = longMonths.indexOf(value) + 1;
        break;
      case "Jan":
        month = longMonths.findIndex((m) => m.startsWith(value)) + 1;
        break;
      case "2006":
        year = n;
        break;
      case "06":
        year = n >= 69 ? 1900 + n : 2000 + n;
        break;
      case "01":
      case "1":
        month = n;
        break;
      case "02":
      case "_2":
      case "2":
        day = n;
        break;
      case "15":
      case "03":
      case "3":
        hour = n;
        break;
      case "04":
      case "4":
        minute = n;
        break;
      case "05":
      case "5":
        second = n;
        break;
      case "PM":
      case "pm":
        pm = value.toUpperCase() === "PM";
        break;
      case "fraction":
        millisecond = Math.floor(Number(`0.${value}`) * 1000);
        break;
      case "MST":
        if (/^[+-]\d{4}$/.test(value)) offset = parseOffset(value);
        else if (value === "UTC" || value === "GMT") offset = 0;
        break;
      default:
        if (field.startsWith("-") || field.startsWith("Z")) offset = value === "Z" ? 0 : parseOffset(value);
    }
  });
  if (pm !== undefined) hour = (hour % 12) + (pm ? 12 : 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    throw new Error(`parsing time "${text}" as "${layout}": value out of range`);
  }
  if (offset === undefined) {
    return local
      ? new Date(year, month - 1, day, hour, minute, second, millisecond)
      : new Date(Date.UTC(year, month - 1, day, hour, minute, second, millisecond));
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millisecond) - offset * 60_000);
}

function parseOffset(value: string): number {
  const sign = value.startsWith("-") ? -1 : 1;
  const digits = value.slice(1).replaceAll(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
}
