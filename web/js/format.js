// Numbers, money and times the way a person reads them.

const moneyFormats = new Map();

// 123456 cents -> "$1,234.56" (whole amounts drop the cents).
export function money(cents, currency = 'USD') {
  if (cents === null || cents === undefined) return '—';
  const whole = cents % 100 === 0;
  const key = `${currency}:${whole}`;
  let fmt = moneyFormats.get(key);
  if (!fmt) {
    try {
      fmt = new Intl.NumberFormat('en-US', {
        style: 'currency', currency,
        minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2});
    } catch {
      fmt = {format: (v) => `${v.toFixed(whole ? 0 : 2)} ${currency}`};
    }
    moneyFormats.set(key, fmt);
  }
  return fmt.format(cents / 100);
}

// A job's budget: "$500 – $1,000 fixed", "$40/hour".
export function budget(job) {
  const cur = job.currency || 'USD';
  const lo = job.budget_min_cents, hi = job.budget_max_cents;
  let text;
  if (lo === null && hi === null) text = 'Budget not given';
  else if (lo === null || hi === null || lo === hi) text = money(lo ?? hi, cur);
  else text = `${money(lo, cur)} – ${money(hi, cur)}`;
  if (lo === null && hi === null) return text;
  return job.budget_type === 'hourly' ? `${text} an hour` : `${text} fixed price`;
}

export function count(n) {
  return new Intl.NumberFormat('en-US').format(n);
}

export function plural(n, one, many) {
  return `${count(n)} ${n === 1 ? one : many}`;
}

// "3 days ago", "just now"; the exact time goes in a title attribute.
export function ago(iso, now = Date.now()) {
  if (!iso) return '';
  const secs = Math.round((now - Date.parse(iso)) / 1000);
  if (secs < 60) return 'just now';
  const steps = [[60, 'minute'], [3600, 'hour'], [86400, 'day'],
                 [86400 * 30, 'month'], [86400 * 365, 'year']];
  let unit = steps[0];
  for (const step of steps) if (secs >= step[0]) unit = step;
  const n = Math.floor(secs / unit[0]);
  return `${n} ${unit[1]}${n === 1 ? '' : 's'} ago`;
}

export function date(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleDateString('en-US', {
    year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC'});
}

export function rating(r) {
  if (!r || r.average === null || r.average === undefined) return 'No reviews yet';
  return `${Number(r.average).toFixed(2)} ★ (${plural(r.count, 'review', 'reviews')})`;
}

export const levels = {entry: 'Entry level', intermediate: 'Intermediate',
                       expert: 'Expert'};

export function titleCase(s) {
  return s ? s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' ') : '';
}

// "250" or "99.5" dollars -> cents; NaN when it is not an amount.
export function toCents(text) {
  const t = String(text).trim().replace(/[$,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return NaN;
  return Math.round(Number(t) * 100);
}
