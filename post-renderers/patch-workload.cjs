/**
 * Helm post-renderer for settings a pinned chart has no value for. Helm pipes the rendered
 * manifests in on stdin and installs what this prints; the helm provider runs it as
 * `node <this file> <patch>` (helm_release.postrender), and so does the render harness.
 *
 * <patch> is JSON: { kind, name, remove: [[key, ...], ...], merge: { ... } }, or a list of them.
 * - remove: paths deleted from the object (absent ones are fine).
 * - merge: maps merged key by key; a list of objects with `name` is merged item by item into the
 *   rendered items of the same name (containers); anything else replaces.
 * The object must be rendered exactly once, and every named item must exist, so a chart bump that
 * renames either fails the install instead of shipping unpatched. Other documents pass through
 * byte for byte.
 *
 * Releases run patch-workload.bundle.cjs, this file with `yaml` bundled in by esbuild
 * (`npm run post-renderer:bundle`), so a machine that runs Terraform needs `node` and nothing else.
 */
'use strict';

const { Buffer } = require('node:buffer');
const { parse, stringify } = require('yaml');

const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNamedList = (v) => Array.isArray(v) && v.length > 0 && v.every((item) => isMap(item) && typeof item.name === 'string');

function merge(target, patch, at) {
  for (const [key, value] of Object.entries(patch)) {
    const here = `${at}.${key}`;
    if (isNamedList(value)) {
      const items = target[key];
      if (!Array.isArray(items)) throw new Error(`${here} is not a list in the rendered object`);
      for (const item of value) {
        const match = items.find((i) => isMap(i) && i.name === item.name);
        if (!match) throw new Error(`${here} has no item named "${item.name}"`);
        merge(match, item, `${here}[${item.name}]`);
      }
    } else if (isMap(value) && isMap(target[key])) {
      merge(target[key], value, here);
    } else {
      target[key] = value;
    }
  }
}

function remove(target, path) {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isMap(node[key])) return;
    node = node[key];
  }
  delete node[path[path.length - 1]];
}

/** The patched manifest stream; throws when a patch does not apply. */
function patchManifests(text, patches) {
  return (Array.isArray(patches) ? patches : [patches]).reduce(patchOne, text);
}

function patchOne(text, patch) {
  let found = 0;
  const chunks = text.split(/^---[ \t]*$/m).map((chunk) => {
    // Only documents that mention the name can be the object: large charts stay unparsed.
    if (!chunk.includes(patch.name)) return chunk;
    const object = parse(chunk);
    if (!isMap(object) || object.kind !== patch.kind || object.metadata?.name !== patch.name) return chunk;
    found += 1;
    for (const path of patch.remove ?? []) remove(object, path);
    merge(object, patch.merge ?? {}, `${patch.kind}/${patch.name}`);
    // Keep the `# Source:` line Helm wrote above the object.
    const comments = chunk.replace(/^\n/, '').match(/^(#.*\n)*/)[0];
    return `\n${comments}${stringify(object, { lineWidth: 0 })}`;
  });
  if (found !== 1) throw new Error(`expected one ${patch.kind} named ${patch.name} in the rendered chart, found ${found}`);
  return chunks.join('---');
}

module.exports = { patchManifests };

if (require.main === module) {
  const patch = JSON.parse(process.argv[2] ?? 'null');
  const valid = (p) => isMap(p) && typeof p.kind === 'string' && typeof p.name === 'string';
  if (!(Array.isArray(patch) ? patch.length > 0 && patch.every(valid) : valid(patch))) {
    process.stderr.write('usage: patch-workload.cjs \'{"kind":"Deployment","name":"...","remove":[["spec","replicas"]],"merge":{...}}\' (or a list of them)\n');
    process.exit(2);
  }
  const input = [];
  process.stdin.on('data', (b) => input.push(b));
  process.stdin.on('end', () => {
    try {
      process.stdout.write(patchManifests(Buffer.concat(input).toString('utf8'), patch));
    } catch (error) {
      process.stderr.write(`patch-workload: ${error.message}\n`);
      process.exit(1);
    }
  });
}
