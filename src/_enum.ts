/**
 * Reverse tables of the const-object enums the core uses for typed reasons (stable numeric codes):
 * derived from the enum itself, so a name can never drift from its code.
 */
export function enumNames<E extends Record<string, number>>(e: E): Readonly<Record<E[keyof E], string>> {
  const out = {} as Record<E[keyof E], string>;
  for (const [name, code] of Object.entries(e)) out[code as E[keyof E]] = name;
  return Object.freeze(out);
}
