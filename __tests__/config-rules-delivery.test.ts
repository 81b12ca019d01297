import { describe, expect, it } from 'vitest';
import awsDev from '../config/environments/aws-dev';
import azureProd from '../config/environments/azure-prod';
import { loadEnvironments } from '../config/load';
import { clone, problemsOf, validate } from './support';

type Mutable = Record<string, any>;

describe('config: delivery runners must reach the cluster API', () => {
  it('refuses a GitHub-hosted plan runner for an AWS cluster whose endpoint admits only listed ranges', () => {
    const env: Mutable = clone(awsDev);
    env.delivery.planRunner = ['ubuntu-24.04'];
    expect(problemsOf(validate('aws-dev', env))).toEqual([
      'config/aws-dev: delivery.planRunner[0]: "ubuntu-24.04" is a GitHub-hosted runner, which cannot reach the cluster: the cluster API admits only ' +
        'kubernetes.publicEndpointCidrs 203.0.113.0/24 (allowed: labels of self-hosted runners inside the network, such as ["self-hosted", "linux", ' +
        '"x64", "aws-dev"]; or open the endpoint to 0.0.0.0/0 where that is acceptable)',
    ]);
  });

  it('refuses windows-* and macos-* deploy runners for a private AWS endpoint', () => {
    const env: Mutable = clone(awsDev);
    env.kubernetes.publicEndpointCidrs = [];
    env.delivery.deployRunner = ['self-hosted', 'windows-latest', 'macos-15'];
    const problems = problemsOf(validate('aws-dev', env));
    expect(problems).toHaveLength(2);
    expect(problems[0])
      .toMatch(new RegExp(
        '^config\\/aws-dev: delivery\\.deployRunner\\[1\\]: "windows-latest" is a GitHub-hosted runner, which cannot reach the cl' +
        'uster: the cluster API is private \\(kubernetes\\.publicEndpointCidrs is empty\\)',
      ));
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
    expect(problemsOf(validate('azure-prod', env))).toEqual([
      'config/azure-prod: delivery.deployRunner[0]: "ubuntu-22.04" is a GitHub-hosted runner, which cannot reach the cluster: the cluster API admits ' +
        'only kubernetes.apiServer.authorizedIpRanges 198.51.100.0/24, 203.0.113.16/28 (allowed: labels of self-hosted runners inside the network, such ' +
        'as ["self-hosted", "linux", "x64", "azure-prod"]; or open the endpoint to 0.0.0.0/0 where that is acceptable)',
    ]);
    env.kubernetes.apiServer = { access: 'private', authorizedIpRanges: [] };
    expect(problemsOf(validate('azure-prod', env))[0]).toContain('the cluster API is private (kubernetes.apiServer.access "private")');
  });

  it('accepts self-hosted labels that merely contain a hosted image name', () => {
    const env: Mutable = clone(awsDev);
    env.delivery.planRunner = ['self-hosted', 'linux', 'runner-ubuntu-24.04'];
    expect(() => loadEnvironments({ 'aws-dev': env }, undefined)).not.toThrow();
  });
});

describe('config: plan and deploy runners, reviewers, repository', () => {
  it('refuses plan and deploy label sets GitHub could match to the same runner, naming both fields', () => {
    const env: Mutable = clone(awsDev);
    env.delivery.planRunner = ['self-hosted', 'linux', 'x64', 'aws-dev'];
    env.delivery.deployRunner = ['self-hosted', 'linux', 'x64', 'aws-dev'];
    expect(problemsOf(validate('aws-dev', env))).toEqual([
      'config/aws-dev: delivery.deployRunner: ["self-hosted", "linux", "x64", "aws-dev"] and delivery.planRunner ["self-hosted", "linux", "x64", ' +
        '"aws-dev"] can select the same runner: GitHub runs a job on any runner carrying all its labels, and every label of delivery.planRunner is in ' +
        'the other set, so pull-request code could run where prod applies run (allowed: two label sets that each have a label the other lacks, such as ' +
        '"plan" and "deploy" pool labels)',
    ]);
  });

  it('refuses a plan set that contains the deploy set (a deploy runner would take plan jobs), ignoring case', () => {
    const env: Mutable = clone(awsDev);
    env.delivery.planRunner = ['self-hosted', 'Linux', 'aws-dev', 'plan'];
    env.delivery.deployRunner = ['self-hosted', 'linux'];
    expect(problemsOf(validate('aws-dev', env))).toEqual([expect.stringContaining('every label of delivery.deployRunner is in the other set')]);
  });

  it('accepts pools that each carry a label the other lacks', () => {
    const env: Mutable = clone(awsDev);
    env.delivery.planRunner = ['self-hosted', 'linux', 'aws-dev', 'plan'];
    env.delivery.deployRunner = ['self-hosted', 'linux', 'aws-dev', 'deploy'];
    expect(() => loadEnvironments({ 'aws-dev': env }, undefined)).not.toThrow();
  });

  it('refuses a prod environment without reviewers, and accepts a dev one', () => {
    const env: Mutable = clone(azureProd);
    env.delivery.reviewers = [];
    expect(problemsOf(validate('azure-prod', env))).toEqual([
      'config/azure-prod: delivery.reviewers: [] is empty for a prod environment, whose applies must wait for a reviewer (allowed: 1 to 6 GitHub logins ' +
        'or <org>/<team> slugs, such as "example-org/platform-admins")',
    ]);
    delete env.delivery.reviewers;
    expect(problemsOf(validate('azure-prod', env))).toEqual([expect
      .stringMatching(/^config\/azure-prod: delivery\.reviewers: \[\] is empty for a prod environment/)]);
    const dev: Mutable = clone(awsDev);
    expect(dev.delivery.reviewers).toBeUndefined();
    expect(() => loadEnvironments({ 'aws-dev': dev }, undefined)).not.toThrow();
  });

  it('refuses a reviewer that is neither a login nor <org>/<team>', () => {
    const env: Mutable = clone(azureProd);
    env.delivery.reviewers = ['@alice'];
    expect(problemsOf(validate('azure-prod', env))).toEqual([
      'config/azure-prod: delivery.reviewers[0]: "@alice" is not valid (allowed: a GitHub login such as octocat or a team such as example-org/platform-admins)',
    ]);
  });

  it('refuses a reviewer team of another organization than the repository\'s', () => {
    const env: Mutable = clone(azureProd);
    env.delivery.reviewers = ['octocat', 'other-org/admins'];
    expect(problemsOf(validate('azure-prod', env))).toEqual([
      'config/azure-prod: delivery.reviewers[1]: "other-org/admins" is a team of other-org, not of example-org, which owns delivery.repository (allowed: ' +
        'a GitHub login or a team of example-org, such as "example-org/platform-admins")',
    ]);
  });

  it('refuses repository ids that are not positive integers, one line naming the field; accepts them otherwise', () => {
    const env: Mutable = clone(awsDev);
    env.delivery.repositoryIds = { owner: 0, repository: '987654321' };
    expect(problemsOf(validate('aws-dev', env))).toEqual([
      'config/aws-dev: delivery.repositoryIds.owner: 0 is not valid (allowed: an integer from 1 to 9007199254740991)',
      'config/aws-dev: delivery.repositoryIds.repository: must be a number, got string "987654321" (allowed: an integer from 1 to 9007199254740991)',
    ]);
    env.delivery.repositoryIds = { owner: 1234567, repository: 987654321 };
    expect(() => loadEnvironments({ 'aws-dev': env }, undefined)).not.toThrow();
  });

  it('refuses a repository that is not owner/name', () => {
    const env: Mutable = clone(awsDev);
    env.delivery.repository = 'rocketchat-platform';
    expect(problemsOf(validate('aws-dev', env))).toEqual([
      'config/aws-dev: delivery.repository: "rocketchat-platform" is not valid (allowed: a GitHub repository as owner/name, such as ' +
        'example-org/rocketchat-platform)',
    ]);
  });
});
