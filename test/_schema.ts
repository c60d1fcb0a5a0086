/** A small JSON Schema (2020-12 subset) validator for checking real responses against openapi.json. */
export function validate(schema: any, value: unknown, root: any, path = '$'): string[] {
  if (schema.$ref) {
    const target = schema.$ref.replace('#/', '').split('/').reduce((o: any, k: string) => o[k], root);
    return validate(target, value, root, path);
  }
  const errs: string[] = [];
  if (schema.oneOf) {
    const ok = schema.oneOf.filter((s: any) => validate(s, value, root, path).length === 0).length;
    if (ok !== 1) errs.push(`${path}: matches ${ok} of oneOf`);
    return errs;
  }
  if (schema.const !== undefined && value !== schema.const) errs.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value)) errs.push(`${path}: ${JSON.stringify(value)} not in enum`);
  const t = schema.type;
  const typeOk = !t || (t === 'integer' ? Number.isInteger(value) : t === 'array' ? Array.isArray(value)
    : t === 'object' ? typeof value === 'object' && value !== null && !Array.isArray(value) : typeof value === t);
  if (!typeOk) return [...errs, `${path}: expected ${t}, got ${JSON.stringify(value)?.slice(0, 40)}`];
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) errs.push(`${path}: does not match ${schema.pattern}`);
    if (schema.format === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) errs.push(`${path}: not a uuid`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errs.push(`${path}: below minimum`);
    if (schema.maximum !== undefined && value > schema.maximum) errs.push(`${path}: above maximum`);
    if (schema.multipleOf !== undefined && value % schema.multipleOf !== 0) errs.push(`${path}: not a multiple of ${schema.multipleOf}`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errs.push(...validate(schema.items, v, root, `${path}[${i}]`)));
  if (t === 'object' && value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in o)) errs.push(`${path}: missing ${r}`);
    for (const [k, v] of Object.entries(o)) {
      if (schema.properties?.[k]) errs.push(...validate(schema.properties[k], v, root, `${path}.${k}`));
      else if (schema.additionalProperties === false) errs.push(`${path}: unexpected property ${k}`);
    }
  }
  return errs;
}
