/**
 * Kubernetes resource quantities ("500m", "2", "4Gi"), parsed so that definitions can be compared
 * (a job maximum against its default, a job against the largest instance a pool may launch).
 */

const QUANTITY = /^(?<number>[0-9]+(?:\.[0-9]+)?)(?<suffix>m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const MULTIPLIERS: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** True when `value` is a Kubernetes quantity this project accepts: a non-negative decimal with an optional unit. */
export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

/** The quantity's value in base units (cores for CPU, bytes for memory and storage). Throws on a malformed quantity. */
export function parseQuantity(value: string): number {
  const match = QUANTITY.exec(value);
  if (!match?.groups) {
    throw new Error(`'${value}' is not a Kubernetes quantity (for example 500m, 2, 512Mi, 4Gi)`);
  }
  return Number(match.groups.number) * MULTIPLIERS[match.groups.suffix ?? ''];
}

const GIB = 2 ** 30;

/** Formats a byte count for people: "8Gi", "1.5Gi", "512Mi". */
export function formatBytes(bytes: number): string {
  if (bytes >= GIB) return `${Number((bytes / GIB).toFixed(2))}Gi`;
  return `${Number((bytes / 2 ** 20).toFixed(0))}Mi`;
}
