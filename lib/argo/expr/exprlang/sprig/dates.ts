/** Sprig's date functions: Go layouts, formatted in the local zone unless a zone is given. */
import { formatGoTime, parseGoTime, zeroTime } from "../gotime";
import { type ExprFunction, formatDuration } from "../values";
import { strval, toInt64, toTime } from "./convert";

export const dateFunctions: Record<string, ExprFunction> = {
  now: () => new Date(),
  date: (layout, d) => formatGoTime(toTime(d), strval(layout)),
  dateInZone: (layout, d, zone) => formatGoTime(toTime(d), strval(layout), /^(UTC|)$/i.test(strval(zone))),
  htmlDate: (d) => formatGoTime(toTime(d), "2006-01-02"),
  htmlDateInZone: (d, zone) => formatGoTime(toTime(d), "2006-01-02", /^(UTC|)$/i.test(strval(zone))),
  unixEpoch: (d) => String(Math.floor(toTime(d).getTime() / 1000)),
  duration: (seconds) => formatDuration(toInt64(seconds) * 1e9),
  ago: (d) => formatDuration(Math.round((Date.now() - toTime(d).getTime()) / 1000) * 1e9),
  toDate: (layout, s) => {
    try {
      return parseGoTime(strval(s), strval(layout), true);
    } catch {
      return new Date(zeroTime);
    }
  },
};
