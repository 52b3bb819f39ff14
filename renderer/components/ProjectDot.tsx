/** The project's colour as a dot. Set through CSSOM (React's style prop), which CSP allows. */
export function ProjectDot({ color }: { color: string | null }) {
  const safe = color && /^#[0-9a-fA-F]{3,8}$/.test(color) ? color : null;
  return (
    <span className="dot" aria-hidden="true" style={safe ? { background: safe } : undefined} />
  );
}
