import { existsSync } from 'node:fs';
import { expect, test } from 'vitest';
import { fixturePath, loadZoneData } from '../src/index.js';

test('fixturePath points into the repository test-fixtures/', () => {
  const path = fixturePath('zones', 'system-resolver.yaml');
  expect(path).toMatch(/\/test-fixtures\/zones\/system-resolver\.yaml$/);
  expect(existsSync(path)).toBe(true);
});

test.for([
  ['zones/system-resolver.yaml', 'relative to test-fixtures/'],
  [fixturePath('zones', 'system-resolver.yaml'), 'absolute'],
] as const)('loadZoneData reads %s (%s)', async ([path]) => {
  const zoneData = await loadZoneData(path);
  expect(zoneData['a-only.example.com']).toEqual([{ A: '192.0.2.3' }]);
});

test('loadZoneData refuses a file of several documents', async () => {
  await expect(loadZoneData('openspf/rfc7208-tests.yml')).rejects.toThrow(/YAML documents/);
});
