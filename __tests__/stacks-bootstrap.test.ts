import { beforeAll, describe, expect, it } from 'vitest';
import { byPath, only, synthExamples, type Json } from './support';

let stacks: Record<string, Json>;

beforeAll(() => {
  stacks = synthExamples().stacks;
});

describe('state bootstrap stacks', () => {
  it('creates one per state store, named after it', () => {
    expect(Object.keys(stacks).filter((s) => s.startsWith('bootstrap-')).sort()).toEqual(['bootstrap-euc1-222222222222', 'bootstrap-euw1-111111111111',
      'bootstrap-euw1-222222222222', 'bootstrap-exrctfstatedev01', 'bootstrap-exrctfstatedr01', 'bootstrap-exrctfstateprod01']);
  });

  it('keeps its own state in the store it creates (local only for the first apply: __tests__/ci.test.ts)', () => {
    expect(stacks['bootstrap-exrctfstatedev01']!.terraform.backend.azurerm).toMatchObject({ storage_account_name: 'exrctfstatedev01',
      key: 'bootstrap/bootstrap-exrctfstatedev01.tfstate' });
  });

  describe('aws', () => {
    let s: Json;
    beforeAll(() => (s = stacks['bootstrap-euw1-222222222222']!));

    it('protects the bucket and its key from destroy', () => {
      expect(only(s, 'aws_s3_bucket')).toMatchObject({ bucket: 'example-rocketchat-tfstate-222222222222', force_destroy: false, lifecycle: {
        prevent_destroy: true } });
      expect(byPath(s, 'aws_kms_key', 'state-key/key')).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: {
        prevent_destroy: true } });
    });

    it('versions and encrypts with the customer key', () => {
      expect(only(s, 'aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
      const rule = only(s, 'aws_s3_bucket_server_side_encryption_configuration').rule[0];
      expect(rule.apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
      expect(rule.apply_server_side_encryption_by_default.kms_master_key_id).toMatch(/aws_kms_key\..*\.arn/);
    });

    it('blocks public access and ACLs', () => {
      expect(only(s, 'aws_s3_bucket_public_access_block')).toMatchObject({
        block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
      });
      expect(only(s, 'aws_s3_bucket_ownership_controls').rule.object_ownership).toBe('BucketOwnerEnforced');
    });

    it('denies plain HTTP and TLS below 1.2', () => {
      const policy = JSON.parse(only(s, 'aws_s3_bucket_policy').policy);
      expect(policy.Statement.slice(0, 2).map((st: Json) => [st.Effect, st.Condition])).toEqual([['Deny', { Bool: { 'aws:SecureTransport': 'false' } }],
        ['Deny', { NumericLessThan: { 's3:TlsVersion': '1.2' } }]]);
      // No access point reaches the bucket: its policy would be a door this one does not see. (The IAM evaluator's data lists
      // s3:DataAccessPointArn for bucket-level actions only: stacks-access-matrix.test.ts evaluates one, the object actions are held here.)
      expect(policy.Statement.find((st: Json) => st.Sid === 'NoAccessPoints')).toEqual({ Sid: 'NoAccessPoints', Effect: 'Deny', Principal: '*', Action: 's3:*',
        Resource: ['arn:aws:s3:::example-rocketchat-tfstate-222222222222', 'arn:aws:s3:::example-rocketchat-tfstate-222222222222/*'],
        Condition: { Null: { 's3:DataAccessPointArn': 'false' } } });
      // The rest fence the account's CI roles (evaluated in stacks-access-matrix.test.ts): denies, each limited to them.
      for (const st of policy.Statement.slice(2).filter((st: Json) => st.Sid !== 'NoAccessPoints')) expect([st.Effect, JSON.stringify(st.Condition)])
        .toEqual(['Deny', expect.stringContaining('aws:PrincipalArn')]);
    });
  });

  describe('azure', () => {
    let s: Json;
    beforeAll(() => (s = stacks['bootstrap-exrctfstateprod01']!));

    it('hardens the storage account and protects it from destroy', () => {
      expect(only(s, 'azurerm_storage_account')).toMatchObject({ name: 'exrctfstateprod01', min_tls_version: 'TLS1_2', https_traffic_only_enabled: true,
        allow_nested_items_to_be_public: false, shared_access_key_enabled: false, infrastructure_encryption_enabled: true, account_replication_type: 'GZRS',
        blob_properties: { versioning_enabled: true, delete_retention_policy: { days: 30 }, container_delete_retention_policy: { days: 30 } },
        lifecycle: { prevent_destroy: true } });
    });

    it('creates a private container, a read-only lock over the store and the CI identities, and data access for the deployer', () => {
      expect(only(s, 'azurerm_storage_container')).toMatchObject({ name: 'tfstate', container_access_type: 'private', lifecycle: { prevent_destroy: true } });
      const lock = only(s, 'azurerm_management_lock');
      expect(lock).toMatchObject({ lock_level: 'ReadOnly', scope: '${azurerm_resource_group.resource-group.id}' });
      // Created after everything it locks, federated credentials included.
      expect(lock.depends_on).toEqual(expect.arrayContaining(['azurerm_storage_account.state_account_58633B45', expect
        .stringMatching(/^azurerm_federated_identity_credential\./)]));
      expect(byPath(s, 'azurerm_role_assignment', 'deployer-state-access')).toMatchObject({ role_definition_name: 'Storage Blob Data Contributor',
        principal_id: '${data.azurerm_client_config.current.object_id}' });
    });
  });
});

/** Terraform interpolations (`${replace(x, "https://", "")}`) hold quotes: one placeholder each, braces balanced. */
function withoutInterpolations(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('${', i)) {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
      }
      out += `TF${i}`;
      i = j;
    } else out += text[i];
  }
  return out;
}

/** Every policy document (a JSON string with a Statement list) anywhere in a resource or data source of the stack. */
function policyDocuments(stack: Json): Array<{ where: string; statements: Json[] }> {
  const found: Array<{ where: string; statements: Json[] }> = [];
  const walk = (value: unknown, where: string): void => {
    if (typeof value === 'string' && value.startsWith('{') && value.includes('"Statement"')) {
      const doc = JSON.parse(withoutInterpolations(value)) as Json;
      found.push({ where, statements: [doc.Statement].flat() as Json[] });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${where}.${k}`);
  };
  walk(stack.resource, 'resource');
  walk(stack.data, 'data');
  return found;
}

describe('policy documents', () => {
  it('every IAM, bucket and key policy of every stack has unique Sids and no value twice in a condition, action or resource list (S3 refuses such a ' +
    'bucket policy: MalformedPolicy)', () => {
    let documents = 0;
    for (const [name, stack] of Object.entries(stacks)) {
      for (const { where, statements } of policyDocuments(stack)) {
        documents++;
        const sids = statements.map((s) => s.Sid as string | undefined).filter((s) => s !== undefined);
        expect(sids.filter((s, i) => sids.indexOf(s) !== i), `${name} ${where}: repeated Sids`).toEqual([]);
        for (const s of statements) {
          const lists: Array<[string, unknown]> = ['Action', 'NotAction', 'Resource', 'NotResource'].map((k) => [k, s[k]]);
          for (const [operator, block] of Object.entries((s.Condition ?? {}) as Json)) {
            for (const [key, values] of Object.entries(block as Json)) lists.push([`${operator} ${key}`, values]);
          }
          for (const [what, values] of lists) {
            if (!Array.isArray(values)) continue;
            expect(values.filter((v, i) => values.indexOf(v) !== i), `${name} ${where} ${s.Sid ?? ''} ${what}: repeated values`).toEqual([]);
          }
        }
      }
    }
    // Bucket, key, role, trust and boundary policies of both clouds' stacks: a walk that finds none proves nothing.
    expect(documents).toBeGreaterThan(50);
  });
});
