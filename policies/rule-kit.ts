import type { Json, Resource, Rule, StackView } from './engine';

type Problem = { resource: Resource; message: string };

export function rule(id: string, title: string, mirrors: string, fix: string, check: (stack: StackView) => Problem[]): Rule {
  return { id, title, mirrors, fix, check };
}

/** Checks each resource of the given types on its own; `test` returns what is wrong, or nothing. */
export function each(types: string | readonly string[], test: (body: Json, resource: Resource) => string | undefined) {
  return (stack: StackView): Problem[] =>
    (typeof types === 'string' ? [types] : types).flatMap((type) =>
      stack.resources(type).flatMap((resource) => {
        const message = test(resource.body, resource);
        return message ? [{ resource, message }] : [];
      }),
    );
}

/** Each `type` resource needs at least one `companion` resource whose `attr` references it. */
export function needsCompanion(type: string, companion: string, attr: string, ok: (body: Json) => boolean, message: string) {
  return (stack: StackView): Problem[] =>
    stack.resources(type).flatMap((resource) =>
      stack.referencing(companion, attr, resource).some((c) => ok(c.body)) ? [] : [{ resource, message }],
    );
}

/** Admin ports that must never be open to the internet. */
export const ADMIN_PORTS = [22, 3389];

export function portsIn(from: unknown, to: unknown): (port: number) => boolean {
  const low = Number(from);
  const high = Number(to ?? from);
  return (port) => (Number.isNaN(low) ? true : port >= low && port <= high);
}

export const WORLD = ['0.0.0.0/0', '::/0', '*', 'Internet', 'Any'];
