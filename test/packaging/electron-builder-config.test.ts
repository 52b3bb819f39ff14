/**
 * electron-builder.yml, checked without building: loaded by electron-builder's own loader and
 * validated by its own schema validator (the same code `electron-builder` runs first), then the
 * release-critical settings asserted one by one, and the tray icons the shell asks for checked as
 * real PNG files of the right size.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Internal path in app-builder-lib 26.x (validateConfiguration is not re-exported from the index).
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { trayStateSchema } from '../../preload/contract';

vi.mock('electron', () => import('../fakes/electron'));
const { trayIconFile } = await import('../../main/shell/tray');

const root = join(import.meta.dirname, '..', '..');
const CONFIG_FILE = 'electron-builder.yml';

async function load(dir: string, file: string): Promise<Configuration> {
  return getConfig(dir, join(dir, file), null);
}

async function validate(config: Configuration): Promise<void> {
  await validateConfiguration(config, new DebugLogger(false));
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(bytes: Buffer): { width: number; height: number; colourType: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!bytes.subarray(0, 8).equals(signature)) throw new Error('not a PNG');
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG without IHDR first');
  return {
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    colourType: bytes[25] ?? -1,
  };
}

let config: Configuration;

beforeAll(async () => {
  config = await load(root, CONFIG_FILE);
});

describe('electron-builder.yml', () => {
  it("passes electron-builder's own validator", async () => {
    await expect(validate(config)).resolves.toBeUndefined();
  });

  describe('the validator is not a rubber stamp', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'tray-timer-builder-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('rejects a copy with an unknown key', async () => {
      const yaml = await readFile(join(root, CONFIG_FILE), 'utf8');
      await writeFile(join(dir, 'unknown-key.yml'), `${yaml}\nnotAnElectronBuilderOption: true\n`);
      const bad = await load(dir, 'unknown-key.yml');
      await expect(validate(bad)).rejects.toThrow(/unknown property 'notAnElectronBuilderOption'/);
    });

    it('rejects a copy with a misspelt fuse', async () => {
      const yaml = await readFile(join(root, CONFIG_FILE), 'utf8');
      await writeFile(
        join(dir, 'bad-fuse.yml'),
        yaml.replace('runAsNode: false', 'runAsNod: false'),
      );
      const bad = await load(dir, 'bad-fuse.yml');
      await expect(validate(bad)).rejects.toThrow(/configuration\.electronFuses/);
    });
  });

  it('names the app', () => {
    expect(config.appId).toBe('dev.traytimer.app');
    expect(config.productName).toBe('Tray Timer');
    expect(config.directories?.output).toBe('dist');
  });

  it('flips the hardening fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    // Integrity validation and only-load-from-asar need an asar.
    expect(config.asar).not.toBe(false);
  });

  it('packages only the built app, and unpacks keytar from the asar', () => {
    // electron-builder normalises `files` to [{ filter: [...] }]; flatten to the glob list.
    const globs = [config.files ?? []]
      .flat()
      .flatMap((entry) => (typeof entry === 'string' ? [entry] : [entry.filter ?? []].flat()));
    expect(globs).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    const patterns = globs.filter((pattern) => !pattern.startsWith('!'));
    for (const source of ['main', 'preload', 'renderer', 'test', 'src']) {
      expect(patterns.some((p) => p.startsWith(source) || p === '**/*' || p === '**')).toBe(false);
    }
    expect(config.asarUnpack).toContain('**/node_modules/keytar/**');
  });

  it('builds AppImage + deb, dmg without a Dock icon, and nsis', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.linux?.category).toBe('Utility');
    expect(config.linux?.maintainer).toMatch(/\S+ <\S+@\S+>/);
    expect(config.linux?.desktop).toMatchObject({ entry: { Name: 'Tray Timer' } });
    expect(config.deb?.depends).toContain('libsecret-1-0');
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.mac?.category).toBe('public.app-category.productivity');
    expect(config.mac?.extendInfo).toMatchObject({ LSUIElement: true });
    expect(config.win?.target).toEqual(['nsis']);
  });

  it('ships the tray icon folder as a real directory next to app.asar', () => {
    expect(config.extraResources).toEqual([
      { from: 'assets/tray', to: 'assets/tray', filter: ['*.png'] },
    ]);
  });

  it('points every platform at an app icon that exists and is 512×512', async () => {
    for (const icon of new Set([config.linux?.icon, config.mac?.icon, config.win?.icon])) {
      expect(typeof icon).toBe('string');
      const size = pngSize(await readFile(join(root, icon as string)));
      expect(size).toMatchObject({ width: 512, height: 512 });
    }
  });
});

describe('tray icons the shell asks for', () => {
  const platforms: NodeJS.Platform[] = ['linux', 'win32', 'darwin'];
  const wanted = platforms.flatMap((platform) =>
    trayStateSchema.options.map((state) => ({
      platform,
      state,
      file: trayIconFile(state, platform),
    })),
  );

  it.each(wanted)('$platform $state → $file exists at 16 px and @2x 32 px', async ({ file }) => {
    const dir = join(root, 'assets', 'tray');
    for (const [name, px] of [
      [file, 16],
      [file.replace(/\.png$/, '@2x.png'), 32],
    ] as const) {
      const path = join(dir, name);
      expect(existsSync(path), `${name} is missing`).toBe(true);
      const size = pngSize(await readFile(path));
      expect(size, name).toMatchObject({ width: px, height: px });
      // 6 = RGBA: tray icons need real transparency.
      expect(size.colourType, name).toBe(6);
    }
  });

  it('macOS template images are black + alpha only', async () => {
    const templates = wanted.filter((w) => w.platform === 'darwin').map((w) => w.file);
    for (const file of templates.flatMap((f) => [f, f.replace(/\.png$/, '@2x.png')])) {
      expect(file).toMatch(/Template(@2x)?\.png$/); // the name is what tells macOS it is a template
      const rgb = await pixelsRgb(join(root, 'assets', 'tray', file));
      expect(
        rgb.every((value) => value === 0),
        `${file} has non-black pixels`,
      ).toBe(true);
    }
  });
});

/** The RGB samples of a PNG (decoded by zlib; the generator writes 8-bit RGBA, non-interlaced). */
async function pixelsRgb(path: string): Promise<number[]> {
  const { inflateSync } = await import('node:zlib');
  const bytes = await readFile(path);
  const { width, height } = pngSize(bytes);
  if (bytes[24] !== 8 || bytes[25] !== 6 || bytes[28] !== 0) {
    throw new Error(`${path}: expected 8-bit RGBA, not interlaced`);
  }
  const chunks: Buffer[] = [];
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') chunks.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  const stride = width * 4;
  const rgb: number[] = [];
  let previous = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] ?? 0;
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const left = x >= 4 ? (line[x - 4] ?? 0) : 0;
      const up = previous[x] ?? 0;
      const upLeft = x >= 4 ? (previous[x - 4] ?? 0) : 0;
      const paeth = (): number => {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      };
      const predictor = [0, left, up, (left + up) >> 1, paeth()][filter] ?? 0;
      line[x] = ((line[x] ?? 0) + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const alpha = line[x * 4 + 3] ?? 0;
      // Fully transparent pixels carry no colour macOS would show.
      if (alpha > 0) rgb.push(line[x * 4] ?? 0, line[x * 4 + 1] ?? 0, line[x * 4 + 2] ?? 0);
    }
    previous = line;
  }
  return rgb;
}
