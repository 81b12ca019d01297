/**
 * The synth speed-ups (constructs/synth-speedups/) change how fast a synth runs, never what it
 * writes: every example environment synthesized with all of them off (SYNTH_SPEEDUPS=off, one
 * child process) is byte for byte the run's own synth (global-setup.ts: main.ts with them on, or
 * with those on that SYNTH_SPEEDUPS_OFF leaves on, to re-verify them one at a time).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPEEDUPS, readSwitches } from '../constructs/synth-speedups/switches';
import { ENVIRONMENTS } from '../config/environments';
import { run } from '../synth/run';
import { examplesOutdir, problemsOf, tempDir } from './support';
import { synthCommand } from './support/synth-command';

/** What a synth writes: manifest.json and everything under stacks/ (not the render or a Terraform run of other tests). */
function synthesizedFiles(outdir: string): string[] {
  const files = ['manifest.json'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== '.terraform') walk(path);
      else if (entry.isFile()) files.push(relative(outdir, path));
    }
  };
  walk(join(outdir, 'stacks'));
  return files.sort();
}

const dir = tempDir();
const probeFile = join(dir, 'probe.json');
const offOutdir = join(dir, 'cdktf.out');

/**
 * Preloaded into the off synth: at exit, the process that synthesized records whether the start-up
 * speed-ups really stayed off (Node's defaults under tsx) and whether ProjectAsset kept cdktf's copy.
 */
const PROBE = `
process.on('exit', () => {
  const { join } = require('node:path');
  const app = Object.keys(require.cache).find((f) => f.endsWith(join('constructs', 'project-asset.ts')));
  if (!app) return;
  const stackTrace = require(require.resolve('cdktf/lib/tokens/private/stack-trace', { paths: [${JSON.stringify(join(__dirname, '..'))}] }));
  const asset = require.cache[app].exports.ProjectAsset;
  require('node:fs').writeFileSync(${JSON.stringify(probeFile)}, JSON.stringify({
    sourceMaps: process.sourceMapsEnabled,
    stackTraceCaptured: stackTrace.captureStackTrace().length > 0,
    jsiiLoader: String(require('node:module')._extensions['.js']).includes('JSII_COMMONJS'),
    assetCopy: Object.hasOwn(asset.prototype, '_onSynthesize'),
  }));
});
`;

beforeAll(async () => {
  const probe = join(dir, 'probe.cjs');
  writeFileSync(probe, PROBE);
  const { command, args, env } = synthCommand(offOutdir, 'off');
  await promisify(execFile)(command, args, { env: { ...env, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --require ${probe}`.trim() } });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('synth speed-ups', () => {
  it('all off: every example writes the same files, byte for byte, as with all on', () => {
    const on = examplesOutdir();
    const files = synthesizedFiles(offOutdir);
    expect(files).toEqual(synthesizedFiles(on));
    expect(files.length).toBeGreaterThan(30);
    const different = files.filter((f) => !readFileSync(join(offOutdir, f)).equals(readFileSync(join(on, f))));
    expect(different).toEqual([]);
  });

  it('SYNTH_SPEEDUPS=off really leaves tsx and cdktf as they are', () => {
    expect(JSON.parse(readFileSync(probeFile, 'utf8'))).toEqual({ sourceMaps: true, stackTraceCaptured: true, jsiiLoader: false, assetCopy: false });
  });

  it('reads SYNTH_SPEEDUPS, SYNTH_SPEEDUPS_OFF and CDKTF_SOURCE_MAPS, and names a wrong value', () => {
    expect([...readSwitches({}).off]).toEqual([]);
    expect([...readSwitches({ SYNTH_SPEEDUPS: 'off' }).off]).toEqual(Object.keys(SPEEDUPS));
    expect([...readSwitches({ SYNTH_SPEEDUPS_OFF: ' resolve-document, asset-copy ' }).off]).toEqual(['resolve-document', 'asset-copy']);
    expect([...readSwitches({ CDKTF_SOURCE_MAPS: '1' }).off]).toEqual(['source-maps', 'stack-traces', 'jsii-loader', 'jsii-source-map-cut']);
    expect(readSwitches({ SYNTH_SPEEDUPS: 'of', SYNTH_SPEEDUPS_OFF: 'resolve,asset-copy' }).problems).toEqual([
      'SYNTH_SPEEDUPS: "of" is not a setting (allowed: on, off)',
      'SYNTH_SPEEDUPS_OFF: "resolve" is not a speed-up (allowed: source-maps, stack-traces, jsii-loader, jsii-source-map-cut, skip-prepare, ' +
        'stack-document, resolve-document, asset-hash, asset-copy, output-move)',
    ]);
  });

  it('no file outside constructs/synth-speedups reaches into cdktf, constructs or Node internals', () => {
    const root = join(__dirname, '..');
    // Every source git sees (tracked or new, in any folder), but the speed-ups' own and the tests.
    const listed = ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.cjs', '*.mjs', '*.js'];
    const tracked = execFileSync('git', listed, { cwd: root, encoding: 'utf8' }).split('\n');
    const files = tracked.filter((f) => f !== '' && !f.startsWith('__tests__/') && !f.startsWith('constructs/synth-speedups/'));
    expect(files).toEqual(expect.arrayContaining(['main.ts', 'synth/run.ts', 'stacks/environments.ts', 'scripts/bench.ts']));
    const internals =
      /(?:cdktf|constructs)\/lib\/|Module\._|_extensions|require\.cache|prepareStackTrace|setSourceMapsEnabled|_onSynthesize|rawOverrides|cdktfVersion/;
    expect(files.filter((f) => internals.test(readFileSync(join(root, f), 'utf8')))).toEqual([]);
  });

  it('refuses a wrong switch value before anything is synthesized', () => {
    const outdir = join(dir, 'refused');
    const before = process.env.SYNTH_SPEEDUPS_OFF;
    process.env.SYNTH_SPEEDUPS_OFF = 'asset-cache';
    try {
      expect(problemsOf(() => run(ENVIRONMENTS, 'aws-dev', outdir))).toEqual([
        'SYNTH_SPEEDUPS_OFF: "asset-cache" is not a speed-up (allowed: source-maps, stack-traces, jsii-loader, jsii-source-map-cut, skip-prepare, ' +
          'stack-document, resolve-document, asset-hash, asset-copy, output-move)',
      ]);
    } finally {
      if (before === undefined) delete process.env.SYNTH_SPEEDUPS_OFF;
      else process.env.SYNTH_SPEEDUPS_OFF = before;
    }
    expect(existsSync(outdir)).toBe(false);
  });
});
