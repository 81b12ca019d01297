/**
 * The Pod Security Standards, baseline and restricted, as the admission
 * controller evaluates them at `enforce-version: latest` (kubernetes.io
 * docs/concepts/security/pod-security-standards, policies as of v1.35).
 * Returns one problem per violated control, with the field that breaks it.
 */
import type { Json } from '../../synth/output';

export type Level = 'privileged' | 'baseline' | 'restricted';

export interface PsaViolation {
  readonly field: string;
  readonly problem: string;
}

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret', 'image']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

function containersOf(spec: Json): { field: string; c: Json }[] {
  return (['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap((list) =>
    ((spec[list] ?? []) as Json[]).map((c) => ({ field: `spec.${list}[${c.name}]`, c })),
  );
}

function baseline(spec: Json): PsaViolation[] {
  const out: PsaViolation[] = [];
  const add = (field: string, problem: string) => out.push({ field, problem: `${problem} (Pod Security baseline)` });
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (spec[key] === true) add(`spec.${key}`, `${key}: true shares a host namespace`);
  if (spec.securityContext?.windowsOptions?.hostProcess === true) add('spec.securityContext.windowsOptions.hostProcess', 'host process');
  for (const v of spec.volumes ?? []) if (v.hostPath) add(`spec.volumes[${v.name}].hostPath`, 'hostPath volume');
  const podSeccomp = spec.securityContext?.seccompProfile?.type;
  if (podSeccomp === 'Unconfined') add('spec.securityContext.seccompProfile.type', 'seccomp Unconfined');
  if (spec.securityContext?.appArmorProfile?.type === 'Unconfined') add('spec.securityContext.appArmorProfile.type', 'AppArmor Unconfined');
  for (const s of spec.securityContext?.sysctls ?? []) if (!SAFE_SYSCTLS.has(s.name)) add('spec.securityContext.sysctls', `unsafe sysctl ${s.name}`);
  const selinux = (field: string, o: Json | undefined) => {
    if (!o) return;
    if (o.type !== undefined && !SELINUX_TYPES.has(o.type)) add(`${field}.type`, `SELinux type ${o.type}`);
    if (o.user !== undefined || o.role !== undefined) add(field, 'SELinux user or role set');
  };
  selinux('spec.securityContext.seLinuxOptions', spec.securityContext?.seLinuxOptions);
  for (const { field, c } of containersOf(spec)) {
    const sc = c.securityContext ?? {};
    if (sc.privileged === true) add(`${field}.securityContext.privileged`, 'privileged container');
    if (sc.windowsOptions?.hostProcess === true) add(`${field}.securityContext.windowsOptions.hostProcess`, 'host process');
    for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPABILITIES.has(cap)) add(`${field}.securityContext.capabilities.add`, `adds capability ${cap}`);
    for (const p of c.ports ?? []) if (p.hostPort) add(`${field}.ports[${p.containerPort}].hostPort`, `hostPort ${p.hostPort}`);
    if (sc.seccompProfile?.type === 'Unconfined') add(`${field}.securityContext.seccompProfile.type`, 'seccomp Unconfined');
    if (sc.appArmorProfile?.type === 'Unconfined') add(`${field}.securityContext.appArmorProfile.type`, 'AppArmor Unconfined');
    if (sc.procMount !== undefined && sc.procMount !== 'Default') add(`${field}.securityContext.procMount`, `procMount ${sc.procMount}`);
    selinux(`${field}.securityContext.seLinuxOptions`, sc.seLinuxOptions);
  }
  return out;
}

function restricted(spec: Json): PsaViolation[] {
  const out: PsaViolation[] = [];
  const add = (field: string, problem: string) => out.push({ field, problem: `${problem} (Pod Security restricted)` });
  const pod = spec.securityContext ?? {};
  for (const v of spec.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type && !RESTRICTED_VOLUMES.has(type)) add(`spec.volumes[${v.name}].${type}`, `volume type ${type}`);
  }
  if (pod.runAsNonRoot === false) add('spec.securityContext.runAsNonRoot', 'runAsNonRoot: false');
  if (pod.runAsUser === 0) add('spec.securityContext.runAsUser', 'runs as UID 0');
  const podSeccompOk = pod.seccompProfile?.type === 'RuntimeDefault' || pod.seccompProfile?.type === 'Localhost';
  for (const { field, c } of containersOf(spec)) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) add(`${field}.securityContext.allowPrivilegeEscalation`, 'allowPrivilegeEscalation is not false');
    if (sc.runAsNonRoot === false || (sc.runAsNonRoot !== true && pod.runAsNonRoot !== true)) add(`${field}.securityContext.runAsNonRoot`, 'runAsNonRoot is not true (container or pod)');
    if (sc.runAsUser === 0) add(`${field}.securityContext.runAsUser`, 'runs as UID 0');
    const seccomp = sc.seccompProfile?.type;
    if (!(seccomp === 'RuntimeDefault' || seccomp === 'Localhost' || (seccomp === undefined && podSeccompOk))) add(`${field}.securityContext.seccompProfile`, 'seccompProfile is not RuntimeDefault or Localhost (container or pod)');
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) add(`${field}.securityContext.capabilities.drop`, 'does not drop ALL capabilities');
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') add(`${field}.securityContext.capabilities.add`, `adds capability ${cap}`);
  }
  return out;
}

export function podSecurityViolations(spec: Json, level: Level): PsaViolation[] {
  if (level === 'privileged') return [];
  return level === 'baseline' ? baseline(spec) : [...baseline(spec), ...restricted(spec)];
}
