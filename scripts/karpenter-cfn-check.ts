/**
 * npm run -s check:karpenter-cfn -- [--upstream <file>]: compares bootstrap/karpenter-prerequisites.cfn.yaml with
 * upstream's getting-started template of the pinned Karpenter version (lib/versions.json), fetched by
 * scripts/karpenter-cfn.sh, or with the given file. Prints every difference, deliberate ones with their reason;
 * exit status 1 when a difference is not listed as deliberate (charts/bootstrap/karpenter-upstream.ts), 2 on a bad
 * argument. Run it after every Karpenter bump.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import versions from '../lib/versions.json';
import { KARPENTER_TEMPLATE_PATH } from '../charts/bootstrap/cloudformation';
import { compareWithUpstream, DELIBERATE_DIFFERENCES, parseCloudFormation, unexplainedDifferences } from '../charts/bootstrap/karpenter-upstream';

const root = join(__dirname, '..');

function main(args: readonly string[]): number {
  let upstreamPath: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--upstream' && args[i + 1]) upstreamPath = args[++i];
    else {
      console.error(`check:karpenter-cfn: unknown argument ${args[i]}\nusage: npm run -s check:karpenter-cfn -- [--upstream <file>]`);
      return 2;
    }
  }
  const upstream =
    upstreamPath ?? execFileSync(join(root, 'scripts/karpenter-cfn.sh'), [versions.karpenter], { encoding: 'utf8' }).trim();
  const differences = compareWithUpstream(
    parseCloudFormation(readFileSync(join(root, KARPENTER_TEMPLATE_PATH), 'utf8')),
    parseCloudFormation(readFileSync(upstream, 'utf8')),
  );
  const unexplained = unexplainedDifferences(differences);
  console.log(`${KARPENTER_TEMPLATE_PATH} against ${upstream} (Karpenter ${versions.karpenter}):`);
  for (const d of differences) console.log(`  ${d in DELIBERATE_DIFFERENCES ? 'deliberate' : 'DIFFERENT '}  ${d}${d in DELIBERATE_DIFFERENCES ? `\n              why: ${DELIBERATE_DIFFERENCES[d]}` : ''}`);
  if (!differences.length) console.log('  no difference');
  return unexplained.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
