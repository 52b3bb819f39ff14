/**
 * What each answer to the away prompt means as journal actions, per service. Pure: the core
 * journals and sends what this returns.
 *
 *   keep              nothing
 *   discard           stop at `from`                                    (1 action)
 *   discard-continue  stop at `from`; start the same work at `to`       (2)
 *   split             stop at `from`; start “description” at `from`;
 *                     stop it at `to`; start the same work at `to`     (4)
 *   stop-now          stop now (a service that cannot record past times)
 *
 * "Continue" starts again at `to` — the moment the user came back — not at the moment they
 * answered: the minutes between are work, and the prompt may wait unanswered a while.
 * The away entry of a split keeps the project of the interrupted work (a meeting away from the
 * desk is usually for the same client) but not its task: the away time is not that task, and on
 * TrackingTime, where the description IS the task, keeping it would track “Lunch” as “Docs”.
 */
import { PROVIDER_NAMES, type AwayChoice, type Capabilities } from '../../preload/contract';
import { describeEntry } from '../../preload/format';
import type { StartWork } from '../journal/journal-schema';
import type { ActionDraft } from '../core/journal-actions';

export interface AwayOffer {
  choices: AwayChoice[];
  note: string | null;
}

export function awayOffer(provider: keyof typeof PROVIDER_NAMES, caps: Capabilities): AwayOffer {
  if (caps.backdate)
    return { choices: ['keep', 'discard', 'discard-continue', 'split'], note: null };
  return {
    choices: ['keep', 'stop-now'],
    note: `${PROVIDER_NAMES[provider]} records time as it passes: it cannot take back the time away, only stop now.`,
  };
}

const quote = (w: {
  description: string | null;
  projectName: string | null;
  taskName: string | null;
}) => `“${describeEntry(w)}”`;

export function planAway(
  choice: Exclude<AwayChoice, 'keep' | 'stop-now'>,
  work: StartWork,
  span: { from: number; to: number },
  description?: string,
): ActionDraft[] {
  const stopAtFrom: ActionDraft = {
    kind: 'stop',
    at: span.from,
    label: `Stop ${quote(work)}`,
    queueIfOffline: true,
  };
  const again: ActionDraft = {
    kind: 'start',
    at: span.to,
    work,
    label: `Start ${quote(work)}`,
    queueIfOffline: true,
  };
  if (choice === 'discard') return [stopAtFrom];
  if (choice === 'discard-continue') return [stopAtFrom, again];
  const awayWork: StartWork = {
    ...work,
    description: description?.trim() || null,
    taskId: null,
    taskName: null,
  };
  return [
    stopAtFrom,
    {
      kind: 'start',
      at: span.from,
      work: awayWork,
      label: `Start ${quote(awayWork)}`,
      queueIfOffline: true,
    },
    { kind: 'stop', at: span.to, label: `Stop ${quote(awayWork)}`, queueIfOffline: true },
    again,
  ];
}
