/** Cross-field rules for Azure environments. */
import { overlaps } from './cidr';
import { arr, checkBlocks, checkProdState, obj, one, type Loose, type Problem } from './rules-kit';

export function azureRules(env: Loose, problems: Problem[]): void {
  const network = obj(env.network);
  const vnet = one(network.vnetCidr, 'network.vnetCidr')[0];
  const ingress = one(network.ingressSubnetCidr, 'network.ingressSubnetCidr');
  for (const b of ingress) {
    if (b.cidr.prefix > 24) {
      problems.push({
        path: b.path,
        message: `"${b.cidr.text}" is smaller than Application Gateway for Containers needs (allowed: /24 or larger)`,
      });
    }
  }
  checkBlocks(
    vnet,
    [
      ...one(network.nodeSubnetCidr, 'network.nodeSubnetCidr'),
      ...ingress,
      ...one(network.privateEndpointSubnetCidr, 'network.privateEndpointSubnetCidr'),
    ],
    problems,
  );
  const pods = one(network.podCidr, 'network.podCidr')[0];
  if (pods && vnet && overlaps(pods.cidr, vnet.cidr)) {
    problems.push({
      path: pods.path,
      message: `"${pods.cidr.text}" overlaps network.vnetCidr "${vnet.cidr.text}" (allowed: an overlay range outside the VNet, such as 192.168.0.0/16)`,
    });
  }
  const zones = arr(network.zones);
  if (new Set(zones).size !== zones.length) {
    problems.push({ path: 'network.zones', message: `${JSON.stringify(zones)} lists a zone twice (allowed: distinct zones)` });
  }
  if (env.tier === 'prod' && Array.isArray(network.zones) && new Set(zones).size < 3) {
    problems.push({ path: 'network.zones', message: `prod uses only zones ${JSON.stringify(zones)} (allowed: ["1", "2", "3"])` });
  }
  checkProdState(env, problems, 'azurerm');
}
