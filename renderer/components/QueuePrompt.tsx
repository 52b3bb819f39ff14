import type { AppError } from '../../preload/contract';

interface Props {
  /** The refusal with `queueable: true`: why it was not done, and what queueing would mean. */
  error: AppError;
  /** What is being decided, for screen readers: "Start “Docs”", "Stop “Docs”". */
  what: string;
  busy: boolean;
  blocked: boolean;
  onQueue(): void;
  onCancel(): void;
}

/**
 * A service that cannot record an action's time later (WebWork starts and stops "now") is
 * unreachable: nothing was queued, and the user decides, next to the button they pressed,
 * whether it should happen when the service is back, at that time.
 */
export function QueuePrompt({ error, what, busy, blocked, onQueue, onCancel }: Props) {
  return (
    <div className="confirm queue-prompt" role="group" aria-label={`${what} was not queued`}>
      <p className="error" role="alert">
        {error.message}
      </p>
      <div className="row end">
        <button type="button" className="button small" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="button small primary"
          aria-disabled={blocked || undefined}
          aria-busy={busy || undefined}
          onClick={() => {
            if (!blocked) onQueue();
          }}
          // The question just appeared under the button the user pressed: answer by keyboard.
          autoFocus
        >
          {busy ? 'Queueing…' : 'Queue anyway'}
        </button>
      </div>
    </div>
  );
}
