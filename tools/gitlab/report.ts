/** The plan as people read it: text for the terminal and CI logs, Markdown for a merge request. Never a token. */
import { describeDestination, describeScope, type RunnerSettings } from './desired';
import type { Action, InstancePlan, SettingChange } from './plan';
import { subject } from './plan';

const SYMBOL: Record<Action['kind'], string> = { create: '+', update: '~', replace: '±', unchanged: '=', delete: '-', conflict: '!' };

function value(field: keyof RunnerSettings, v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (field === 'maximum_timeout' && typeof v === 'number') return v % 3600 === 0 ? `${v / 3600}h` : v % 60 === 0 ? `${v / 60}m` : `${v}s`;
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

const change = (c: SettingChange) => `${c.field} ${value(c.field, c.from)} → ${value(c.field, c.to)}`;

function settingsLine(s: RunnerSettings): string {
  return `tags ${value('tag_list', s.tag_list)}, run untagged ${s.run_untagged}, maximum timeout ${value('maximum_timeout', s.maximum_timeout)}, access ${s.access_level}, locked ${s.locked}, paused ${s.paused}`;
}

/** What an action would do, in one line. */
export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'create':
      return `create: ${settingsLine(action.desired.settings)}; token to ${describeDestination(action.desired.token)}`;
    case 'update':
      return `update: ${action.changes.map(change).join('; ')}`;
    case 'replace':
      return `replace: it is a ${action.actual.runnerType.replace('_type', '')} runner, the definition says ${describeScope(action.desired.scope)}; GitLab cannot move it, so a new runner is created (new token to ${describeDestination(action.desired.token)}) and #${action.actual.id} deleted`;
    case 'unchanged':
      return 'matches the definition';
    case 'delete':
      return 'delete: owned by this repository, no longer defined';
    case 'conflict':
      return `conflict: ${action.actuals.length} runners carry this key; nothing is done until the extra ones are deleted in GitLab`;
  }
}

function counts(plans: readonly InstancePlan[]): string {
  const all = plans.flatMap((p) => p.actions);
  const n = (kind: Action['kind']) => all.filter((a) => a.kind === kind).length;
  const parts = [`${n('create')} to create`, `${n('update')} to update`, `${n('replace')} to replace`, `${n('delete')} to delete`, `${n('unchanged')} unchanged`];
  if (n('conflict')) parts.push(`${n('conflict')} in conflict`);
  const expiring = plans.reduce((sum, p) => sum + p.warnings.length, 0);
  if (expiring) parts.push(`${expiring} token(s) expiring`);
  return parts.join(', ');
}

export function planText(plans: readonly InstancePlan[]): string {
  const lines: string[] = [];
  for (const plan of plans) {
    lines.push(`GitLab ${plan.gitlabUrl}`);
    const width = Math.max(0, ...plan.actions.map((a) => subject(a).length));
    for (const action of plan.actions) lines.push(`  ${SYMBOL[action.kind]} ${subject(action).padEnd(width)}  ${describeAction(action)}`);
    for (const warning of plan.warnings) lines.push(`  ! ${warning}`);
  }
  lines.push(`Plan: ${counts(plans)}.`);
  return `${lines.join('\n')}\n`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function planMarkdown(plans: readonly InstancePlan[]): string {
  const lines = ['### GitLab runners', ''];
  for (const plan of plans) {
    lines.push(`**${plan.gitlabUrl}**`, '', '| | runner | what |', '|---|---|---|');
    for (const action of plan.actions) lines.push(`| ${SYMBOL[action.kind]} | ${cell(subject(action))} | ${cell(describeAction(action))} |`);
    lines.push('');
    for (const warning of plan.warnings) lines.push(`- ⚠️ ${warning}`);
    if (plan.warnings.length) lines.push('');
  }
  lines.push(`Plan: ${counts(plans)}.`, '');
  return lines.join('\n');
}
