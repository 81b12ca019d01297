/**
 * `platform.components` and `app.components`: per-component Helm values merged over the
 * project's last, and toggles (docs/configuration.md, "Customizing a component"). The shape is
 * checked here; what the values may and may not change is checked in rules-components.ts.
 */
import * as v from 'valibot';
import { COMPONENTS, type Cloud, type ComponentName } from './components';
import { bool, maybe, object, record, text } from './schema-kit';
import { secretName } from './schema-platform';

/** Helm values: any JSON object (its content is checked by rules-components.ts). */
const values = v.pipe(
  v.unknown(),
  // Checked first: valibot's record would read a list as an object keyed 0, 1, ...
  v.check((x) => !Array.isArray(x), 'must be an object of Helm values, got a list (allowed: an object of Helm values for the component\'s chart)'),
  record(text('a Helm value key'), v.unknown(), 'an object of Helm values for the component\'s chart'),
);

const toggleAndValues = object({
  /** false removes the component and everything that exists only for it; absent: its default (docs/configuration.md). */
  enabled: maybe(bool()),
  values: maybe(values),
});

/** One component's block as parsed: what the component rules read (rules-components.ts), so a renamed field fails tsc there. */
export type ComponentBlock = v.InferOutput<typeof toggleAndValues>;

/** An environment variable name as POSIX shells and Kubernetes accept it. */
const envName = text('an environment variable name such as OVERWRITE_SETTING_Language: letters, digits and _, not starting with a digit', /^[A-Za-z_][A-Za-z0-9_]{0,127}$/);

const rocketchat = object({
  enabled: maybe(bool()),
  values: maybe(values),
  /** Extra environment variables of the Rocket.Chat container (plain text: nothing secret). */
  env: maybe(record(envName, text('a string value (quote numbers and booleans)'), 'an object of variable name to string value')),
  /** Extra environment variables whose values are secrets in the environment's secret store, by secret name. */
  secretEnv: maybe(record(envName, secretName, 'an object of variable name to secret name')),
});

/** The platform components installed on `cloud`, each optional. */
export function platformComponents(cloud: Cloud) {
  const names = (Object.keys(COMPONENTS) as ComponentName[]).filter((n) => {
    const spec: { layer: string; cloud?: Cloud } = COMPONENTS[n];
    return spec.layer === 'platform' && (spec.cloud === undefined || spec.cloud === cloud);
  });
  const grafanaEdge = object({ enabled: maybe(bool()) });
  return maybe(object(Object.fromEntries(names.map((n) => [n, maybe(n === 'grafanaEdge' ? grafanaEdge : toggleAndValues)])) as Record<string, v.OptionalSchema<typeof toggleAndValues, undefined>>));
}

export const appComponents = maybe(object({ rocketchat: maybe(rocketchat) }));
