import pkg from '../../package.json';

/** Sent in User-Agent headers and shown by `tray-timer --version`. */
export const APP_VERSION: string = pkg.version;
