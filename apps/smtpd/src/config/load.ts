import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import tls from 'node:tls';
import { parseDocument, parse as parseYaml } from 'yaml';
import type { ConfigProblem } from '../errors.js';
import { expandPolicyPreset } from './preset.js';
import type { FilterConfig } from './schema.js';
import { validateConfig, type ConfigResult } from './validate.js';

export const ENV_PREFIX = 'AUTHGATE_SMTPD_';

/** Options whose environment values may be written as comma-separated lists. */
const LIST_PATHS = new Set([
  'domains', 'authservIdAliases', 'listen', 'trustedRelays', 'proxy.trusted', 'dns.servers', 'policy.allow.ips', 'policy.allow.domains',
]);

export interface ConfigSources {
  /** A YAML file; optional, since the main settings also work as flags. */
  file?: string;
  /** The process environment (only `AUTHGATE_SMTPD_*` variables are read). */
  env?: NodeJS.ProcessEnv;
  /** Overrides from the command line, as a partial document. */
  flags?: Record<string, unknown>;
}

/**
 * Builds the configuration from its layers, later ones winning: defaults, the file, the
 * environment, the flags. Then validates it and checks the files it names.
 */
export async function loadConfig(sources: ConfigSources): Promise<ConfigResult> {
  const layers: unknown[] = [];
  if (sources.file !== undefined) {
    const file = await readConfigFile(sources.file);
    if (!file.ok) return file;
    layers.push(file.document);
  }
  if (sources.env !== undefined) layers.push(environmentLayer(sources.env));
  if (sources.flags !== undefined) layers.push(sources.flags);
  const validated = validateConfig(mergeLayers(layers));
  if (!validated.ok) return validated;
  const problems = await checkConfigFiles(validated.config);
  return problems.length === 0 ? validated : { ok: false, problems };
}

export async function readConfigFile(path: string): Promise<{ ok: true; document: unknown } | { ok: false; problems: ConfigProblem[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, problems: [{ code: 'config-unreadable', path: '', message: `cannot read ${path}: ${(error as Error).message}` }] };
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => ({ code: 'config-syntax' as const, path: '', message: `${path}: ${error.message}` })),
    };
  }
  return { ok: true, document: document.toJS() ?? {} };
}

/**
 * `AUTHGATE_SMTPD_RELAY__ADDRESS=127.0.0.1:10026` sets `relay.address`: `__` separates levels and
 * each level is the option name in upper snake case. Values are read as YAML scalars (`25`,
 * `true`, `[a, b]`); list options also take `a,b`.
 */
export function environmentLayer(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const path = name.slice(ENV_PREFIX.length).split('__').map(camelCase);
    if (path.some((segment) => segment === '')) continue;
    setPath(layer, path, environmentValue(path.join('.'), raw));
  }
  return layer;
}

function environmentValue(path: string, raw: string): unknown {
  const text = raw.trim();
  if (LIST_PATHS.has(path) && !text.startsWith('[')) return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
  try {
    return parseYaml(text) ?? text;
  } catch {
    return text;
  }
}

function camelCase(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** Deep merge of mappings, later layers winning; lists and scalars are replaced whole. */
export function mergeLayers(layers: unknown[]): Record<string, unknown> {
  let merged: Record<string, unknown> = {};
  for (const layer of layers) merged = mergeInto(merged, normalizePolicy(layer));
  return merged;
}

function mergeInto(base: Record<string, unknown>, layer: unknown): Record<string, unknown> {
  if (!isMapping(layer)) return base;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(layer)) {
    const previous = result[key];
    result[key] = isMapping(value) && isMapping(previous) ? mergeInto(previous, value) : value;
  }
  return result;
}

/** `policy: enforce` is a shorthand for a mapping, so that later layers can refine it. */
function normalizePolicy(layer: unknown): unknown {
  if (!isMapping(layer) || typeof layer['policy'] !== 'string') return layer;
  const expanded = expandPolicyPreset(layer['policy']);
  return expanded === undefined ? layer : { ...layer, policy: expanded };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The files and directories a valid configuration names must be usable. */
export async function checkConfigFiles(config: FilterConfig): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  const fileProblem = (path: string, message: string) => problems.push({ code: 'config-file', path, message });
  if (config.tls.cert !== undefined && config.tls.key !== undefined) {
    try {
      const [cert, key] = await Promise.all([readFile(config.tls.cert), readFile(config.tls.key)]);
      tls.createSecureContext({ cert, key });
    } catch (error) {
      fileProblem('tls', `cannot use ${config.tls.cert} / ${config.tls.key}: ${(error as Error).message}`);
    }
  }
  if (config.dns.zoneFile !== undefined) {
    await access(config.dns.zoneFile, constants.R_OK).catch((error: Error) => fileProblem('dns.zoneFile', error.message));
  }
  await access(config.spool.directory, constants.W_OK).catch((error: Error) => fileProblem('spool.directory', `not writable: ${error.message}`));
  return problems;
}
