/**
 * The flow the folders show, enforced: definitions/ → lib/model → charts/ → lib/synth → files; tools/ and
 * scripts/ sit on top. Run by `npm run lint` (dependency-cruiser reads the real import graph, type imports included).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle makes the order of module initialisation matter and the layers meaningless.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lib-stays-below-the-app',
      severity: 'error',
      comment: 'lib/ is the model and the machinery; it never reaches up into what uses it.',
      from: { path: '^lib/' },
      to: { path: '^(charts|definitions|tools|scripts|main\\.ts)' },
    },
    {
      name: 'model-stays-below-rendering',
      severity: 'error',
      comment: 'The definition model knows nothing of how it is rendered or written.',
      from: { path: '^lib/model/' },
      to: { path: '^lib/(synth|runner)/' },
    },
    {
      name: 'charts-do-not-read-the-fleet',
      severity: 'error',
      comment: 'Charts render the resolved cluster they are given; only tests may use the example definitions.',
      from: { path: '^charts/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(definitions|tools|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|imports|cdk8s\\.out|sample-app)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
