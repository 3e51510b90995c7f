import { maintenanceNote, ownerKey } from './ownership';

test('the note of every owned runner gives back its key', () => {
  for (const key of ['production/amd64', 'staging/arm64', 'a/b', 'prod-eu-1/amd64-large']) expect(ownerKey(maintenanceNote(key))).toBe(key);
});

test('the key is found on any line, with CRLF or surrounding spaces, as people edit notes', () => {
  expect(ownerKey('on call: team-ci\r\n  runner-fleet-key: production/amd64  \r\n')).toBe('production/amd64');
});

test.each([null, undefined, '', 'hand-made runner', 'runner-fleet-key:', 'runner-fleet-key: production', 'runner-fleet-key: Production/AMD64', 'runner-fleet-key: a/b/c', 'see runner-fleet-key: a/b'])(
  'a runner with the note %j is not owned',
  (note) => {
    expect(ownerKey(note)).toBeUndefined();
  },
);
