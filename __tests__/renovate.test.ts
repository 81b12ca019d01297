import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHARTS, CLUSTER_AUTOSCALER_IMAGES, EKS_ADDON_VERSIONS, IMAGES } from '../config/versions';

interface CustomManager {
  customType: string;
  managerFilePatterns: string[];
  matchStrings: string[];
  matchStringsStrategy?: 'any' | 'recursive' | 'combination';
  depNameTemplate?: string;
  packageNameTemplate?: string;
  datasourceTemplate: string;
}

const root = join(__dirname, '..');
const renovate = JSON.parse(readFileSync(join(root, 'renovate.json'), 'utf8')) as {
  enabledManagers: string[];
  customManagers: CustomManager[];
  packageRules: Array<Record<string, any>>;
  lockFileMaintenance: { enabled: boolean };
  terraform: { managerFilePatterns: string[] };
};
const versionsFile = 'config/versions.ts';
const source = readFileSync(join(root, versionsFile), 'utf8');

type Dep = Record<string, string>;

/** Renovate's regex manager ("any" and "recursive" strategies, templates with {{{group}}}), run on one file. */
function extract(manager: CustomManager, path: string, content: string): Dep[] {
  if (!manager.managerFilePatterns.some((p) => new RegExp(p.slice(1, -1)).test(path))) return [];
  const template = (t: string | undefined, groups: Dep) => t?.replace(/\{\{\{(\w+)\}\}\}/g, (_, k: string) => groups[k] ?? '');
  const dep = (groups: Dep, replaceString: string): Dep => {
    const d: Dep = { ...groups, datasource: manager.datasourceTemplate };
    if (manager.depNameTemplate) d.depName = template(manager.depNameTemplate, groups)!;
    if (manager.packageNameTemplate) d.packageName = template(manager.packageNameTemplate, groups)!;
    expect(replaceString, 'Renovate replaces currentValue inside the matched text').toContain(d.currentValue);
    return d;
  };
  const all = (re: string, text: string) => [...text.matchAll(new RegExp(re, 'g'))];
  if (manager.matchStringsStrategy === 'recursive') {
    const walk = (text: string, i: number, groups: Dep): Dep[] =>
      i === manager.matchStrings.length ? [dep(groups, text)] : all(manager.matchStrings[i]!, text).flatMap((m) => walk(m[0], i + 1, { ...groups, ...(m
        .groups as Dep) }));
    return walk(content, 0, {});
  }
  return manager.matchStrings.flatMap((re) => all(re, content).map((m) => dep({ ...(m.groups as Dep) }, m[0])));
}

const deps = (datasource: string) => renovate.customManagers.flatMap((m) => extract(m, versionsFile, source)).filter((d) => d.datasource === datasource);

/** What every regex manager finds in one file of the repository. */
const depsIn = (path: string) => renovate.customManagers.flatMap((m) => extract(m, path, readFileSync(join(root, path), 'utf8')));

describe('renovate: managers', () => {
  it('updates npm packages, GitHub Actions, .nvmrc, the provider lock files, and the pins regex managers find', () => {
    expect(renovate.enabledManagers).toEqual(['npm', 'github-actions', 'custom.regex', 'nvm', 'terraform']);
    for (const m of renovate.customManagers) expect(m.customType).toBe('regex');
  });

  it('holds new npm and action releases for 7 days, with no PR before then', () => {
    const age = renovate.packageRules.filter((r) => r.minimumReleaseAge);
    expect(age).toEqual([expect.objectContaining({ matchManagers: ['npm', 'github-actions'], minimumReleaseAge: '7 days', internalChecksFilter: 'strict' })]);
  });

  it('maintains the provider lock files\' checksums and never moves a provider version itself', () => {
    expect(renovate.lockFileMaintenance.enabled).toBe(true);
    const pattern = new RegExp(renovate.terraform.managerFilePatterns[0]!.slice(1, -1));
    expect(pattern.test('provider-locks/aws-helm-kubernetes-random/versions.tf')).toBe(true);
    expect(pattern.test('cdktf.out/stacks/aws-prod-app/cdk.tf.json')).toBe(false);
    expect(renovate.packageRules).toContainEqual(expect.objectContaining({ matchManagers: ['terraform'], matchUpdateTypes: ['major', 'minor', 'patch',
      'pin', 'digest'], enabled: false }));
  });

  it('finds the EKS node image release in every AWS environment, and Terraform and kubelogin in every workflow that installs them', () => {
    for (const env of ['aws-dev', 'aws-prod', 'aws-dr']) {
      expect(depsIn(`config/environments/${env}.ts`), env).toEqual([{ currentValue: '20260714', depName: 'awslabs/amazon-eks-ami',
        datasource: 'github-releases' }]);
    }
    expect(depsIn('config/environments/azure-prod.ts')).toEqual([]);
    const workflows = ['ci.yml', 'deploy-environment.yml', 'drift.yml'].flatMap((f) => depsIn(`.github/workflows/${f}`).map((d) => `${f} ${d.depName} ${d
      .currentValue}`));
    expect(workflows).toEqual(['ci.yml Azure/kubelogin v0.2.19', 'ci.yml hashicorp/terraform 1.11.4', 'ci.yml hashicorp/terraform 1.11.4',
      'deploy-environment.yml Azure/kubelogin v0.2.19', 'deploy-environment.yml Azure/kubelogin v0.2.19', 'deploy-environment.yml Azure/kubelogin v0.2.19',
      'deploy-environment.yml hashicorp/terraform 1.11.4', 'deploy-environment.yml hashicorp/terraform 1.11.4',
      'deploy-environment.yml hashicorp/terraform 1.11.4', 'drift.yml Azure/kubelogin v0.2.19', 'drift.yml hashicorp/terraform 1.11.4']);
  });
});

describe('renovate: the regex managers still match config/versions.ts', () => {
  it('finds every Helm chart pin with its repository', () => {
    const helm = deps('helm');
    expect(helm).toContainEqual({ registryUrl: 'https://charts.jetstack.io', depName: 'cert-manager', currentValue: 'v1.21.1', datasource: 'helm' });
    expect(helm).toContainEqual({ registryUrl: 'https://rocketchat.github.io/helm-charts', depName: 'rocketchat', currentValue: '7.0.2', datasource: 'helm' });
    const oci = deps('docker').filter((d) => d.chart);
    expect(oci).toEqual([{ registry: 'mcr.microsoft.com/application-lb/charts', chart: 'alb-controller', currentValue: '1.13.0',
      depName: 'mcr.microsoft.com/application-lb/charts/alb-controller', datasource: 'docker' }]);
    // Every chart in CHARTS is matched, so a new or reformatted entry cannot silently drop out.
    const found = [...helm.map((d) => `${d.depName}@${d.currentValue}`), ...oci.map((d) => `${d.chart}@${d.currentValue}`)].sort();
    expect(found).toEqual(Object.values(CHARTS).map((c) => `${c.chart}@${c.version}`).sort());
  });

  it('finds every image the app names and the cluster-autoscaler image per Kubernetes minor', () => {
    const images = deps('docker').filter((d) => !d.chart);
    expect(images).toContainEqual({ depName: 'percona/percona-server-mongodb', currentValue: '8.0.19-7', datasource: 'docker' });
    expect(images).toContainEqual({ depName: 'percona/mongodb_exporter', currentValue: '0.53.0', datasource: 'docker' });
    expect(images).toContainEqual({ kubernetesVersion: '1.35', currentValue: 'v1.35.0', depName: 'registry.k8s.io/autoscaling/cluster-autoscaler',
      datasource: 'docker' });
    expect(images.filter((d) => !d.kubernetesVersion).map((d) => `${d.depName}:${d.currentValue}`).sort()).toEqual(Object.values(IMAGES).sort());
    expect(images.filter((d) => d.kubernetesVersion).map((d) => [d.kubernetesVersion, d.currentValue])).toEqual(Object.entries(CLUSTER_AUTOSCALER_IMAGES));
  });

  it('finds every EKS add-on version with the Kubernetes minor it is for', () => {
    const addons = deps('aws-eks-addon');
    expect(addons).toContainEqual({ kubernetesVersion: '1.35', addonName: 'coredns', currentValue: 'v1.14.2-eksbuild.4', depName: 'coredns',
      packageName: '{"kubernetesVersion":"1.35","addonName":"coredns"}', datasource: 'aws-eks-addon' });
    expect(addons).toContainEqual(expect.objectContaining({ packageName: '{"kubernetesVersion":"1.34","addonName":"aws-ebs-csi-driver"}',
      currentValue: 'v1.62.0-eksbuild.1' }));
    const expected = Object.entries(EKS_ADDON_VERSIONS).flatMap(([k8s, row]) => Object.entries(row).map(([name, version]) => `${k8s} ${name} ${version}`));
    expect(addons.map((d) => `${d.kubernetesVersion} ${d.addonName} ${d.currentValue}`).sort()).toEqual(expected.sort());
  });
});
