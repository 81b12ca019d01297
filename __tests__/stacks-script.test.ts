import { describe, expect, it } from 'vitest';
import { deployOrder, planMatrix, type Manifest } from '../scripts/stacks';
import { synthExamples } from './helpers';

const manifest = synthExamples().manifest as Manifest;

describe('CI stack selection', () => {
  it('plans every layer stack with its environment and cloud, never a bootstrap stack', () => {
    const matrix = planMatrix(manifest);
    expect(matrix.find((t) => t.stack === 'aws-prod-cluster')).toEqual({ stack: 'aws-prod-cluster', environment: 'aws-prod', cloud: 'aws' });
    expect(matrix.find((t) => t.stack === 'azure-dev-network')).toEqual({ stack: 'azure-dev-network', environment: 'azure-dev', cloud: 'azure' });
    expect(matrix.some((t) => t.stack.startsWith('bootstrap-'))).toBe(false);
  });

  it('deploys an environment producer first', () => {
    expect(deployOrder(manifest, 'aws-prod')).toEqual(['aws-prod-network', 'aws-prod-cluster', 'aws-prod-platform', 'aws-prod-app']);
  });

  it('orders by dependencies, not by name', () => {
    const fake = { stacks: { 'x-app': { dependencies: ['x-platform'] }, 'x-cluster': { dependencies: ['x-network'] }, 'x-network': {}, 'x-platform': { dependencies: ['x-cluster'] } } };
    expect(deployOrder(fake, 'x')).toEqual(['x-network', 'x-cluster', 'x-platform', 'x-app']);
    expect(() => deployOrder(fake, 'y')).toThrow('no stacks for environment "y" in the manifest');
  });
});
