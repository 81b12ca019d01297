/**
 * Loki and Tempo datasources for Grafana, linked so an investigation can move
 * between signals: traces -> logs (same trace id in the pod's logs), traces ->
 * metrics (the service's request rate), logs -> traces (derived field on
 * trace_id=...). Prometheus -> traces comes from exemplars
 * (sidecar.datasources.exemplarTraceIdDestinations in index.ts). A store that is turned
 * off (platform.components) has no datasource, and no link points at it.
 */
import { TELEMETRY } from '../../../config/names';

export function grafanaDatasources(stores: { readonly loki: boolean; readonly tempo: boolean }): object[] {
  const loki = {
    name: 'Loki',
    uid: 'loki',
    type: 'loki',
    access: 'proxy',
    url: TELEMETRY.lokiUrl,
    jsonData: {
      maxLines: 1000,
      derivedFields: !stores.tempo ? [] : [
        // Matches trace_id=<hex> and "traceId":"<hex>". The URL must reach Grafana as `$${__value.raw}` ($$ escapes
        // its own env expansion); Terraform turns `$${` into `${`, so one more `$` goes in front.
        { name: 'TraceID', datasourceUid: 'tempo', matcherRegex: '(?:trace_id|traceId|traceID)[=":]+(\\w+)', url: '$$${__value.raw}', urlDisplayLabel: 'View trace' },
      ],
    },
  };
  const tempo = {
    name: 'Tempo',
    uid: 'tempo',
    type: 'tempo',
    access: 'proxy',
    url: TELEMETRY.tempoQueryUrl,
    jsonData: {
      ...(stores.loki ? { tracesToLogsV2: { datasourceUid: 'loki', spanStartTimeShift: '-5m', spanEndTimeShift: '5m', filterByTraceID: true, tags: [{ key: 'k8s.namespace.name', value: 'namespace' }] } } : {}),
      tracesToMetrics: { datasourceUid: 'prometheus', tags: [{ key: 'service.name', value: 'service' }] },
      serviceMap: { datasourceUid: 'prometheus' },
      nodeGraph: { enabled: true },
      ...(stores.loki ? { lokiSearch: { datasourceUid: 'loki' } } : {}),
    },
  };
  return [...(stores.loki ? [loki] : []), ...(stores.tempo ? [tempo] : [])];
}
