/**
 * TrackingTime speaks local wall-clock strings ("2026-11-27 10:00:00") in the USER's time zone,
 * not the machine's. These convert between such strings and epoch ms with Intl's zone data, so
 * elapsed time is right on a laptop in New York for an account set to Madrid. Zones may be IANA
 * names ("Europe/Madrid") or fixed offsets as TrackingTime also writes them ("GMT+03:00").
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function fixedOffsetMs(zone: string): number | null {
  const m = /^(?:GMT|UTC)?\s*([+-])(\d{1,2}):?(\d{2})?$/i.exec(zone.trim());
  if (!m) return /^(GMT|UTC|Z)$/i.test(zone.trim()) ? 0 : null;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000;
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether Intl (or the fixed-offset form) knows this zone. */
export function isKnownZone(zone: string): boolean {
  if (fixedOffsetMs(zone) !== null) return true;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at `epoch`, in ms (Madrid in winter: +3 600 000). */
export function zoneOffsetMs(epoch: number, zone: string): number {
  const fixed = fixedOffsetMs(zone);
  if (fixed !== null) return fixed;
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(epoch))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts['year']),
    Number(parts['month']) - 1,
    Number(parts['day']),
    Number(parts['hour']),
    Number(parts['minute']),
    Number(parts['second']),
  );
  return asUtc - Math.floor(epoch / 1000) * 1000;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * "yyyy-MM-dd HH:mm:ss" in `zone` → epoch ms; null when the text is not such a date. In the
 * hour skipped by a spring-forward the later offset wins; in the repeated autumn hour the first.
 */
export function localToEpoch(local: string, zone: string): number | null {
  const m = LOCAL.exec(local.trim());
  if (!m) return null;
  const wall = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
  );
  if (Number.isNaN(wall)) return null;
  // Two passes: the offset at the first guess may differ from the offset at the answer (DST).
  const first = wall - zoneOffsetMs(wall, zone);
  const second = wall - zoneOffsetMs(first, zone);
  if (second === first) return first;
  const third = wall - zoneOffsetMs(second, zone);
  return third === second ? second : Math.max(first, second);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Epoch ms → "yyyy-MM-dd HH:mm:ss" on the wall clocks of `zone` (whole seconds). */
export function epochToLocal(epoch: number, zone: string): string {
  const d = new Date(Math.floor(epoch / 1000) * 1000 + zoneOffsetMs(epoch, zone));
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** Epoch ms → "yyyy-MM-dd" (the day in `zone`). */
export function epochToLocalDay(epoch: number, zone: string): string {
  return epochToLocal(epoch, zone).slice(0, 10);
}
