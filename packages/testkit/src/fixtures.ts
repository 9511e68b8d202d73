import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readZoneData, type ZoneData } from '@authgate/dns';

/** The repository's test-fixtures/ directory (the same from src/ and from a built dist/). */
const FIXTURES = fileURLToPath(new URL('../../../test-fixtures/', import.meta.url));

/** An absolute path under test-fixtures/: `fixturePath('zones', 'system-resolver.yaml')`. */
export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

/**
 * Zone data from a YAML or JSON file in the openspf `zonedata` format (the map itself, or a
 * document with a `zonedata` key). A relative path is taken under test-fixtures/.
 */
export function loadZoneData(path: string): Promise<ZoneData> {
  return readZoneData(isAbsolute(path) ? path : fixturePath(path));
}
