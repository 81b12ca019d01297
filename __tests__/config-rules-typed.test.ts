/**
 * The cross-field rules read an environment file through the schema's types (config/rules-kit.ts):
 * a renamed field fails `tsc --noEmit` in every rule that still reads the old name
 * (__tests__/fixtures/stale-rule.ts holds that, checked by npm test's tsc run). Here: no rule
 * module keeps an untyped way in, paths come out as messages spell them, and a file the schema
 * refused is still read by the rules for every value whose type it kept.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { fieldPath } from '../config/rules-kit';
import type { AwsEnvironment } from '../config/schema';
import { clone, problemsOf, type Json } from './support';

const CONFIG = resolve(__dirname, '../config');

describe('typed config rules', () => {
  it('rule modules have no untyped reader of the environment and no field path written as a string', () => {
    const rules = readdirSync(CONFIG).filter((f) => /^rules(-.*)?\.ts$/.test(f) || f === 'load.ts' || f === 'registry.ts');
    const untyped = rules.flatMap((file) => {
      const text = readFileSync(join(CONFIG, file), 'utf8');
      return [/\b(obj|arr)\(/, /\bLoose\b/, /\b(path|field): ['`](name|domain|tags|state|network|kubernetes|platform|app|delivery|aws|azure|keyVault)\b/]
        .filter((pattern) => pattern.test(text))
        .map((pattern) => `${file}: ${pattern.source}`);
    });
    expect(rules.length).toBeGreaterThan(10);
    expect(untyped).toEqual([]);
  });

  it('the stale-rule fixture is type-checked by npm test and holds one expected error per stale name', () => {
    const tsconfig = JSON.parse(readFileSync(resolve(__dirname, '../tsconfig.json'), 'utf8')) as { include: string[] };
    expect(tsconfig.include).toContain('__tests__/**/*.ts');
    expect(readFileSync(resolve(__dirname, 'fixtures/stale-rule.ts'), 'utf8').match(/^\s*\/\/ @ts-expect-error/gm)).toHaveLength(7);
  });

  it('fieldPath spells paths as the problems do', () => {
    expect(fieldPath((e) => e.kubernetes.nodePools[2]?.name)).toBe('kubernetes.nodePools[2].name');
    expect(fieldPath<AwsEnvironment>((e) => e.network.availabilityZones)).toBe('network.availabilityZones');
    expect(fieldPath((e) => e.app.restore?.from.region)).toBe('app.restore.from.region');
  });

  it('a field written with the wrong type is refused once: the rules neither read it nor call it missing', () => {
    const prod = clone(ENVIRONMENTS['aws-prod']) as Json;
    prod.app.rocketchat.licenseSecret = 5;
    prod.app.rocketchat.rollout = { preStopSeconds: '90', drainSeconds: 300 };
    expect(problemsOf(() => loadEnvironments({ 'aws-prod': prod }, 'aws-prod'))).toEqual([
      'config/aws-prod: app.rocketchat.rollout.preStopSeconds: must be a number, got string "90" (allowed: an integer from 5 to 1800)',
      'config/aws-prod: app.rocketchat.licenseSecret: must be a string, got number 5 (allowed: a Secrets Manager / Key Vault secret name: 1-127 letters, ' +
        'digits and hyphens)',
    ]);
  });
});
