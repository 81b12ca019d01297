/** helm_release lookups in a synthesized stack, by Helm release name (not the construct id). */
import { resources, type Json } from './synth';

/** The one release named `name` in `stack`, without cdktf's metadata. */
export function release(stack: Json, name: string): Json {
  const found = resources(stack, 'helm_release').filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one helm_release named ${name}, found ${found.length}`);
  return found[0]!;
}

/** A release's values document (the first of `values`), parsed. */
export const valuesOf = (r: Json): Json => JSON.parse(r.values[0]);

/** The objects a raw-objects release (charts/cluster-objects) installs. */
export const objectsOf = (stack: Json, name: string): Json[] => valuesOf(release(stack, name)).objects;

/** How depends_on names the release called `name`: `helm_release.<construct id>`. */
export function releaseRef(stack: Json, name: string): string {
  const found = Object.entries<Json>(stack.resource?.helm_release ?? {}).find(([, r]) => r.name === name);
  if (!found) throw new Error(`no helm_release named ${name}`);
  return `helm_release.${found[0]}`;
}

/** Changes the values of the release named `name` in place, in a test's own copy of a synthesized stack. */
export function editValues(stack: Json, name: string, change: (values: Json) => void): void {
  const found = Object.values<Json>(stack.resource?.helm_release ?? {}).filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one helm_release named ${name}, found ${found.length}`);
  const values = valuesOf(found[0]!);
  change(values);
  found[0]!.values = [JSON.stringify(values)];
}
