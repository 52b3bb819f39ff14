import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type {
  AccountState,
  AppError,
  AwayChoice,
  CommandResult,
  EntryView,
  MemberView,
  PopupView,
  SettingsPatch,
  SettingsView,
  StartInput,
  TrayTimerApi,
} from '../preload/contract';
import { formatHoursMinutes } from '../preload/format';
import { AccountBanner } from './components/AccountBanner';
import { AwayPrompt } from './components/AwayPrompt';
import type { EntryChanges } from './components/EntryEditor';
import { PendingActions } from './components/PendingActions';
import { PomodoroLine } from './components/PomodoroLine';
import { PreferencesView } from './components/PreferencesView';
import type { ConnectTarget } from './components/ConnectAccountForm';
import { RecentList, continueKey } from './components/RecentList';
import { RunningEntry, liveElapsed } from './components/RunningEntry';
import { StartForm } from './components/StartForm';
import { TeamSection } from './components/TeamSection';
import { TrackForPicker } from './components/TrackForPicker';
import { BackIcon, GearIcon } from './components/icons';
import { failureOf, useCommands } from './hooks/useCommands';
import { useNow } from './hooks/useNow';
import { unreachable, useSnapshot } from './hooks/useSnapshot';
import { discardKey, retryKey } from './pending';
import { asSettingsView } from './settings-view';
import { asMembers } from './team-data';

type Running = AccountState & { entry: EntryView };
const isRunning = (a: AccountState): a is Running => a.running && a.entry !== null;
const hasError = (a: AccountState): a is AccountState & { error: AppError } => a.error !== null;

export function App({ api }: { api: TrayTimerApi }) {
  const { snapshot, loadError, accept } = useSnapshot(api);
  const commands = useCommands(accept);
  const [view, setView] = useState<PopupView>('timer');
  const [focusSignal, setFocusSignal] = useState(0);
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [settingsError, setSettingsError] = useState<string | null>(null);
  // Set by "Reconnect": Preferences opens with that service chosen in the connect form.
  const [connectFor, setConnectFor] = useState<ConnectTarget | null>(null);

  const contentRef = useRef<HTMLElement>(null);
  // Each view, and each showing of the popup, starts at the top: running timers and banners
  // first, not wherever the other view was scrolled to.
  useLayoutEffect(() => {
    contentRef.current?.scrollTo(0, 0);
  }, [view, focusSignal]);

  const running = snapshot?.accounts.filter(isRunning) ?? [];
  // A day total (no start time) changes a whole second after the snapshot it was read in.
  const anchor = Date.parse(running[0]?.entry.startedAt ?? snapshot?.at ?? '');
  const away = snapshot?.presence.away ?? null;
  const pomodoro = snapshot?.presence.pomodoro ?? null;
  const now = useNow(
    view === 'timer' && (running.length > 0 || pomodoro !== null),
    Number.isNaN(anchor) ? 0 : anchor,
  );
  // The total counts the user's own running entries as of the snapshot (not a member's tracker
  // shown through "Track for"); keep it moving with the clock.
  const today =
    (snapshot?.todaySeconds ?? 0) +
    running
      .filter((a) => a.actingFor === null)
      .reduce(
        (sum, a) =>
          sum + Math.max(0, liveElapsed(a.entry, snapshot?.at ?? '', now) - a.entry.elapsedSeconds),
        0,
      );

  const applySettings = useCallback((result: CommandResult) => {
    if (!result.ok) return setSettingsError(result.error.message);
    const parsed = asSettingsView(result.data);
    setSettings(parsed);
    setSettingsError(parsed ? null : 'Preferences could not be read: unexpected reply.');
  }, []);
  const settingsFailed = useCallback((error: unknown) => {
    setSettingsError(unreachable(error).message);
  }, []);
  const loadSettings = useCallback(
    () => api.getSettings().then(applySettings, settingsFailed),
    [api, applySettings, settingsFailed],
  );

  useEffect(() => {
    api.getSettings().then(applySettings, settingsFailed);
    return api.onShown((shown) => {
      setView(shown);
      setConnectFor(null); // from the tray or a hotkey: a plain Preferences, no reconnect

      if (shown === 'timer') setFocusSignal((n) => n + 1);
      else void loadSettings();
    });
  }, [api, applySettings, settingsFailed, loadSettings]);

  // Esc closes the popup unless a control used it first (recording a shortcut).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) api.hidePopup();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [api]);

  // data-theme="system" leaves it to prefers-color-scheme; light/dark force it (styles.css).
  const theme = settings?.theme ?? 'system';
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const update = useCallback(
    async (key: string, patch: SettingsPatch, done: string) => {
      const ok = await commands.run(key, () => api.updateSettings(patch), done);
      if (ok) await loadSettings();
      return ok;
    },
    [api, commands, loadSettings],
  );

  const openView = (next: PopupView) => {
    setView(next);
    if (next === 'timer') setFocusSignal((n) => n + 1);
    else void loadSettings();
  };
  const toggleView = () => {
    if (view === 'preferences') setConnectFor(null);
    openView(view === 'timer' ? 'preferences' : 'timer');
  };

  const blocked = commands.pending !== null;
  const guard = (fn: () => unknown) => () => {
    if (!blocked) void fn();
  };
  const start = (input: StartInput) =>
    commands.run('start', () => api.start(input), `Started ${input.description ?? 'the timer'}`);
  const stop = async (accountId: string, queueIfOffline?: true) => {
    const stopped = await commands.run(
      `stop:${accountId}`,
      () => api.stop(queueIfOffline ? { accountId, queueIfOffline } : { accountId }),
      'Stopped',
    );
    // The Stop button is gone: give the keyboard a sensible place to continue.
    if (stopped) setFocusSignal((n) => n + 1);
  };
  const continueEntry = (accountId: string, entryId: string, queueIfOffline?: true) =>
    commands.run(
      continueKey(accountId, entryId),
      () =>
        api.continueEntry(
          queueIfOffline ? { accountId, entryId, queueIfOffline } : { accountId, entryId },
        ),
      'Continued',
    );
  const several = (snapshot?.accounts.length ?? 0) > 1;
  const resolveAway = async (promptId: string, choice: AwayChoice, description?: string) => {
    const input =
      description === undefined ? { promptId, choice } : { promptId, choice, description };
    // The prompt (and the focus in it) goes away: back to the start form.
    if (await commands.run('away.resolve', () => api.resolveAway(input), 'Done'))
      setFocusSignal((n) => n + 1);
  };
  const updateKey = (accountId: string, part: 'edit' | 'start') =>
    `entry.update:${accountId}:${part}`;
  const updateEntry = (accountId: string, part: 'edit' | 'start', changes: EntryChanges) =>
    commands.run(
      updateKey(accountId, part),
      () => api.updateEntry({ accountId, ...changes }),
      part === 'start' ? 'Start time changed' : 'Saved',
    );

  const searchMembers = useCallback(
    async (accountId: string, query: string): Promise<MemberView[] | { error: string }> => {
      try {
        const result = await api.searchMembers({ accountId, query });
        if (!result.ok) return { error: result.error.message };
        return asMembers(result.data) ?? { error: 'Members could not be read: unexpected reply.' };
      } catch (error: unknown) {
        return { error: unreachable(error).message };
      }
    },
    [api],
  );
  const loadTeam = useCallback(
    async (accountId: string, refresh: boolean) => {
      const result = await api.team(refresh ? { accountId, refresh } : { accountId });
      if (result.snapshot) accept(result.snapshot);
      return result;
    },
    [api, accept],
  );
  const teamAccounts = snapshot?.accounts.filter((a) => a.capabilities.members) ?? [];
  // Accounts showing a member's tracker that is not running: the idle card says whose it is.
  const idleFor = (snapshot?.accounts ?? []).filter((a) => a.actingFor && !isRunning(a));

  return (
    <div className="app">
      <header className="header">
        <h1 className="title">{view === 'timer' ? 'Tray Timer' : 'Preferences'}</h1>
        <button
          type="button"
          className="icon-button"
          onClick={toggleView}
          aria-label={view === 'timer' ? 'Preferences' : 'Back to the timer'}
          title={view === 'timer' ? 'Preferences' : 'Back'}
        >
          {view === 'timer' ? <GearIcon /> : <BackIcon />}
        </button>
      </header>

      <main className="content" ref={contentRef}>
        {loadError && (
          <p className="notice error" role="alert">
            {loadError.message}
          </p>
        )}
        {!snapshot && !loadError && <p className="empty">Loading…</p>}
        {snapshot && view === 'timer' && (
          <>
            {snapshot.notices.length > 0 && (
              <ul className="notices" aria-label="Notices">
                {snapshot.notices.map((n) => (
                  <li key={n.id} className={`notice ${n.level}`}>
                    {n.message}
                  </li>
                ))}
              </ul>
            )}
            {away && (
              <AwayPrompt
                key={away.id}
                away={away}
                several={several}
                busy={commands.pending === 'away.resolve'}
                blocked={blocked}
                error={failureOf(commands, 'away.resolve')}
                focusSignal={focusSignal}
                onResolve={(choice, description) =>
                  guard(() => resolveAway(away.id, choice, description))()
                }
              />
            )}
            {/* Each account's area: its trouble on top, then its running entry. */}
            {snapshot.accounts.map((account) => (
              <Fragment key={account.id}>
                {hasError(account) && (
                  <AccountBanner
                    account={account}
                    onReconnect={() => {
                      setConnectFor({ provider: account.provider, accountId: account.id });
                      openView('preferences');
                    }}
                  />
                )}
                {isRunning(account) && (
                  <RunningEntry
                    account={account}
                    snapshotAt={snapshot.at}
                    now={now}
                    busy={commands.pending === `stop:${account.id}`}
                    blocked={blocked}
                    error={failureOf(commands, `stop:${account.id}`)}
                    onStop={guard(() => stop(account.id))}
                    onQueueStop={guard(() => stop(account.id, true))}
                    onDismiss={commands.dismiss}
                    updating={
                      commands.pending === updateKey(account.id, 'edit')
                        ? 'edit'
                        : commands.pending === updateKey(account.id, 'start')
                          ? 'start'
                          : null
                    }
                    editError={failureOf(commands, updateKey(account.id, 'edit'))}
                    startError={failureOf(commands, updateKey(account.id, 'start'))}
                    onUpdate={(part, changes) => updateEntry(account.id, part, changes)}
                  />
                )}
              </Fragment>
            ))}
            {running.length === 0 && (
              <section className="card idle" aria-label="Timer">
                <p className="clock idle-clock" data-testid="clock">
                  0:00:00
                </p>
                <p className="muted">Not tracking</p>
              </section>
            )}
            {pomodoro && <PomodoroLine pomodoro={pomodoro} snapshotAt={snapshot.at} now={now} />}
            {snapshot.accounts.map((account) => (
              <PendingActions
                key={account.id}
                account={account}
                several={several}
                pending={commands.pending}
                blocked={blocked}
                failure={commands.failure}
                onRetry={(actionId, override) =>
                  guard(() =>
                    commands.run(retryKey(actionId), () =>
                      api.retryAction(override ? { actionId, override } : { actionId }),
                    ),
                  )()
                }
                onDiscard={(actionId) =>
                  guard(async () => {
                    // The row (and its buttons) goes away: keep the keyboard in the popup.
                    if (
                      await commands.run(discardKey(actionId), () =>
                        api.discardAction({ actionId }),
                      )
                    )
                      setFocusSignal((n) => n + 1);
                  })()
                }
              />
            ))}
            {idleFor.map((a) => (
              <p key={a.id} className="hint whose-idle">
                {a.actingFor?.name}’s tracker is stopped
                {snapshot.accounts.length > 1 ? ` (${a.label})` : ''}.
              </p>
            ))}
            <StartForm
              accounts={snapshot.accounts}
              defaultAccountId={snapshot.defaultAccountId}
              focusSignal={focusSignal}
              yieldFocus={away !== null}
              busy={commands.pending === 'start'}
              blocked={blocked}
              error={failureOf(commands, 'start')}
              onStart={start}
              onDismiss={commands.dismiss}
              renderTrackFor={(account, memberError) => (
                <TrackForPicker
                  key={account.id}
                  id={`track-for-${account.id}`}
                  actingFor={account.actingFor}
                  busy={commands.pending === `trackFor:${account.id}`}
                  blocked={blocked}
                  error={
                    memberError ?? failureOf(commands, `trackFor:${account.id}`)?.message ?? null
                  }
                  search={(query) => searchMembers(account.id, query)}
                  onChoose={(member) =>
                    void commands.run(
                      `trackFor:${account.id}`,
                      () => api.trackFor({ accountId: account.id, member: member?.id ?? null }),
                      member ? `Tracking for ${member.name}` : 'Tracking for yourself',
                    )
                  }
                />
              )}
            />
            {teamAccounts.map((a) => (
              <TeamSection
                key={a.id}
                label={teamAccounts.length > 1 ? a.label : null}
                load={(refresh) => loadTeam(a.id, refresh)}
              />
            ))}
            <RecentList
              accounts={snapshot.accounts}
              pending={commands.pending}
              blocked={blocked}
              error={commands.failure}
              onContinue={(accountId, entryId) => guard(() => continueEntry(accountId, entryId))()}
              onQueueContinue={(accountId, entryId) =>
                guard(() => continueEntry(accountId, entryId, true))()
              }
              onDismiss={commands.dismiss}
            />
          </>
        )}
        {snapshot && view === 'preferences' && (
          <PreferencesView
            accounts={snapshot.accounts}
            notices={snapshot.notices}
            idleSource={snapshot.presence.idle}
            settings={settings}
            settingsError={settingsError}
            commands={commands}
            update={update}
            connectFor={connectFor}
            onAddAccount={async (input, replacing) => {
              let message = '';
              // Reconnecting gives the failing account the new token in place: same id (what
              // `--account` scripts use), same default role, one command.
              const ok = await commands.run('accounts:add', async () => {
                const result = await api.addAccount(
                  replacing ? { ...input, replaceAccountId: replacing.id } : input,
                );
                if (result.ok) message = result.message ?? 'Connected.';
                return result;
              });
              if (ok) await loadSettings();
              return ok ? message : null;
            }}
            onRemoveAccount={async (accountId) => {
              const ok = await commands.run(`accounts:remove:${accountId}`, () =>
                api.removeAccount(accountId),
              );
              if (ok) await loadSettings();
              return ok;
            }}
          />
        )}
      </main>

      <footer className="footer">
        <span className="today">
          Today <strong data-testid="today">{formatHoursMinutes(today)}</strong>
        </span>
        <span className="status" role="status" aria-live="polite">
          {commands.status}
        </span>
      </footer>
    </div>
  );
}
