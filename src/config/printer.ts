/**
 * Prints a model back as keepalived.conf, driven by the same schema, so that
 * parsing the printed text gives the same model (tested as a property).
 */
import type { BlockSpec, BodySpec, KeywordSpec } from './schema/types';
import type { ModelBlock } from './validate';

export function quote(word: string): string {
  if (word !== '' && !/[\s#!{}"'\\$~@]/.test(word)) return word;
  return (
    '"' +
    word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t') +
    '"'
  );
}

function scalar(kw: KeywordSpec, v: unknown): string {
  if (v === true && kw.value.kind !== 'bool') return kw.name;
  if (typeof v === 'boolean') return `${kw.name} ${v ? 'true' : 'false'}`;
  if (Array.isArray(v)) return [kw.name, ...v.map((w) => quote(String(w)))].join(' ');
  return `${kw.name} ${quote(String(v))}`;
}

export function printModel(model: ModelBlock, root: BlockSpec): string {
  return printBlock(model, root, '');
}

function printBody(body: BodySpec, value: unknown, indent: string): string {
  if (body.kind === 'block') return printBlock(value as ModelBlock, body.block, indent + '    ');
  return (value as string[][])
    .map((line) => `${indent}    ${line.map(quote).join(' ')}\n`)
    .join('');
}

function printBlock(model: ModelBlock, spec: BlockSpec, indent: string): string {
  const byName = new Map(
    spec.keywords.filter((k) => !k.deprecatedFor || k.deprecatedForBlock).map((k) => [k.name, k]),
  );
  let out = '';
  const open = (kw: KeywordSpec, args: readonly string[]): string =>
    `${indent}${[kw.name, ...args.map(quote)].join(' ')} {\n`;
  for (const [key, value] of Object.entries(model)) {
    if (key === '$args') continue;
    const kw = byName.get(key);
    if (!kw) throw new Error(`printer: no keyword '${key}' in ${spec.name}`);
    const body = kw.body;
    if (body && kw.value.kind === 'word' && !kw.value.optional) {
      for (const [name, sub] of Object.entries(value as Record<string, unknown>)) {
        out += open(kw, [name]) + printBody(body, sub, indent) + `${indent}}\n`;
      }
    } else if (body?.kind === 'block') {
      for (const sub of Array.isArray(value) ? (value as ModelBlock[]) : [value as ModelBlock]) {
        out +=
          open(kw, sub.$args ?? []) + printBlock(sub, body.block, indent + '    ') + `${indent}}\n`;
      }
    } else if (body?.kind === 'lines') {
      out += open(kw, []) + printBody(body, value, indent) + `${indent}}\n`;
    } else if (
      kw.repeatable &&
      Array.isArray(value) &&
      (kw.value.kind !== 'words' || Array.isArray(value[0]))
    ) {
      for (const v of value) out += `${indent}${scalar(kw, v)}\n`;
    } else {
      out += `${indent}${scalar(kw, value)}\n`;
    }
  }
  return out;
}
