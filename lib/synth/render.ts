/**
 * Rendering: resolved clusters → charts → files, entirely in memory. Nothing here touches the disk; output.ts
 * writes the result only after every cluster rendered and every check passed.
 */
import { App, Chart, type ChartProps, Yaml } from 'cdk8s';
import type { Construct } from 'constructs';
import type { ResolvedCluster } from '../model/resolve';

/**
 * Flux applies a cluster in layers, each a Kustomization over dist/<cluster>/<layer>/, each waiting for the one
 * before: controllers and their CRDs, then what uses the CRDs, then the runners, then what watches them.
 */
export const LAYERS = ['infrastructure', 'configs', 'runners', 'monitoring'] as const;
export type Layer = (typeof LAYERS)[number];

export interface FleetChartProps extends ChartProps {
  /** The Flux layer (folder under dist/<cluster>/) the chart's objects belong to. */
  readonly layer: Layer;
}

/** A chart of one concern, rendered into dist/<cluster>/<layer>/<chart id>/. */
export class FleetChart extends Chart {
  readonly layer: Layer;

  constructor(scope: Construct, id: string, props: FleetChartProps) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    this.layer = props.layer;
  }
}

function isFleetChart(chart: Chart): chart is FleetChart {
  return chart instanceof FleetChart;
}

/** A Kubernetes object as rendered. */
export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** One rendered file, its path relative to the repository root. */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
  /** The object in the file, when the file holds exactly one Kubernetes object. */
  readonly object?: ManifestObject;
}

/** Builds the charts of one cluster into an app; each chart is a FleetChart. */
export type ClusterComposer = (app: App, cluster: ResolvedCluster) => void;

/** Extra files rendered per cluster outside dist/ (Flux entry points in clusters/, the eksctl config in bootstrap/). */
export type ClusterFileRenderer = (cluster: ResolvedCluster, dist: readonly RenderedFile[]) => RenderedFile[];

const SAFE_FILE_NAME = /[^0-9a-zA-Z._-]/g;

/** `dist/<cluster>/<layer>/<chart>/<Kind>.<name>.yaml`: explicit, stable, one object per file. */
export function manifestPath(cluster: string, layer: Layer, chart: string, object: ManifestObject): string {
  const file = `${object.kind}.${object.metadata.name}`.replace(SAFE_FILE_NAME, '');
  return `dist/${cluster}/${layer}/${chart}/${file}.yaml`;
}

/** Serializes one object the way every file in dist/ is written. */
export function toYaml(object: unknown): string {
  return Yaml.stringify(object);
}

/** Renders one cluster's charts into files under dist/<cluster>/. */
export function renderClusterManifests(cluster: ResolvedCluster, compose: ClusterComposer): RenderedFile[] {
  const app = new App({ outdir: '/nonexistent' });
  compose(app, cluster);
  const files: RenderedFile[] = [];
  for (const chart of app.charts) {
    if (!isFleetChart(chart)) {
      throw new Error(`chart "${chart.node.id}" of cluster "${cluster.name}" is not a FleetChart: it has no Flux layer`);
    }
    for (const object of chart.toJson() as ManifestObject[]) {
      files.push({
        path: manifestPath(cluster.name, chart.layer, chart.node.id, object),
        content: toYaml(object),
        object,
      });
    }
  }
  return files;
}
