/**
 * Assertions added for mutants that survived `npm run mutate` (docs/mutation-testing.md): each
 * pins a setting whose weakening no other test noticed. The harmless survivors are listed there
 * with the reason.
 */
import { describe, expect, it } from 'vitest';
import awsDev from '../config/environments/aws-dev';
import azureProd from '../config/environments/azure-prod';
import { loadEnvironments } from '../config/load';
import { clone, problemsOf } from './helpers';

type Mutable = Record<string, any>;

describe('delivery runners (config/rules-delivery.ts survivors)', () => {
  it('lets GitHub-hosted runners reach an Azure API only when its authorized ranges really are 0.0.0.0/0', () => {
    const env: Mutable = clone(azureProd);
    env.delivery.deployRunner = ['ubuntu-24.04'];
    env.kubernetes.apiServer = { access: 'authorized-ranges', authorizedIpRanges: ['0.0.0.0/0'] };
    // Only the prod internet-exposure rule speaks; the runner is accepted.
    expect(problemsOf(() => loadEnvironments({ 'azure-prod': env }, undefined))).toEqual([
      'config/azure-prod: kubernetes.apiServer.authorizedIpRanges[0]: "0.0.0.0/0" opens the prod API server to the whole internet (allowed: your admin and CI ranges, /16 or narrower, or access "private")',
    ]);
  });

  it('refuses GitHub-hosted runners for a private Azure API even when stray ranges include 0.0.0.0/0', () => {
    const env: Mutable = clone(azureProd);
    env.delivery.planRunner = ['ubuntu-24.04'];
    env.kubernetes.apiServer = { access: 'private', authorizedIpRanges: ['0.0.0.0/0'] };
    expect(problemsOf(() => loadEnvironments({ 'azure-prod': env }, undefined))).toContain(
      'config/azure-prod: delivery.planRunner[0]: "ubuntu-24.04" is a GitHub-hosted runner, which cannot reach the cluster: the cluster API is private (kubernetes.apiServer.access "private") (allowed: labels of self-hosted runners inside the network, such as ["self-hosted", "linux", "x64", "azure-prod"]; or open the endpoint to 0.0.0.0/0 where that is acceptable)',
    );
  });

  it('names every range an AWS endpoint admits when it refuses a hosted runner', () => {
    const env: Mutable = clone(awsDev);
    env.kubernetes.publicEndpointCidrs = ['203.0.113.0/24', '198.51.100.0/24'];
    env.delivery.deployRunner = ['ubuntu-24.04'];
    expect(problemsOf(() => loadEnvironments({ 'aws-dev': env }, undefined))[0]).toContain('admits only kubernetes.publicEndpointCidrs 203.0.113.0/24, 198.51.100.0/24 (allowed:');
  });
});
