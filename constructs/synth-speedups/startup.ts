/**
 * Imported first by main.ts: start-up costs of cdktf and tsx that buy nothing
 * in a normal synth (README, "Synth speed-ups"; figures in docs/measurements.md).
 *
 * 1. tsx turns on Node's source-map support, which decodes the inline source
 *    map of every cdktf and provider module and maps every frame of every
 *    stack trace.
 * 2. cdktf captures a full stack trace (unlimited depth) for every token it
 *    creates (each `resource.id`), only to quote it in a rare resolution
 *    error. Tokens record no creation stack; real Errors keep theirs, and are
 *    formatted the way V8 does without the source-map lookups.
 * 3. tsx scans every `.js` file it loads for ESM syntax before compiling it:
 *    ~17 MB of cdktf and provider bindings in a full synth. Those packages
 *    are jsii-compiled CommonJS (no `"type": "module"`, no `exports` map), so
 *    they are compiled the way Node's own CommonJS loader does; every other
 *    file still goes through tsx.
 * 4. Those 17 MB are 12 MB of inline source maps (a base64 comment on each
 *    file's last line, 1 MB of kubernetes-cluster's 1.5 MB), which V8 reads
 *    and scans at every compile though nothing uses them with source maps off
 *    (1.). They are cut before compiling: reading and compiling the ~200
 *    modules of a full synth takes ~0.2 s instead of ~0.4 s. Only a comment
 *    that is the file's last line is cut, so line numbers are unchanged.
 *
 * Each has its switch (switches.ts: source-maps, stack-traces, jsii-loader,
 * jsii-source-map-cut); CDKTF_SOURCE_MAPS=1 turns the four off when debugging a
 * crash or a token resolution error.
 */
import Module from 'node:module';
import { readFileSync } from 'node:fs';
import { enabled } from './switches';

interface CommonJsModule {
  _compile(source: string, filename: string): unknown;
}
type Loader = (module: CommonJsModule, filename: string) => unknown;

const SOURCE_MAP_COMMENT = '\n//# sourceMappingURL=';
const NEWLINE = 0x0a;

/** Packages known to ship plain CommonJS: cdktf, constructs and the prebuilt providers. */
const JSII_COMMONJS = /[\\/]node_modules[\\/](?:cdktf|constructs|@cdktf[\\/]provider-[a-z]+)[\\/]lib[\\/].+\.js$/;

if (enabled('source-maps')) process.setSourceMapsEnabled(false);

if (enabled('stack-traces')) {
  Error.prepareStackTrace = (target: unknown, frames: NodeJS.CallSite[]): string => {
    if (!(target instanceof Error)) return '';
    const head = target.message ? `${target.name}: ${target.message}` : target.name;
    return [head, ...frames.map((frame) => `    at ${String(frame)}`)].join('\n');
  };
  // Loaded only when on, like every private path of this folder, so SYNTH_SPEEDUPS=off runs where it does not exist.
  // require keeps cdktf's own exports object (a namespace import would be a copy); cdktf calls it through
  // the module object at each use, so this replaces every call site.
  const stackTrace = require('cdktf/lib/tokens/private/stack-trace') as typeof import('cdktf/lib/tokens/private/stack-trace');
  stackTrace.captureStackTrace = () => [];
}

if (enabled('jsii-loader')) {
  const cut = enabled('jsii-source-map-cut');
  const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
  const tsxLoader = extensions['.js']!;
  extensions['.js'] = (module, filename) =>
    JSII_COMMONJS.test(filename) ? module._compile(cut ? withoutSourceMap(readFileSync(filename)) : readFileSync(filename, 'utf8'), filename) : tsxLoader(module, filename);
}

/** The module's source without a `//# sourceMappingURL=` comment on its last line (4.). */
function withoutSourceMap(source: Buffer): string {
  const comment = source.lastIndexOf(SOURCE_MAP_COMMENT);
  if (comment < 0) return source.toString('utf8');
  const lineEnd = source.indexOf(NEWLINE, comment + 1);
  const lastLine = lineEnd === -1 || lineEnd === source.length - 1;
  return source.toString('utf8', 0, lastLine ? comment + 1 : source.length);
}
