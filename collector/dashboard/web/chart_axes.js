// The axes of the spend chart: every period of the chosen range at the chosen
// granularity (UTC, as the report's date keys), the time ticks that label
// them without crowding, and value ticks that are distinct, rounded numbers.

const DAY_MS = 86400e3;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// "2026-03-01", "2026-W09" or "2026-03" -> milliseconds at the period's start (UTC).
export function periodStartMs(key, gran) {
  if (gran === 'week') {
    const [y, w] = key.split('-W').map(Number);
    const jan4 = Date.UTC(y, 0, 4);
    const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
    return monday + (w - 1) * 7 * DAY_MS;
  }
  if (gran === 'month') {
    const [y, m] = key.split('-').map(Number);
    return Date.UTC(y, m - 1, 1);
  }
  const [y, m, d] = key.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
}

const pad = (n) => String(n).padStart(2, '0');

// The key of the period holding the instant `ms` (ISO weeks, Monday first).
export function periodKeyAt(ms, gran) {
  const t = new Date(ms);
  if (gran === 'month') return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}`;
  if (gran === 'week') {
    // The ISO week's year is the year of its Thursday.
    const thursday = new Date(ms + (3 - ((t.getUTCDay() + 6) % 7)) * DAY_MS);
    const year = thursday.getUTCFullYear();
    const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
    return `${year}-W${pad(week)}`;
  }
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

// Milliseconds at the start of the period after the one starting at `startMs`.
export function nextPeriodMs(startMs, gran) {
  if (gran === 'week') return startMs + 7 * DAY_MS;
  if (gran === 'month') {
    const t = new Date(startMs);
    return Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1);
  }
  return startMs + DAY_MS;
}

// Every period from the one holding `since` to the one holding `until` (dates,
// both included); a missing end is the first or last period with data.
// Returns [{key, start, end}] in milliseconds, end exclusive.
export function periodsOfRange(since, until, dataKeys, gran) {
  const starts = dataKeys.map((k) => periodStartMs(k, gran));
  const from = since ? periodStartMs(periodKeyAt(Date.parse(`${since}T00:00:00Z`), gran), gran) : Math.min(...starts);
  const to = until ? periodStartMs(periodKeyAt(Date.parse(`${until}T00:00:00Z`), gran), gran) : Math.max(...starts);
  const out = [];
  for (let s = from; s <= to && out.length < 20000; s = nextPeriodMs(s, gran))
    out.push({ key: periodKeyAt(s, gran), start: s, end: nextPeriodMs(s, gran) });
  return out;
}

// A tick's text: "Mar 1" for a day or a week (its Monday), "Mar 2026" for a month.
export function periodLabel(startMs, gran) {
  const t = new Date(startMs);
  if (gran === 'month') return `${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()}`;
  return `${MONTHS[t.getUTCMonth()]} ${t.getUTCDate()}`;
}

// The years a range covers, for the axis title: "2026" or "2025–2026".
export function yearsOf(periods) {
  const first = new Date(periods[0].start).getUTCFullYear();
  const last = new Date(periods[periods.length - 1].end - 1).getUTCFullYear();
  return first === last ? String(first) : `${first}–${last}`;
}

// How many periods one label may stand for, in steps a reader counts in.
const STEPS = { day: [1, 2, 7, 14, 28, 56, 91, 182, 364], week: [1, 2, 4, 8, 13, 26, 52], month: [1, 2, 3, 6, 12, 24] };

// The labelled periods: every k-th one from the first, k the smallest step
// at which labels `labelPx` wide (plus a gap) fit into `plotPx`. Each tick is
// at its period's middle, under its bar, so first and last lie inside the range.
export function timeTicks(periods, gran, plotPx, labelPx, gapPx = 16) {
  const per = plotPx / Math.max(1, periods.length);
  const steps = STEPS[gran] || STEPS.day;
  let k = steps.find((s) => s * per >= labelPx + gapPx);
  if (k === undefined) k = Math.ceil((labelPx + gapPx) / per);
  const ticks = [];
  for (let i = 0; i < periods.length; i += k) {
    const p = periods[i];
    ticks.push({ index: i, at: (p.start + p.end) / 2, text: periodLabel(p.start, gran) });
  }
  return ticks;
}

// A "nice" step near `raw`: 1, 2, 2.5 or 5 times a power of ten.
function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  const m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return m * power;
}

// Value ticks from 0 up to at least `max`, about `count` of them, on a nice
// step (whole numbers when `integer`); `decimals` is how many a label needs
// to tell each tick from the next.
export function valueTicks(max, count, integer) {
  let step = max > 0 ? niceStep(max / Math.max(1, count)) : 1;
  if (integer) step = Math.max(1, step === 2.5 ? 2 : step);  // no half tokens
  const exp = Math.floor(Math.log10(step) + 1e-9);
  const mantissa = step / 10 ** exp;  // 1, 2, 2.5 or 5
  const decimals = Math.max(0, -exp + (Math.abs(mantissa - Math.round(mantissa)) > 1e-6 ? 1 : 0));
  const n = Math.max(1, Math.ceil(max / step - 1e-9));
  const ticks = [];
  for (let i = 0; i <= n; ++i) ticks.push(Number((i * step).toFixed(decimals)));
  return { ticks, top: ticks[ticks.length - 1], step, decimals };
}
