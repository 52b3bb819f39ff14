/**
 * A form's closing row: its submit button, marked busy while the command is in flight and
 * aria-disabled (still focusable, so the keyboard never loses its place) while another runs.
 */
export function FormSubmit(props: {
  label: string;
  busyLabel: string;
  busy: boolean;
  blocked: boolean;
}) {
  const { label, busyLabel, busy, blocked } = props;
  return (
    <div className="row end">
      <button
        type="submit"
        className="button primary"
        aria-disabled={blocked || undefined}
        aria-busy={busy || undefined}
      >
        {busy ? busyLabel : label}
      </button>
    </div>
  );
}
