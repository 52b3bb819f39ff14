/**
 * CoreOptions.notify on the fake Notification: what the OS is asked to show, replacement by id,
 * clicks, and the unsupported case.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

const { fake, resetFake, Notification } = await import('../fakes/electron');
const { createNotifier } = await import('../../main/shell/notifier');

let showPopup: ReturnType<typeof vi.fn<() => void>>;

beforeEach(() => {
  resetFake();
  showPopup = vi.fn<() => void>();
});
afterEach(() => vi.restoreAllMocks());

const away = {
  id: 'away',
  title: 'You were away',
  body: 'You were away 10:42–11:57 (1 h 15 min). What should happen with that time?',
};

describe('notifier', () => {
  it('shows a silent, normal-urgency notification with the given title and body', () => {
    createNotifier({ showPopup }).notify(away);
    expect(fake.notifications).toHaveLength(1);
    const [shown] = fake.notifications;
    expect(shown?.shown).toBe(true);
    // Exactly these options: no sound, no 'critical' (it gets through do-not-disturb), no
    // Windows toastXml or actions that could change how the OS treats it.
    expect(shown?.options).toEqual({
      title: away.title,
      body: away.body,
      silent: true,
      urgency: 'normal',
    });
  });

  it('passes an icon when given one (Linux daemons show it)', () => {
    createNotifier({
      showPopup,
      icon: '/opt/Tray Timer/resources/assets/tray/tray-idle@2x.png',
    }).notify(away);
    expect(fake.notifications[0]?.options.icon).toBe(
      '/opt/Tray Timer/resources/assets/tray/tray-idle@2x.png',
    );
  });

  it('the same id replaces the earlier notification; another id stays', () => {
    const notifier = createNotifier({ showPopup });
    notifier.notify({ id: 'pomodoro', title: 'Break', body: 'Take 5 minutes.' });
    notifier.notify({ id: 'reminder', title: "You're not tracking", body: 'Start a timer?' });
    notifier.notify({ id: 'pomodoro', title: 'Back to work', body: '25 minutes.' });
    const [firstPomodoro, reminder, secondPomodoro] = fake.notifications;
    expect(firstPomodoro?.closed).toBe(true);
    expect(reminder?.shown).toBe(true);
    expect(secondPomodoro?.shown).toBe(true);
    expect(fake.notifications.filter((n) => n.shown).map((n) => n.title)).toEqual([
      "You're not tracking",
      'Back to work',
    ]);
  });

  it('a click opens the popup; a click on a replaced one does nothing', () => {
    const notifier = createNotifier({ showPopup });
    notifier.notify(away);
    notifier.notify({ ...away, body: 'You were away 10:42–12:03 (1 h 21 min).' });
    fake.notifications[0]?.click();
    expect(showPopup).not.toHaveBeenCalled();
    fake.notifications[1]?.click();
    expect(showPopup).toHaveBeenCalledTimes(1);
  });

  it('keeps a reference after the banner times out, so a later click still works', () => {
    const notifier = createNotifier({ showPopup });
    notifier.notify(away);
    const [shown] = fake.notifications;
    shown?.timeOut();
    // What holds it: the notifier (not the test's array). A replacement closes it, which shows
    // the notifier still had it after the time-out.
    notifier.notify({ ...away, body: 'later' });
    expect(shown?.closed).toBe(true);
    shown?.click();
    expect(showPopup).not.toHaveBeenCalled();
    fake.notifications[1]?.timeOut();
    fake.notifications[1]?.click();
    expect(showPopup).toHaveBeenCalledTimes(1);
  });

  it('shows nothing where notifications are unsupported, and says so once in the log', () => {
    Notification.supported = false;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const notifier = createNotifier({ showPopup });
    notifier.notify(away);
    notifier.notify({ ...away, id: 'reminder' });
    expect(fake.notifications).toHaveLength(0);
    expect(showPopup).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('a notification the OS refused (failed) is logged and forgotten', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const notifier = createNotifier({ showPopup });
    notifier.notify(away);
    fake.notifications[0]?.emit('failed', {}, 'Notifications are disabled for this app');
    expect(warn.mock.calls[0]?.[0]).toContain('Notifications are disabled for this app');
    notifier.notify(away);
    // Forgotten: the failed one is not "replaced" (closed) again.
    expect(fake.notifications[0]?.closed).toBe(false);
  });

  it('dispose closes what is still on screen', () => {
    const notifier = createNotifier({ showPopup });
    notifier.notify(away);
    notifier.notify({ id: 'reminder', title: 'r', body: 'r' });
    notifier.dispose();
    expect(fake.notifications.every((n) => n.closed)).toBe(true);
  });
});
