/** cert-manager's alerts, from its controller's metrics (scraped through its ServiceMonitor). */
import { alert, type AlertRule } from '../alert-rule';

export function certManagerAlerts(): AlertRule[] {
  return [
    alert('CertificateExpiringSoon', 'certmanager_certificate_expiration_timestamp_seconds - time() < 14 * 86400', '1h', 'critical',
      'Certificate expires in less than 14 days', 'Certificate {{ $labels.namespace }}/{{ $labels.name }} has not been renewed; check cert-manager and the DNS01 solver.'),
  ];
}
