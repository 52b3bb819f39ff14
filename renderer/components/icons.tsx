/** Inline SVG icons: no icon font, no extra requests, and they take the text colour. */
interface IconProps {
  size?: number;
}

const common = (size: number) => ({
  width: size,
  height: size,
  viewBox: '0 0 16 16',
  'aria-hidden': true,
  focusable: false,
});

export function PlayIcon({ size = 14 }: IconProps) {
  return (
    <svg {...common(size)}>
      <path
        d="M5 3.2v9.6a.6.6 0 0 0 .92.5l7.3-4.8a.6.6 0 0 0 0-1L5.92 2.7A.6.6 0 0 0 5 3.2Z"
        fill="currentColor"
      />
    </svg>
  );
}

export function StopIcon({ size = 14 }: IconProps) {
  return (
    <svg {...common(size)}>
      <rect x="3.5" y="3.5" width="9" height="9" rx="1.6" fill="currentColor" />
    </svg>
  );
}

export function GearIcon({ size = 16 }: IconProps) {
  return (
    <svg {...common(size)}>
      <path
        fill="currentColor"
        fillRule="evenodd"
        d="M6.9 1h2.2l.35 1.8c.4.14.78.33 1.13.56l1.72-.64 1.1 1.9-1.38 1.2a4.7 4.7 0 0 1 0 1.36l1.38 1.2-1.1 1.9-1.72-.64c-.35.23-.73.42-1.13.56L9.1 15H6.9l-.35-1.8a4.9 4.9 0 0 1-1.13-.56l-1.72.64-1.1-1.9 1.38-1.2a4.7 4.7 0 0 1 0-1.36L2.6 5.62l1.1-1.9 1.72.64c.35-.23.73-.42 1.13-.56L6.9 1ZM8 10.4a2.4 2.4 0 1 0 0-4.8 2.4 2.4 0 0 0 0 4.8Z"
      />
    </svg>
  );
}

export function BackIcon({ size = 16 }: IconProps) {
  return (
    <svg {...common(size)}>
      <path
        d="M10 3 5 8l5 5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

export function CheckIcon({ size = 12 }: IconProps) {
  return (
    <svg {...common(size)}>
      <path
        d="m3 8.5 3.2 3L13 4.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

export function PencilIcon({ size = 14 }: IconProps) {
  return (
    <svg {...common(size)}>
      <path
        d="M10.8 2.7a1.5 1.5 0 0 1 2.1 0l.4.4a1.5 1.5 0 0 1 0 2.1l-7.6 7.6-3.2.9.9-3.2 7.4-7.8Z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** The pomodoro's focus phase (drawn, not an emoji: not every desktop has an emoji font). */
export function TomatoIcon({ size = 14 }: IconProps) {
  return (
    <svg {...common(size)} className="tomato">
      <circle cx="8" cy="9.2" r="5.6" fill="#e5484d" />
      <path
        d="M8 3.8 6 2.6m2 1.2 2-1.2M8 3.8V1.8"
        stroke="#2f9e44"
        strokeWidth="1.4"
        strokeLinecap="round"
      />
    </svg>
  );
}

/** A pomodoro break. */
export function CupIcon({ size = 14 }: IconProps) {
  return (
    <svg {...common(size)}>
      <path
        d="M2.5 6.5h9v3.2a3.6 3.6 0 0 1-3.6 3.6H6.1a3.6 3.6 0 0 1-3.6-3.6V6.5Zm9 1h1a1.6 1.6 0 0 1 0 3.2h-1.2M5.5 2.5v2m3-2v2"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
