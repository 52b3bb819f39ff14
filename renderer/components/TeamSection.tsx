import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { CommandResult, MemberStatus, TeamGlance } from '../../preload/contract';
import { formatClockTime, formatHoursMinutes, plural } from '../../preload/format';
import { useNow } from '../hooks/useNow';
import { unreachable } from '../hooks/useSnapshot';
import { asTeamGlance } from '../team-data';

/**
 * While the section is open the glance is asked for again this often. The core reads members
 * within WebWork's rate budget whatever we ask; asking more often would only repeat its answer.
 */
export const TEAM_POLL_MS = 60_000;

interface Props {
  /** The account's label, when there are several accounts with a team. */
  label: string | null;
  /** Asks the core for the glance; `refresh`: the user pressed Refresh. */
  load(refresh: boolean): Promise<CommandResult>;
}

/** "42 s ago", "3 min ago", "1 h 5 min ago". */
export function ago(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.floor(m / 60)} h ${m % 60} min ago`;
}

/** A member's today total, grown since it was read while their tracker runs. */
function liveToday(m: MemberStatus, now: number): number {
  const read = Date.parse(m.checkedAt ?? '');
  if (!m.entry || Number.isNaN(read)) return m.todaySeconds;
  return m.todaySeconds + Math.max(0, Math.floor((now - read) / 1000));
}

/**
 * The team glance (WebWork owners and executive managers): who is tracking now, on what, and
 * for how long today. Collapsed by default; open, it asks for the glance at once and every
 * TEAM_POLL_MS, and stops asking as soon as it is closed or the popup is hidden.
 */
export function TeamSection({ label, load }: Props) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [glance, setGlance] = useState<TeamGlance | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const inFlight = useRef(false);
  const now = useNow(open && glance !== null);
  // The parent passes a new function each render; the polling must not restart with it.
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  const ask = useCallback(async (refresh: boolean) => {
    // A poll never overlaps another; the user's Refresh always goes through.
    if (inFlight.current && !refresh) return;
    inFlight.current = true;
    if (refresh) setRefreshing(true);
    try {
      const result = await loadRef.current(refresh);
      if (!result.ok) return setError(result.error.message);
      const parsed = asTeamGlance(result.data);
      setGlance(parsed);
      setError(parsed ? null : 'The team could not be read: unexpected reply.');
    } catch (e: unknown) {
      setError(unreachable(e).message);
    } finally {
      inFlight.current = false;
      setRefreshing(false);
    }
  }, []);

  // Opening asks at once (the click handler); while open, again every TEAM_POLL_MS.
  useEffect(() => {
    if (!open) return;
    const timer = window.setInterval(() => {
      // A hidden popup asks nothing: nobody is looking.
      if (document.visibilityState === 'visible') void ask(false);
    }, TEAM_POLL_MS);
    return () => window.clearInterval(timer);
  }, [open, ask]);

  const tracking = glance?.members.filter((m) => m.entry !== null && m.error === null) ?? [];
  const idle =
    glance?.members.filter((m) => m.entry === null && m.checkedAt !== null && m.error === null) ??
    [];
  const failed = glance?.members.filter((m) => m.error !== null) ?? [];
  const checked = (glance?.members ?? [])
    .map((m) => Date.parse(m.checkedAt ?? ''))
    .filter((t) => !Number.isNaN(t));
  // The oldest read: everything shown is at least this fresh.
  const oldest = checked.length > 0 ? Math.min(...checked) : null;
  const title = label ? `Team · ${label}` : 'Team';

  return (
    <section className="team" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="section-title">
        <button
          type="button"
          className="disclosure"
          aria-expanded={open}
          aria-controls={`${id}-body`}
          onClick={() => {
            if (!open) void ask(false);
            setOpen(!open);
          }}
        >
          <span className="chevron" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
          {title}
        </button>
      </h2>
      <div id={`${id}-body`} className="team-body" hidden={!open}>
        {open && glance === null && !error && <p className="empty">Reading the team…</p>}
        {open && glance !== null && (
          <>
            {tracking.length === 0 ? (
              <p className="empty">Nobody is tracking right now.</p>
            ) : (
              <ul className="team-list" aria-label="Members tracking now">
                {tracking.map((m) => {
                  const e = m.entry;
                  const where = [e?.projectName, e?.taskName].filter(Boolean).join(' / ');
                  const what = [e?.description?.trim(), where].filter(Boolean).join(' — ');
                  return (
                    <li key={m.member.id} className="team-item" aria-label={m.member.name}>
                      <div className="team-text">
                        <span className="team-name">{m.member.name}</span>
                        <span className="team-what">{what || '(no description)'}</span>
                      </div>
                      <span className="team-today" title="Today’s total">
                        {formatHoursMinutes(liveToday(m, now))}
                        <span className="visually-hidden"> today</span>
                      </span>
                    </li>
                  );
                })}
              </ul>
            )}
            {failed.length > 0 && (
              <ul className="team-errors" aria-label="Members that could not be read">
                {failed.map((m) => (
                  <li key={m.member.id} className="error">
                    {m.member.name}: {m.error?.message}
                  </li>
                ))}
              </ul>
            )}
            <p className="team-summary" data-testid="team-summary">
              {plural(idle.length, 'member', 'members')} not tracking
              {oldest !== null && <> · checked {ago((now - oldest) / 1000)}</>}
            </p>
            {glance.unchecked > 0 && (
              <p className="hint" data-testid="team-waiting">
                {plural(glance.unchecked, 'member', 'members')} waiting for the rate budget
                {glance.nextCheckAt
                  ? ` — next check at ${formatClockTime(glance.nextCheckAt) ?? '?'}`
                  : ''}
              </p>
            )}
          </>
        )}
        {open && error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {open && (
          <div className="row end">
            <button
              type="button"
              className="button small"
              aria-busy={refreshing || undefined}
              onClick={() => void ask(true)}
            >
              {refreshing ? 'Refreshing…' : 'Refresh'}
            </button>
          </div>
        )}
      </div>
    </section>
  );
}
