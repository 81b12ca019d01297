/**
 * Issue 25, item 5: a backup that runs longer than the environment's RPO budget
 * (`app.backups.maxBackupMinutes`) pages, because PBM slices no oplog while a logical backup runs.
 * Proven with promtool (the Debian `prometheus` package) on the rule exactly as alertGroups()
 * builds it for aws-prod, one promtool run for the file.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { alertGroups } from '../constructs/platform/alert-rules';
import { tempDir } from './helpers';

const [prod] = loadEnvironments({ 'aws-prod': ENVIRONMENTS['aws-prod'] }, undefined);
const rule = alertGroups(prod!).flatMap((g) => g.rules).find((r) => r.alert === 'MongoDBBackupOverRpoBudget')!;
const labels = (name: string) => `namespace="mongodb",name="${name}",psmdb_cluster="rocketchat-mongodb"`;

describe('MongoDBBackupOverRpoBudget (promtool)', () => {
  it('aws-prod: budget 45 min by default', () => {
    expect(prod!.app.backups.maxBackupMinutes).toBe(45);
    expect(rule.expr).toContain('> 2700');
  });

  it('fires when a backup runs past 45 min, not before, and never for a finished one', () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: [{ name: 'dr', rules: [rule] }] }));
      const series = [
        // "slow" started at 0 and is still running; "done" started at 0 and is ready.
        { series: `kube_psmdb_backup_created_timestamp_seconds{${labels('slow')}}`, values: '0x60' },
        { series: `kube_psmdb_backup_state{${labels('slow')},state="running"}`, values: '1x60' },
        { series: `kube_psmdb_backup_created_timestamp_seconds{${labels('done')}}`, values: '0x60' },
        { series: `kube_psmdb_backup_state{${labels('done')},state="ready"}`, values: '1x60' },
      ];
      const alert = {
        exp_labels: { severity: 'critical', namespace: 'mongodb', name: 'slow', psmdb_cluster: 'rocketchat-mongodb' },
        exp_annotations: {
          summary: 'MongoDB backup longer than the RPO budget',
          description: rule.annotations.description.replace('{{ $labels.namespace }}/{{ $labels.name }}', 'mongodb/slow').replace('{{ $value | humanizeDuration }}', '47m 0s'),
        },
      };
      const tests = {
        rule_files: ['rules.yaml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: series,
            alert_rule_test: [
              { eval_time: '44m', alertname: 'MongoDBBackupOverRpoBudget', exp_alerts: [] },
              { eval_time: '47m', alertname: 'MongoDBBackupOverRpoBudget', exp_alerts: [alert] },
            ],
          },
        ],
      };
      writeFileSync(join(dir, 'tests.yaml'), stringify(tests));
      const out = execFileSync('promtool', ['test', 'rules', 'tests.yaml'], { cwd: dir, encoding: 'utf8' });
      expect(out).toContain('SUCCESS');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
