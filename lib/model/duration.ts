/**
 * Durations written the way Kubernetes and Karpenter write them ("90m", "1h30m", "168h"), parsed to seconds.
 */

const DURATION = /^(?:(?<h>[0-9]+)h)?(?:(?<m>[0-9]+)m)?(?:(?<s>[0-9]+)s)?$/;

/** True when `value` is a duration of hours, minutes and seconds such as "90m", "3h" or "1h30m". */
export function isDuration(value: string): boolean {
  return value !== '' && DURATION.test(value);
}

/** The duration in seconds. Throws on anything but hours, minutes and seconds. */
export function parseDuration(value: string): number {
  const match = value === '' ? null : DURATION.exec(value);
  if (!match?.groups) {
    throw new Error(`'${value}' is not a duration (for example 90m, 3h, 1h30m)`);
  }
  const { h = '0', m = '0', s = '0' } = match.groups;
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** Formats seconds as the shortest h/m/s duration: 5400 → "1h30m". */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const text = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return text || '0s';
}
