/**
 * The test-support module: import from './support'. Behind it, one small file per concern:
 * synth.ts (the run's examples, Helm render, resource lookups), config.ts (changed examples, validate,
 * synth with overrides), releases.ts (helm_release and values lookups), wiring.ts (cross-stack checks),
 * kubernetes-objects.ts (model checks). Heavier or single-purpose helpers are imported by their own
 * path: iam.ts, edge-probe.ts, alert-cases.ts, prometheus-tools.ts, provider-schema.ts.
 */
export * from './synth';
export * from './config';
export * from './releases';
export * from './wiring';
export * from './kubernetes-objects';
