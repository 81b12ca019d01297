/**
 * Ports the platform's pods use between nodes that the node security group's general rule (TCP
 * 1025-65535, DNS) does not admit. The cluster layer opens each between nodes; a test
 * (__tests__/render-traffic.test.ts) finds every port the rendered and operator-built pods listen on and
 * holds it to a node rule, so a chart that starts listening on another UDP port fails there, not
 * in production. Azure's node NSG admits all traffic between nodes and pods (constructs/azure/vnet.ts).
 *
 * Loki and Tempo use dskit's memberlist over TCP only (its TCPTransport carries packets and
 * streams), covered by the TCP range.
 */
export interface PeerPort {
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
  readonly who: string;
}

export const PEER_PORTS: readonly PeerPort[] = [
  // prometheus-operator's mesh-udp port: without it gossip falls back to 60 s TCP push/pull, and
  // replicas in two zones page twice and learn silences a minute late.
  { port: 9094, protocol: 'udp', who: 'Alertmanager cluster gossip' },
];
