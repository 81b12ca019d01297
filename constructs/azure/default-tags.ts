/**
 * azurerm has no provider-level default tags (unlike the AWS provider), so an
 * aspect gives every taggable resource in a stack the standard tags; a tag a
 * resource sets itself wins.
 */
import { Aspects, TerraformResource, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';

interface Taggable {
  tags: Record<string, string>;
  readonly tagsInput?: Record<string, string>;
}

function isTaggable(node: IConstruct): node is TerraformResource & Taggable {
  return node instanceof TerraformResource && 'tagsInput' in node;
}

class DefaultTags implements IAspect {
  constructor(private readonly tags: Record<string, string>) {}

  visit(node: IConstruct): void {
    if (isTaggable(node)) node.tags = { ...this.tags, ...(node.tagsInput ?? {}) };
  }
}

export function applyDefaultTags(scope: IConstruct, tags: Record<string, string>): void {
  Aspects.of(scope).add(new DefaultTags(tags));
}
