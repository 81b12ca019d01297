/**
 * Pinned versions of things Terraform installs, each with where it comes from.
 * Re-check the source before changing a pin; bump in a pull request of its own.
 */

export type EksAddonName = 'vpc-cni' | 'kube-proxy' | 'coredns' | 'eks-pod-identity-agent' | 'aws-ebs-csi-driver';

/**
 * EKS managed add-on versions per Kubernetes minor version. Only versions with
 * a full row here can be deployed on AWS (config validation says so).
 * Sources, read 2026-11-23:
 * - kube-proxy, coredns: the "latest version per Kubernetes version" tables in the
 *   EKS user guide (managing-kube-proxy, managing-coredns).
 * - vpc-cni, aws-ebs-csi-driver, eks-pod-identity-agent: AWS publishes no per-version
 *   table; these are the defaults `aws eks describe-addon-versions --kubernetes-version <v>`
 *   returned in mid 2026 as quoted in public configurations. Confirm with that command
 *   before an upgrade.
 */
export const EKS_ADDON_VERSIONS: Readonly<Record<string, Readonly<Record<EksAddonName, string>>>> = {
  '1.34': {
    'vpc-cni': 'v1.21.2-eksbuild.2',
    'kube-proxy': 'v1.34.6-eksbuild.13',
    coredns: 'v1.13.2-eksbuild.7',
    'eks-pod-identity-agent': 'v1.3.10-eksbuild.3',
    'aws-ebs-csi-driver': 'v1.62.0-eksbuild.1',
  },
  '1.35': {
    'vpc-cni': 'v1.21.2-eksbuild.2',
    'kube-proxy': 'v1.35.3-eksbuild.13',
    coredns: 'v1.14.2-eksbuild.4',
    'eks-pod-identity-agent': 'v1.3.10-eksbuild.3',
    'aws-ebs-csi-driver': 'v1.60.0-eksbuild.1',
  },
};
