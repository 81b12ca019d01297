/**
 * Small builders over zod that give every problem one readable sentence naming
 * the value and what is allowed. The loader prefixes `config/<env>: <path>: `.
 */
import { z } from 'zod';
import { parseCidr } from './cidr.js';

export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

type ErrorFn = (issue: { input?: unknown; code?: string }) => string;

function explain(allowed: string): ErrorFn {
  return (issue) =>
    issue.input === undefined
      ? `is required (allowed: ${allowed})`
      : `${show(issue.input)} is not valid (allowed: ${allowed})`;
}

export function text(allowed: string, pattern?: RegExp) {
  const error = explain(allowed);
  const base = z.string({ error });
  return pattern ? base.regex(pattern, { error }) : base;
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const allowed = values.join(', ');
  return z.enum(values, {
    error: (issue) =>
      issue.input === undefined
        ? `is required (allowed: ${allowed})`
        : `${show(issue.input)} is not supported (allowed: ${allowed})`,
  });
}

export function int(min: number, max: number) {
  const error = explain(`an integer from ${min} to ${max}`);
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

export function cidr() {
  const allowed = 'an IPv4 CIDR block such as 10.0.0.0/16';
  return z.string({ error: explain(allowed) }).superRefine((value, ctx) => {
    const parsed = parseCidr(value);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: `${show(value)} ${parsed} (allowed: ${allowed})` });
    }
  });
}

export function list<T extends z.ZodType>(item: T, min: number, max: number, what: string) {
  const error = explain(`a list of ${min === max ? min : `${min} to ${max}`} ${what}`);
  return z.array(item, { error }).min(min, { error }).max(max, { error });
}

export function object<T extends z.ZodRawShape>(shape: T) {
  const fields = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `is not a known field (allowed: ${fields})`
        : explain(`an object with fields ${fields}`)(issue),
  });
}

/** A union picked by `key`; an unknown discriminator names the supported ones. */
export function variants<K extends string, const T extends readonly [z.ZodObject, ...z.ZodObject[]]>(
  key: K,
  options: T,
  allowed: readonly string[],
) {
  return z.discriminatedUnion(key, options, {
    error: (issue) => {
      const input = issue.input as Record<string, unknown> | undefined;
      if (input === undefined) return `is required (allowed: an object with ${key}: ${allowed.join(' | ')})`;
      return `${show(input?.[key])} is not supported (allowed: ${allowed.join(', ')})`;
    },
  });
}
