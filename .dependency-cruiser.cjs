// The source layers (docs/layers.md), checked by dependency-cruiser in `npm test` (__tests__/layers.test.ts)
// and by `npm run layers`. A layered folder may import itself, the folders listed for it and packages;
// anything else of the project (another folder, a new top-level folder) is a violation. scripts/ and
// main.ts sit on top and may import anything; __tests__/ is not cruised (tests may import anything).
/** @type {Record<string, string[]>} folder -> the project folders it may import besides itself */
const SOURCE_LAYERS = {
  config: [],
  policies: ['config'],
  constructs: ['config', 'policies'],
  stacks: ['constructs', 'config'],
  synth: ['stacks', 'constructs', 'policies', 'config'],
};

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...Object.entries(SOURCE_LAYERS).map(([folder, allowed]) => ({
      name: `${folder}-imports-${allowed.length > 0 ? allowed.join('-') : 'only-itself'}`,
      comment: `${folder}/ may import ${[folder, ...allowed].map((f) => `${f}/`).join(', ')} and packages only (docs/layers.md)`,
      severity: 'error',
      from: { path: `^${folder}/` },
      to: { pathNot: `^(${[folder, ...allowed].join('|')})/|^node_modules/`, dependencyTypesNot: ['core'] },
    })),
    {
      name: 'platform-does-not-import-app',
      comment: 'the platform layer is deployed before the app layer and must not depend on it (docs/layers.md)',
      severity: 'error',
      from: { path: '^constructs/platform/' },
      to: { path: '^constructs/app/' },
    },
    {
      name: 'no-circular',
      comment: 'a module that imports itself through others: move the shared piece down a layer (docs/layers.md)',
      severity: 'error',
      from: { pathNot: '^node_modules/' },
      to: { circular: true },
    },
  ],
  options: {
    // Type-only imports count: a type cycle couples two modules as much as a value cycle.
    tsPreCompilationDeps: true,
    moduleSystems: ['es6', 'cjs'],
    doNotFollow: { path: '^node_modules/' },
    // Generated or not TypeScript sources of the layers: the esbuild bundle, the canary, the tool configs.
    exclude: {
      path: [
        '^(node_modules|__tests__|cdktf\\.out|cdktf\\.out\\.staging|coverage|reports|\\.stryker-tmp)/',
        '^(post-renderers|canaries|charts)/',
        '^[^/]+\\.(mjs|mts|cjs)$',
      ],
    },
  },
};
