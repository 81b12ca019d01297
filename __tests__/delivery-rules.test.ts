import { describe, expect, it } from 'vitest';
import awsDev from '../config/environments/aws-dev';
import azureProd from '../config/environments/azure-prod';
import { loadEnvironments } from '../config/load';
import { clone, problemsOf } from './helpers';

type Mutable = Record<string, any>;

const only = (name: string, env: Mutable) => () => loadEnvironments({ [name]: env }, undefined);

describe('config: delivery runners must reach the cluster API', () => {
  it('refuses a GitHub-hosted plan runner for an AWS cluster whose endpoint admits only listed ranges', () => {
    const env: Mutable = clone(awsDev);
    env.delivery.planRunner = ['ubuntu-24.04'];
    expect(problemsOf(only('aws-dev', env))).toEqual([
      'config/aws-dev: delivery.planRunner[0]: "ubuntu-24.04" is a GitHub-hosted runner, which cannot reach the cluster: the cluster API admits only kubernetes.publicEndpointCidrs 203.0.113.0/24 (allowed: labels of self-hosted runners inside the network, such as ["self-hosted", "linux", "x64", "aws-dev"]; or open the endpoint to 0.0.0.0/0 where that is acceptable)',
    ]);
  });

  it('refuses windows-* and macos-* deploy runners for a private AWS endpoint', () => {
    const env: Mutable = clone(awsDev);
    env.kubernetes.publicEndpointCidrs = [];
    env.delivery.deployRunner = ['self-hosted', 'windows-latest', 'macos-15'];
    const problems = problemsOf(only('aws-dev', env));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^config\/aws-dev: delivery\.deployRunner\[1\]: "windows-latest" is a GitHub-hosted runner, which cannot reach the cluster: the cluster API is private \(kubernetes\.publicEndpointCidrs is empty\)/);
    expect(problems[1]).toMatch(/^config\/aws-dev: delivery\.deployRunner\[2\]: "macos-15" /);
  });

  it('accepts GitHub-hosted runners for an AWS endpoint open to 0.0.0.0/0 (dev)', () => {
    const env: Mutable = clone(awsDev);
    env.kubernetes.publicEndpointCidrs = ['0.0.0.0/0'];
    env.delivery.planRunner = ['ubuntu-24.04'];
    env.delivery.deployRunner = ['ubuntu-latest'];
    expect(() => loadEnvironments({ 'aws-dev': env }, undefined)).not.toThrow();
  });

  it('refuses a GitHub-hosted runner for an Azure cluster with authorized ranges or a private API server', () => {
    const env: Mutable = clone(azureProd);
    env.delivery.deployRunner = ['ubuntu-22.04'];
    expect(problemsOf(only('azure-prod', env))).toEqual([
      'config/azure-prod: delivery.deployRunner[0]: "ubuntu-22.04" is a GitHub-hosted runner, which cannot reach the cluster: the cluster API admits only kubernetes.apiServer.authorizedIpRanges 198.51.100.0/24, 203.0.113.16/28 (allowed: labels of self-hosted runners inside the network, such as ["self-hosted", "linux", "x64", "azure-prod"]; or open the endpoint to 0.0.0.0/0 where that is acceptable)',
    ]);
    env.kubernetes.apiServer = { access: 'private', authorizedIpRanges: [] };
    expect(problemsOf(only('azure-prod', env))[0]).toContain('the cluster API is private (kubernetes.apiServer.access "private")');
  });

  it('accepts self-hosted labels that merely contain a hosted image name', () => {
    const env: Mutable = clone(awsDev);
    env.delivery.planRunner = ['self-hosted', 'linux', 'runner-ubuntu-24.04'];
    expect(() => loadEnvironments({ 'aws-dev': env }, undefined)).not.toThrow();
  });
});
