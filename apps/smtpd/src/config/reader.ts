import type { ConfigErrorCode, ConfigProblem } from '../errors.js';
import type { Parsed } from './values.js';

/** A YAML mapping, as the validator sees it. */
export type Section = Record<string, unknown>;

/**
 * Reads one configuration document, collecting one problem per mistake instead of stopping at
 * the first, so that `--check-config` lists everything to fix. Each reader method returns the
 * option's value, or the fallback (the default) when it is absent or wrong.
 */
export class ConfigReader {
  readonly problems: ConfigProblem[] = [];

  report(code: ConfigErrorCode, path: string, message: string): void {
    this.problems.push({ code, path, message });
  }

  /** A mapping whose keys must all be in `known`; an unknown key is reported with a suggestion. */
  section(value: unknown, path: string, known: readonly string[]): Section {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.report('config-type', path, `must be a mapping of options (got ${describe(value)})`);
      return {};
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        const near = closest(key, known);
        const hint = near === undefined ? '' : ` (did you mean "${near}"?)`;
        this.report('config-unknown', join(path, key), `unknown option${hint}`);
      }
    }
    return value as Section;
  }

  string(section: Section, key: string, path: string, fallback: string): string {
    const value = section[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string' || value.trim() === '') {
      this.report('config-type', join(path, key), `must be a non-empty string (got ${describe(value)})`);
      return fallback;
    }
    return value.trim();
  }

  optionalString(section: Section, key: string, path: string): string | undefined {
    if (section[key] === undefined || section[key] === null) return undefined;
    const value = this.string(section, key, path, '');
    return value === '' ? undefined : value;
  }

  boolean(section: Section, key: string, path: string, fallback: boolean): boolean {
    const value = section[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') {
      this.report('config-type', join(path, key), `must be true or false (got ${describe(value)})`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(section: Section, key: string, path: string, values: readonly T[], fallback: T): T {
    const value = section[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string' || !values.includes(value as T)) {
      this.report('config-enum', join(path, key), `must be one of ${values.map((v) => `"${v}"`).join(', ')} (got ${describe(value)})`);
      return fallback;
    }
    return value as T;
  }

  /** A whole number in [min, max], read through `parse` (durations and sizes may carry units). */
  number(
    section: Section,
    key: string,
    path: string,
    range: { min: number; max: number; parse?: (value: unknown) => Parsed<number> },
    fallback: number,
  ): number {
    const value = section[key];
    if (value === undefined || value === null) return fallback;
    const parsed = range.parse !== undefined ? range.parse(value) : wholeNumber(value);
    if (!parsed.ok) {
      this.report('config-type', join(path, key), parsed.message);
      return fallback;
    }
    if (parsed.value < range.min || parsed.value > range.max) {
      this.report('config-range', join(path, key), `must be from ${range.min} to ${range.max} (got ${parsed.value})`);
      return fallback;
    }
    return parsed.value;
  }

  /** A list (a single value counts as a list of one) whose items each go through `parse`. */
  list<T>(
    section: Section,
    key: string,
    path: string,
    parse: (value: unknown, path: string) => Parsed<T>,
    fallback: T[],
    code: ConfigErrorCode = 'config-type',
  ): T[] {
    const value = section[key];
    if (value === undefined || value === null) return fallback;
    const items = Array.isArray(value) ? value : [value];
    const parsed: T[] = [];
    items.forEach((item, index) => {
      const itemPath = `${join(path, key)}[${index}]`;
      const result = parse(item, itemPath);
      if (result.ok) parsed.push(result.value);
      else this.report(code, itemPath, result.message);
    });
    return parsed;
  }

  /** One value through `parse`, reported under `code` when it does not parse. */
  parsed<T>(section: Section, key: string, path: string, parse: (value: unknown) => Parsed<T>, code: ConfigErrorCode): T | undefined {
    const value = section[key];
    if (value === undefined || value === null) return undefined;
    const result = parse(value);
    if (result.ok) return result.value;
    this.report(code, join(path, key), result.message);
    return undefined;
  }
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function wholeNumber(value: unknown): Parsed<number> {
  if (typeof value === 'number' && Number.isInteger(value)) return { ok: true, value };
  return { ok: false, message: `must be a whole number (got ${describe(value)})` };
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

/** The known name nearest to a typo, when it is near enough to be what was meant. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}
