/**
 * npm run gitlab:plan | gitlab:apply | gitlab:rotate -- [options]: the GitLab side of every runner, from the
 * definitions. See docs/gitlab-side.md. Exit status: 0 done / no drift, 1 drift (plan) or work left for a person
 * (apply), 2 error.
 */
import { applyCommand, type CommandOptions, planCommand, rotateCommand } from '../tools/gitlab/commands';
import { makeTokenStore } from '../tools/gitlab/token-store';

const USAGE = `usage:
  npm run -s gitlab:plan   -- [--cluster NAME]... [--markdown FILE]
  npm run -s gitlab:apply  -- [--cluster NAME]... [--markdown FILE] [--token-dir DIR]
  npm run -s gitlab:rotate -- --runner CLUSTER/RUNNER [--token-dir DIR]
environment: GITLAB_TOKEN (or GITLAB_TOKEN_<HOST>, e.g. GITLAB_TOKEN_GITLAB_EXAMPLE_COM); AWS credentials as the AWS CLI
finds them; RUNNER_FLEET_GITLAB_URL points every cluster at one GitLab (tests, a staging instance).`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  const clusters: string[] = [];
  let runner: string | undefined;
  let markdownFile: string | undefined;
  let tokenDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--') && args[i].includes('=') ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)] : [args[i], undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--cluster') clusters.push(value());
    else if (flag === '--runner') runner = value();
    else if (flag === '--markdown') markdownFile = value();
    else if (flag === '--token-dir') tokenDir = value();
    else if (flag === '-h' || flag === '--help') {
      console.log(USAGE);
      return 0;
    } else throw new Error(`unknown argument ${args[i]}`);
  }
  const run = { plan: planCommand, apply: applyCommand, rotate: rotateCommand }[command as 'plan'];
  if (!run) throw new Error(`unknown command "${command ?? ''}"`);
  // Resolving validates every definition; an invalid one is an error (exit 2), not a crash.
  const { fleet } = require('../definitions') as typeof import('../definitions');
  const options: CommandOptions = {
    fleet,
    clusters,
    ...(runner ? { runner } : {}),
    ...(markdownFile ? { markdownFile } : {}),
    env: process.env,
    io: { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
    tokenStore: () => makeTokenStore(tokenDir ? { tokenDir } : {}),
  };
  return run(options);
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: Error) => {
    console.error(`gitlab: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
  },
);
