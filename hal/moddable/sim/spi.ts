/** embedded:io/spi on the desktop (lvxs): see sim/io.ts. */
export { SimSPI as default } from './io.ts';
