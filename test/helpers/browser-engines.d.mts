export type EngineName = 'chromium' | 'firefox' | 'firefox-esr-140' | 'webkit';
export const ENGINE_NAMES: EngineName[];
export function selectedEngines(env?: Record<string, string | undefined>): EngineName[];
export const OLD_FIREFOX_MAJOR: number;
export function oldFirefoxCacheDir(env?: Record<string, string | undefined>): string;
export function enginePaths(env?: Record<string, string | undefined>): {
  chromium: { browser: string };
  firefox: { browser: string };
  'firefox-esr-140': { browser: string };
  webkit: { browser: string; driver: string; xvfb: string };
};
export const CHROMIUM_FLAGS: string[];
export const ENGINE_PACKAGES: Record<EngineName, string[]>;
export function firefoxMajor(binary: string): number;
export function missingFor(name: EngineName, env?: Record<string, string | undefined>): { packages: string[]; unpackOld: boolean };
