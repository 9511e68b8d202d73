import type { ZoneData, ZoneEntry } from '@authgate/dns';

/**
 * One-feature edits of a generated zone, for the counterfactual checks of the differential tests:
 * when our verdict over the edited zone is the peer's, that feature is what the two disagree on.
 */

/** The record `record` at `name` replaced by `edit(record)`, everything else unchanged. */
export function withRecordEdited(zone: ZoneData, name: string, record: string, edit: (record: string) => string): ZoneData {
  const entries = (zone[name] ?? []).map((entry): ZoneEntry => {
    if (typeof entry !== 'object' || !('TXT' in entry)) return entry;
    const text = typeof entry.TXT === 'string' ? entry.TXT : entry.TXT.join('');
    return text === record ? { TXT: edit(record) } : entry;
  });
  return { ...zone, [name]: entries };
}

/** `term` dropped from the record `record` at `name`. */
export function withoutTerm(zone: ZoneData, name: string, record: string, term: string): ZoneData {
  return withRecordEdited(zone, name, record, (text) => text.split(' ').filter((part) => part !== term).join(' '));
}

/** `names` answering what they hold instead of timing out. */
export function withoutTimeouts(zone: ZoneData, names: string[]): ZoneData {
  return { ...zone, ...Object.fromEntries(names.map((name) => [name, (zone[name] ?? []).filter((entry) => entry !== 'TIMEOUT')])) };
}
