/**
 * A clone must find what it needs from its own files, `../shared/charts` or an environment
 * variable: no file in the repository may name a path of one particular machine (a home or
 * workspace directory, or the folder this checkout sits in).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');

/** Home, workspace and add-on (/opt) roots of Linux, macOS and Windows machines, plus `extra` (the checkout's parent). */
export function machinePaths(text: string, extra: readonly string[] = []): string[] {
  const patterns = [/(?<![\w.~-])\/(?:home|Users|root|work|opt)\/[\w.-]+/g, /\b[A-Za-z]:\\(?:Users|work)\\[\w.-]+/g];
  const escaped = extra.map((e) => new RegExp(`(?<![\\w.~/:-])${e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'g'));
  return [...patterns, ...escaped].flatMap((p) => [...text.matchAll(p)].map((m) => m[0]));
}

describe('no machine-specific absolute paths', () => {
  // The fixtures are assembled, so this file does not hold the paths it refuses.
  const unix = (...parts: string[]) => `/${parts.join('/')}`;
  const windows = (...parts: string[]) => parts.join('\\');

  it('finds the kinds of path it is meant to refuse, and leaves relative and URL paths alone', () => {
    expect(machinePaths(`CHARTS_DIR=${unix('work', 'shared', 'charts')}`)).toEqual([unix('work', 'shared')]);
    expect(machinePaths(`cd ${unix('home', 'alice', 'src')} && ls ${unix('Users', 'bob', 'x')} and ${windows('C:', 'Users', 'carol')}`)).toEqual([
      unix('home', 'alice'),
      unix('Users', 'bob'),
      windows('C:', 'Users', 'carol'),
    ]);
    expect(machinePaths(`cache in ${unix('root', '.npm')}`)).toEqual([unix('root', '.npm')]);
    expect(machinePaths(`providers in ${unix('opt', 'tf-plugins')}`)).toEqual([unix('opt', 'tf-plugins')]);
    expect(machinePaths(`see ../shared/charts, ~${unix('work', 'x')}, https://example.com${unix('work', 'x')} and src/home/page.ts`)).toEqual([]);
    expect(machinePaths(`under ${unix('srv', 'ci', 'checkout', 'x')}`, [unix('srv', 'ci', '')])).toEqual([unix('srv', 'ci', '')]);
  });

  it('appear in no tracked file', () => {
    const parent = dirname(ROOT);
    // A checkout directly in a shared directory (a CI's mktemp -d under /tmp) has no parent of its own to look for.
    const shared = ['/', '/tmp', '/var/tmp', tmpdir()];
    const extra = shared.includes(parent) ? [] : [`${parent}/`];
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    expect(files.length).toBeGreaterThan(100);
    const hits = files.flatMap((f) => {
      const text = readFileSync(join(ROOT, f), 'utf8');
      return machinePaths(text, extra).map((p) => `${f}: ${p}`);
    });
    expect(hits).toEqual([]);
  });
});
