/**
 * Where the popup goes. Pure (no electron import) so every panel layout can be tested.
 *
 * When the OS tells us where the tray icon is (Windows, macOS), the popup sits next to it, on the
 * side away from the panel. Linux's StatusNotifierItem never reports bounds (getBounds() is all
 * zeros), so there the popup goes to the corner of the display under the cursor where panels
 * usually keep the tray: top-right on Linux and macOS, bottom-right on Windows.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PopupPositionInput {
  /** Tray icon bounds as reported by Tray.getBounds(); null or zero-sized when unknown. */
  trayBounds: Rect | null;
  /** Cursor position: picks the display when tray bounds are unknown. */
  cursor: { x: number; y: number };
  /** The work areas (screen minus panels) of all displays; the first is the primary. */
  workAreas: readonly Rect[];
  windowSize: { width: number; height: number };
  platform: NodeJS.Platform;
}

export type PanelEdge = 'top' | 'bottom' | 'left' | 'right';

/** Distance from the tray icon and from the screen edge, in DIP. */
export const POPUP_GAP = 8;

export function popupPosition(input: PopupPositionInput): { x: number; y: number } {
  const { trayBounds, cursor, workAreas, windowSize, platform } = input;
  const known = trayBounds !== null && trayBounds.width > 0 && trayBounds.height > 0;
  const anchor = known ? centerOf(trayBounds) : cursor;
  const area = displayFor(anchor, workAreas);
  if (!area) return { x: 0, y: 0 };

  if (!known) {
    const x = area.x + area.width - windowSize.width - POPUP_GAP;
    const y =
      platform === 'win32'
        ? area.y + area.height - windowSize.height - POPUP_GAP
        : area.y + POPUP_GAP;
    return clampToArea({ x, y }, windowSize, area);
  }

  const tray = trayBounds;
  const center = centerOf(tray);
  let x: number;
  let y: number;
  switch (panelEdge(tray, area)) {
    case 'top':
      x = center.x - windowSize.width / 2;
      y = tray.y + tray.height + POPUP_GAP;
      break;
    case 'bottom':
      x = center.x - windowSize.width / 2;
      y = tray.y - windowSize.height - POPUP_GAP;
      break;
    case 'left':
      x = tray.x + tray.width + POPUP_GAP;
      y = center.y - windowSize.height / 2;
      break;
    case 'right':
      x = tray.x - windowSize.width - POPUP_GAP;
      y = center.y - windowSize.height / 2;
      break;
  }
  return clampToArea({ x, y }, windowSize, area);
}

/**
 * Which screen edge the tray's panel is on: the side of the work area the icon lies outside of.
 * An auto-hidden panel leaves the icon inside the work area; then the nearer edge wins.
 */
export function panelEdge(tray: Rect, area: Rect): PanelEdge {
  if (tray.y + tray.height <= area.y) return 'top';
  if (tray.y >= area.y + area.height) return 'bottom';
  if (tray.x + tray.width <= area.x) return 'left';
  if (tray.x >= area.x + area.width) return 'right';
  const c = centerOf(tray);
  const distances: [PanelEdge, number][] = [
    ['top', c.y - area.y],
    ['bottom', area.y + area.height - c.y],
    ['left', c.x - area.x],
    ['right', area.x + area.width - c.x],
  ];
  distances.sort((a, b) => a[1] - b[1]);
  return distances[0]?.[0] ?? 'top';
}

function centerOf(r: Rect): { x: number; y: number } {
  return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
}

/** The work area containing the point, else the nearest one (a tray on a panel lies outside every work area). */
function displayFor(point: { x: number; y: number }, areas: readonly Rect[]): Rect | undefined {
  let best: Rect | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const area of areas) {
    const dx = Math.max(area.x - point.x, 0, point.x - (area.x + area.width));
    const dy = Math.max(area.y - point.y, 0, point.y - (area.y + area.height));
    const distance = Math.hypot(dx, dy);
    if (distance < bestDistance) {
      best = area;
      bestDistance = distance;
    }
  }
  return best;
}

/** Keeps the whole window inside the work area; whole pixels, as BrowserWindow.setPosition requires. */
function clampToArea(
  p: { x: number; y: number },
  size: { width: number; height: number },
  area: Rect,
): { x: number; y: number } {
  const maxX = area.x + area.width - size.width;
  const maxY = area.y + area.height - size.height;
  return {
    x: Math.round(Math.max(area.x, Math.min(p.x, maxX))),
    y: Math.round(Math.max(area.y, Math.min(p.y, maxY))),
  };
}
