/**
 * Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"), used by sprig's date functions and
 * time.Time.Format in expressions. Hand-written: no JS library speaks Go layouts.
 */

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

function formatOffset(offsetMinutes: number, style: string): string {
  if (style.startsWith("Z") && offsetMinutes === 0) return "Z";
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const hh = pad(Math.floor(abs / 60), 2);
  const mm = pad(abs % 60, 2);
  const body = style.replace(/^Z/, "-");
  switch (body) {
    case "-07":
      return `${sign}${hh}`;
    case "-0700":
      return `${sign}${hh}${mm}`;
    case "-07:00":
      return `${sign}${hh}:${mm}`;
    case "-070000":
      return `${sign}${hh}${mm}00`;
    default:
      return `${sign}${hh}:${mm}:00`;
  }
}

const offsetTokens = ["-07:00:00", "-070000", "-07:00", "-0700", "-07"];

/** Formats `date` with a Go layout. `utc` selects UTC, otherwise the process's local zone. */
export function formatGoTime(date: Date, layout: string, utc = false): string {
  const p = partsOf(date, utc);
  let out = "";
  let i = 0;
  const starts = (token: string) => layout.startsWith(token, i);
  const emit = (token: string, text: string) => {
    out += text;
    i += token.length;
  };
  while (i < layout.length) {
    const c = layout[i];
    if (c === "J" && starts("January")) emit("January", longMonths[p.month - 1]);
    else if (c === "J" && starts("Jan")) emit("Jan", longMonths[p.month - 1].slice(0, 3));
    else if (c === "M" && starts("Monday")) emit("Monday", longDays[p.weekday]);
    else if (c === "M" && starts("Mon")) emit("Mon", longDays[p.weekday].slice(0, 3));
    else if (c === "M" && starts("MST"))
      emit("MST", p.offsetMinutes === 0 ? "UTC" : formatOffset(p.offsetMinutes, "-0700"));
    else if (c === "0" && starts("002")) emit("002", pad(p.yearDay, 3));
    else if (c === "0" && starts("01")) emit("01", pad(p.month, 2));
    else if (c === "0" && starts("02")) emit("02", pad(p.day, 2));
    else if (c === "0" && starts("03")) emit("03", pad(p.hour % 12 === 0 ? 12 : p.hour % 12, 2));
    else if (c === "0" && starts("04")) emit("04", pad(p.minute, 2));
    else if (c === "0" && starts("05")) emit("05", pad(p.second, 2));
    else if (c === "0" && starts("06")) emit("06", pad(p.year % 100, 2));
    else if (c === "1" && starts("15")) emit("15", pad(p.hour, 2));
    else if (c === "1") emit("1", String(p.month));
    else if (c === "2" && starts("2006")) emit("2006", pad(p.year, 4));
    else if (c === "2") emit("2", String(p.day));
    else if (c === "_" && starts("_2006")) emit("_2006", `_${pad(p.year, 4)}`);
    else if (c === "_" && starts("__2")) emit("__2", pad(p.yearDay, 3, " "));
    else if (c === "_" && starts("_2")) emit("_2", pad(p.day, 2, " "));
    else if (c === "3") emit("3", String(p.hour % 12 === 0 ? 12 : p.hour % 12));
    else if (c === "4") emit("4", String(p.minute));
    else if (c === "5") emit("5", String(p.second));
    else if (c === "P" && starts("PM")) emit("PM", p.hour >= 12 ? "PM" : "AM");
    else if (c === "p" && starts("pm")) emit("pm", p.hour >= 12 ? "pm" : "am");
    else if ((c === "-" || c === "Z") && offsetTokens.some((t) => starts(c + t.slice(1)))) {
      const token = c + offsetTokens.find((t) => starts(c + t.slice(1)))!.slice(1);
      emit(token, formatOffset(p.offsetMinutes, token));
    } else if ((c === "." || c === ",") && /^[.,](0+|9+)(?![0-9])/.test(layout.slice(i))) {
      const digits = /^[.,](0+|9+)/.exec(layout.slice(i))![1];
      const fraction = pad(p.millisecond, 3).padEnd(9, "0").slice(0, digits.length);
      const text = digits[0] === "9" ? fraction.replace(/0+$/, "") : fraction;
      emit(c + digits, text ? c + text : "");
    } else emit(c, c);
  }
  return out;
}
