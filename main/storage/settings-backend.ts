/**
 * The file behind settings.json. In the app it is electron-store; in the CLI and tests a plain
 * JSON file written atomically (json-file-backend.ts): both read and write the same file. The
 * settings store validates whatever this returns: never trust it.
 */
export interface SettingsBackend {
  /** Absolute path of the file, for messages ("moved aside to …"). */
  readonly path: string;
  /** The parsed file content; throws when the file is not valid JSON. */
  read(): unknown;
  /** Replaces the whole content atomically. */
  write(value: Record<string, unknown>): void;
}

/** Makes a backend for a data folder; called again after a corrupt file was moved aside. */
export type SettingsBackendFactory = (dataDir: string) => SettingsBackend;
