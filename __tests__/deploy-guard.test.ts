/**
 * Break-glass for workstation deploys: a prod-tier deploy:env refuses a dirty tree or a commit not
 * on origin/main unless --break-glass is given, and says so. The git reading runs against a real
 * repository made here (one git spawn per command, no network).
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { guardDeploy, treeState, type TreeState } from '../scripts/deploy-guard';
import { tempDir } from './support';

const clean: TreeState = { commit: 'abc123def456', changes: [], onMain: true };

describe('deploy:env to a prod tier from a workstation', () => {
  it('runs a clean tree at a commit on origin/main, and never checks a dev tier', () => {
    expect(guardDeploy('aws-prod', 'prod', clean, false)).toEqual({});
    expect(guardDeploy('aws-dev', 'dev', { commit: 'abc123def456', changes: [' M config/x.ts'], onMain: false }, false)).toEqual({});
  });

  it('refuses a dirty tree or a commit not on origin/main, naming each reason and the flag', () => {
    expect(guardDeploy('aws-prod', 'prod', { ...clean, changes: [' M config/environments/aws-prod.ts', '?? notes.txt'] }, false).refusal).toBe(
      'refusing to deploy aws-prod (tier prod) from this workstation: the working tree has 2 uncommitted change(s) (config/environments/aws-prod.ts, ' +
        'notes.txt). Prod runs only reviewed code from origin/main; in an emergency pass --break-glass and record why',
    );
    expect(guardDeploy('azure-dr', 'prod', { ...clean, onMain: false }, false).refusal).toBe(
      'refusing to deploy azure-dr (tier prod) from this workstation: commit abc123def456 is not on origin/main (merge it first, or git fetch origin ' +
        'main if it was). Prod runs only reviewed code from origin/main; in an emergency pass --break-glass and record why',
    );
    expect(guardDeploy('aws-prod', 'prod', { ...clean, onMain: undefined }, false).refusal).toContain('origin/main is not known here (run git fetch ' +
      'origin main)');
    expect(guardDeploy('aws-prod', 'prod', { commit: undefined, changes: [], onMain: undefined }, false).refusal).toContain('this is not a git work tree');
  });

  it('goes ahead under --break-glass and says what it skipped', () => {
    const result = guardDeploy('aws-prod', 'prod', { ...clean, changes: [' M a.ts'], onMain: false }, true);
    expect(result.refusal).toBeUndefined();
    expect(result.warning).toBe(
      'BREAK-GLASS: deploying aws-prod (tier prod) although the working tree has 1 uncommitted change(s) (a.ts); commit abc123def456 is not on ' +
        'origin/main (merge it first, or git fetch origin main if it was). Record who, why and the commit (abc123def456) in the incident, and merge the ' +
        'change to main afterwards.',
    );
  });
});

describe('the tree state git reports', () => {
  const repo = tempDir();
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  const git = (...args: string[]) => {
    const run = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.test', '-c', 'commit.gpgsign=false', ...args], { cwd: repo,
      encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    return run.stdout.trim();
  };

  it('sees uncommitted files, whether HEAD is on origin/main, and an unknown origin/main', () => {
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'a.txt'), '1');
    git('add', 'a.txt');
    git('commit', '-q', '-m', 'one');
    expect(treeState(repo)).toMatchObject({ changes: [], onMain: undefined });
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    expect(treeState(repo)).toMatchObject({ changes: [], onMain: true });
    writeFileSync(join(repo, 'a.txt'), '2');
    writeFileSync(join(repo, 'b.txt'), 'new');
    expect(treeState(repo).changes).toEqual([' M a.txt', '?? b.txt']);
    git('commit', '-q', '-am', 'two, not pushed');
    rmSync(join(repo, 'b.txt'));
    const state = treeState(repo);
    expect(state).toMatchObject({ changes: [], onMain: false });
    expect(state.commit).toBe(git('rev-parse', '--short=12', 'HEAD'));
    const notGit = tempDir();
    expect(treeState(notGit).commit).toBeUndefined();
    rmSync(notGit, { recursive: true, force: true });
  });
});
