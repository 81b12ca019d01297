/**
 * The shape of one alert rule in the platform's PrometheusRule (kube-prometheus-stack's
 * additionalPrometheusRulesMap), shared by every component's `alerts.ts`. Each component keeps
 * its own rules beside it (loki/alerts.ts, tempo/alerts.ts, cert-manager/alerts.ts,
 * monitoring/alerts.ts; the app layer's workloads in constructs/app/*-alerts.ts);
 * stacks/platform-alerts.ts groups them, and the objectives' burn-rate alerts are in
 * monitoring/slo-rules.ts.
 *
 * None repeats one of the chart's default rules (templates/prometheus/rules-1.14 of 88.5.3):
 * crash loops, unready pods, filling volumes and node memory are KubePodCrashLooping,
 * KubePodNotReady, KubePersistentVolumeFillingUp and NodeMemoryHighUtilization there, and a
 * second rule for the same failure only pages twice. Each alert has promtool cases
 * (__tests__/support/alert-cases.ts).
 */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: 'critical' | 'warning' | 'info' };
  readonly annotations: { readonly summary: string; readonly description: string };
}

export interface AlertGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

export function alert(name: string, expr: string, wait: string, severity: AlertRule['labels']['severity'], summary: string, description: string): AlertRule {
  return { alert: name, expr, for: wait, labels: { severity }, annotations: { summary, description } };
}
