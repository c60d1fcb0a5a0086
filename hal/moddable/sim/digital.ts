/** embedded:io/digital on the desktop (lvxs): see sim/io.ts. */
export { SimDigital as default } from './io.ts';
