import { describe, expect, it } from 'vitest';
import { panelEdge, popupPosition, POPUP_GAP } from '../../main/shell/popup-position';
import type { PopupPositionInput, Rect } from '../../main/shell/popup-position';

const size = { width: 360, height: 520 };
const none: Rect = { x: 0, y: 0, width: 0, height: 0 };

function place(input: Partial<PopupPositionInput> & Pick<PopupPositionInput, 'workAreas'>) {
  return popupPosition({
    trayBounds: null,
    cursor: { x: 0, y: 0 },
    windowSize: size,
    platform: 'linux',
    ...input,
  });
}

function inside(p: { x: number; y: number }, area: Rect) {
  return (
    p.x >= area.x &&
    p.y >= area.y &&
    p.x + size.width <= area.x + area.width &&
    p.y + size.height <= area.y + area.height
  );
}

describe('popupPosition next to a known tray icon', () => {
  it('Windows, taskbar at the bottom: above the icon, centred on it', () => {
    const workArea = { x: 0, y: 0, width: 1920, height: 1040 };
    const tray = { x: 1700, y: 1045, width: 24, height: 30 };
    const p = place({ trayBounds: tray, workAreas: [workArea], platform: 'win32' });
    expect(p).toEqual({ x: 1712 - 180, y: 1045 - 520 - POPUP_GAP });
    expect(inside(p, workArea)).toBe(true);
  });

  it('macOS menu bar at the top: below the icon', () => {
    const workArea = { x: 0, y: 25, width: 1440, height: 875 };
    const tray = { x: 1200, y: 0, width: 22, height: 24 };
    const p = place({ trayBounds: tray, workAreas: [workArea], platform: 'darwin' });
    expect(p).toEqual({ x: 1211 - 180, y: 24 + POPUP_GAP });
  });

  it('an icon near the right edge is clamped so the whole popup stays on screen', () => {
    const workArea = { x: 0, y: 25, width: 1440, height: 875 };
    const tray = { x: 1420, y: 0, width: 20, height: 24 };
    const p = place({ trayBounds: tray, workAreas: [workArea], platform: 'darwin' });
    expect(p.x).toBe(1440 - 360);
    expect(inside(p, workArea)).toBe(true);
  });

  it('taskbar on the left or right: beside the icon, vertically centred and clamped', () => {
    const left = { x: 50, y: 0, width: 1870, height: 1080 };
    expect(
      place({
        trayBounds: { x: 10, y: 1000, width: 40, height: 40 },
        workAreas: [left],
        platform: 'win32',
      }),
    ).toEqual({ x: 50 + POPUP_GAP, y: 1080 - 520 });
    const right = { x: 0, y: 0, width: 1860, height: 1080 };
    expect(
      place({
        trayBounds: { x: 1870, y: 300, width: 40, height: 40 },
        workAreas: [right],
        platform: 'win32',
      }),
      // 1870 - 360 - gap would overlap the taskbar by 2 px: clamped to the work area's edge.
    ).toEqual({ x: 1860 - 360, y: 320 - 260 });
  });

  it('a second monitor: placed on the display that holds the tray, not the primary', () => {
    const primary = { x: 0, y: 0, width: 1920, height: 1040 };
    const second = { x: 1920, y: 0, width: 2560, height: 1400 };
    const tray = { x: 4300, y: 1405, width: 24, height: 30 };
    const p = place({ trayBounds: tray, workAreas: [primary, second], platform: 'win32' });
    expect(inside(p, second)).toBe(true);
    expect(p.y).toBe(1405 - 520 - POPUP_GAP);
  });

  it('an auto-hidden panel (icon inside the work area) still picks the nearer edge', () => {
    expect(
      panelEdge(
        { x: 1800, y: 1060, width: 20, height: 20 },
        { x: 0, y: 0, width: 1920, height: 1080 },
      ),
    ).toBe('bottom');
    expect(
      panelEdge(
        { x: 1800, y: 2, width: 20, height: 20 },
        { x: 0, y: 0, width: 1920, height: 1080 },
      ),
    ).toBe('top');
  });

  it('returns whole pixels (BrowserWindow.setPosition rejects fractions)', () => {
    const p = place({
      trayBounds: { x: 1000.5, y: 0, width: 23, height: 24 },
      workAreas: [{ x: 0, y: 25, width: 1440, height: 875 }],
      platform: 'darwin',
    });
    expect(Number.isInteger(p.x) && Number.isInteger(p.y)).toBe(true);
  });
});

describe('popupPosition when the tray bounds are unknown (Linux StatusNotifierItem)', () => {
  const gnome = { x: 0, y: 32, width: 1920, height: 1048 };

  it('null or all-zero bounds: top-right corner of the display under the cursor on Linux', () => {
    const expected = { x: 1920 - 360 - POPUP_GAP, y: 32 + POPUP_GAP };
    expect(place({ trayBounds: null, workAreas: [gnome] })).toEqual(expected);
    expect(place({ trayBounds: none, workAreas: [gnome] })).toEqual(expected);
  });

  it('bottom-right on Windows', () => {
    const area = { x: 0, y: 0, width: 1920, height: 1040 };
    expect(place({ trayBounds: none, workAreas: [area], platform: 'win32' })).toEqual({
      x: 1920 - 360 - POPUP_GAP,
      y: 1040 - 520 - POPUP_GAP,
    });
  });

  it('picks the display the cursor is on', () => {
    const left = { x: -1280, y: 0, width: 1280, height: 1024 };
    const p = place({ trayBounds: null, cursor: { x: -500, y: 400 }, workAreas: [gnome, left] });
    expect(p).toEqual({ x: -360 - POPUP_GAP, y: POPUP_GAP });
  });

  it('a cursor outside every work area (on the panel) uses the nearest display', () => {
    const p = place({ trayBounds: null, cursor: { x: 1900, y: 5 }, workAreas: [gnome] });
    expect(inside(p, gnome)).toBe(true);
  });

  it('a screen smaller than the popup keeps its top-left corner visible', () => {
    const tiny = { x: 0, y: 0, width: 300, height: 400 };
    expect(place({ trayBounds: null, workAreas: [tiny] })).toEqual({ x: 0, y: 0 });
  });
});
