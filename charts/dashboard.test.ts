import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { DASHBOARD_FILE } from './dashboard';
import { testedMetricNames } from './alerts.promtool';
import { render, twoArchCluster } from './testing';

const rendered = render(twoArchCluster({ dashboard: { sidecarLabel: 'team.example.com/dashboard=runners', namespace: 'grafana' } }));
const configMap = rendered.get('ConfigMap', 'gitlab-runner-fleet-dashboard');
const dashboard = JSON.parse(configMap.data[DASHBOARD_FILE]);
const panels = (dashboard.panels as Array<Record<string, any>>).filter((p) => p.type !== 'row');

/**
 * Type-checks dashboard JSON against the library's types with the project's compiler options: the dashboard (its
 * queries apart) as `Dashboard`, every query as the Prometheus `Dataquery`, every panel's options and custom field
 * config as its panel type's. JSON has string literals where the types have string enums, and no methods: `Json<T>`
 * is T as JSON can hold it. Returns the compiler's messages.
 */
function typeCheck(json: Record<string, any>): string[] {
  const repo = join(__dirname, '..');
  const folder = mkdtempSync(join(repo, 'node_modules', '.dashboard-check-'));
  const allPanels = (json.panels as Array<Record<string, any>>) ?? [];
  const of = (type: string) => allPanels.filter((p) => p.type === type);
  const withoutQueries = { ...json, panels: allPanels.map(({ targets: _targets, ...panel }) => panel) };
  const source = `
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
type Method = (...args: never[]) => unknown;
type Json<T> = T extends string ? \`\${T}\` : T extends readonly (infer U)[] ? Json<U>[]
  : T extends object ? { [K in keyof T as T[K] extends Method ? never : K]: Json<T[K]> } : T;
export const board: Json<dashboard.Dashboard> = ${JSON.stringify(withoutQueries)};
export const queries: Array<Json<prometheus.Dataquery>> = ${JSON.stringify(allPanels.flatMap((p) => p.targets ?? []))};
export const timeseriesOptions: Array<Json<timeseries.Options>> = ${JSON.stringify(of('timeseries').map((p) => p.options))};
export const timeseriesFields: Array<Json<timeseries.FieldConfig>> = ${JSON.stringify(of('timeseries').map((p) => p.fieldConfig?.defaults?.custom ?? {}))};
export const statOptions: Array<Json<stat.Options>> = ${JSON.stringify(of('stat').map((p) => p.options))};
`;
  try {
    const file = join(folder, 'dashboard.ts');
    writeFileSync(file, source);
    const config = ts.getParsedCommandLineOfConfigFile(join(repo, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    const program = ts.createProgram([file], { ...config.options, noEmit: true, noUnusedLocals: false });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

test('the ConfigMap carries the sidecar label and namespace from the definition, and the JSON in one key', () => {
  expect(configMap.metadata.namespace).toBe('grafana');
  expect((configMap.metadata.labels as Record<string, string>)['team.example.com/dashboard']).toBe('runners');
  expect(Object.keys(configMap.data)).toEqual([DASHBOARD_FILE]);
  expect(dashboard.uid).toBe('gitlab-runner-fleet-test');
  expect(render(twoArchCluster({ metrics: false })).all('ConfigMap').map((c) => c.metadata.name)).not.toContain('gitlab-runner-fleet-dashboard');
});

test('the rendered JSON type-checks as the library\'s types; a misspelt field or an unknown value does not', () => {
  expect(typeCheck(dashboard)).toEqual([]);
  const broken = structuredClone(dashboard);
  broken.panels[1].gridPoss = broken.panels[1].gridPos;
  broken.panels[1].targets[0].expresion = 'up';
  broken.panels[1].options.legend.displayMode = 'sideways';
  const messages = typeCheck(broken).join('\n');
  expect(messages).toMatch(/'"gridPoss"' does not exist/);
  expect(messages).toMatch(/'"expresion"' does not exist/);
  expect(messages).toMatch(/"sideways"/);
}, 60_000);

test('every panel queries at least one metric, and only metrics the alerts\' promtool tests use', () => {
  const tested = testedMetricNames(rendered.cluster);
  // A metric is a name before a selector, or a recorded name (with colons, by Prometheus' convention).
  const metricName = /([a-zA-Z_][a-zA-Z0-9_]*(?=\{)|[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_:]+)/g;
  for (const panel of panels) {
    const used = panel.targets.flatMap((t: { expr: string }) => [...t.expr.matchAll(metricName)].map((m) => m[1]));
    expect({ panel: panel.title, used: used.length > 0 }).toEqual({ panel: panel.title, used: true });
    expect({ panel: panel.title, untested: used.filter((m: string) => !tested.has(m)) }).toEqual({ panel: panel.title, untested: [] });
  }
});

test('every query reads the dashboard\'s Prometheus variable, and panel ids are unique', () => {
  for (const panel of panels) for (const target of panel.targets) expect(target.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
  const ids = dashboard.panels.map((p: { id: number }) => p.id);
  expect(new Set(ids).size).toBe(ids.length);
});

test('the panel list, reviewed in the diff when it changes', () => {
  expect(dashboard.panels.map((p: any) => (p.type === 'row' ? `## ${p.title}` : `${p.type}: ${p.title}`))).toMatchSnapshot();
});
