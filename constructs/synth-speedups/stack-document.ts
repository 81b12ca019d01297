/**
 * Two steps of cdktf 0.21's stack synthesis made cheaper for LayerStack, each behind its switch
 * (switches.ts). cdktf 0.21 is final, so these copies cannot drift; with the switches off,
 * cdktf's own methods run.
 */
import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformOutput, TerraformStack, Tokenization } from 'cdktf';
import type { IConstruct } from 'constructs';
import { resolveDocument } from './resolve-document';
import { enabled } from './switches';

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** The stack's Terraform elements, not descending into nested stacks (cdktf's terraformElements). */
function elementsOf(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) elementsOf(child, into);
  return into;
}

/**
 * skip-prepare: cdktf's preparing pass resolves every token of the stack once more, only
 * to find cross-stack references and turn them into sensitive, unreadable
 * outputs (about a tenth of synth time here). Values cross stacks only through
 * remote-state contracts in this project, so the pass is skipped; policy
 * GEN-003 fails the synth on any reference to something the stack does not define.
 */
export function prepareStack(stack: TerraformStack, cdktfPrepareStack: () => void): void {
  if (enabled('skip-prepare')) stack.ensureBackendExists();
  else cdktfPrepareStack();
}

/**
 * stack-document: cdktf 0.21's toTerraform, minus its last step: after resolving every
 * element it resolves the merged document once more, a second walk of the
 * whole stack (~6% of synth here) that changes nothing when the stack has no
 * stack-level overrides, whose values are the only unresolved input left.
 * With such overrides it defers to cdktf. resolve-document then resolves each element's
 * document (resolve-document.ts); off, cdktf's public resolver does.
 */
export function stackDocument(stack: TerraformStack, cdktfToTerraform: () => Record<string, unknown>): Record<string, unknown> {
  const raw = (stack as unknown as { rawOverrides: Record<string, unknown> }).rawOverrides;
  if (!enabled('stack-document') || Object.keys(raw).length > 0) return cdktfToTerraform();
  // Private paths, loaded only when on, so SYNTH_SPEEDUPS=off runs where they do not exist.
  const { deepMerge } = require('cdktf/lib/util') as typeof import('cdktf/lib/util');
  const fast = enabled('resolve-document');
  const resolve = (value: unknown): Record<string, unknown> =>
    (fast ? resolveDocument(value, stack, RESOLVER) : Tokenization.resolve(value, { scope: stack, resolver: RESOLVER, preparing: false })) as Record<string, unknown>;
  const elements = elementsOf(stack);
  const metadata: Record<string, unknown> = {
    version: (stack as unknown as { cdktfVersion: string }).cdktfVersion,
    stackName: stack.node.id,
    backend: 'local',
    cloud: undefined,
  };
  for (const e of elements) deepMerge(metadata, resolve(e.toMetadata()));
  const outputs: Record<string, unknown> = {};
  for (const e of elements) {
    if (!TerraformOutput.isTerraformOutput(e)) continue;
    deepMerge(outputs, e.node.path.split('/').reduceRight<Record<string, unknown>>((inner, part) => ({ [part]: Object.keys(inner).length === 0 ? e.friendlyUniqueId : inner }), {}));
  }
  const tf: Record<string, unknown> = { '//': { metadata, outputs } };
  for (const e of elements) deepMerge(tf, resolve(e.toTerraform()));
  return tf;
}
