import { embeddedDocuments, parseEmbedded } from './embedded';

describe('parseEmbedded', () => {
  it('parses entries named *.toml and leaves everything else alone', () => {
    expect(parseEmbedded('config.template.toml', 'concurrent = 4\n[[runners]]\nname = "a"\n')).toEqual({ concurrent: 4, runners: [{ name: 'a' }] });
    expect(parseEmbedded('entrypoint.sh', 'concurrent = 4')).toBeUndefined();
    expect(parseEmbedded('broken.toml', 'concurrent = ')).toBeUndefined();
  });
});

describe('embeddedDocuments', () => {
  it('reads only ConfigMaps', () => {
    expect(embeddedDocuments({ kind: 'ConfigMap', data: { 'a.toml': 'x = 1' } })).toEqual([{ name: 'a.toml', value: { x: 1 } }]);
    expect(embeddedDocuments({ kind: 'Secret', data: { 'a.toml': 'x = 1' } })).toEqual([]);
  });
});
