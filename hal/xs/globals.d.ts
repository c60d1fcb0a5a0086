/**
 * Globals of an XS host: the Moddable SDK on boards, our lvxs host on the desktop
 * (native/host). Declared here for the TypeScript that runs there; absent on Node.
 */
declare function native(name: string): (...args: any[]) => any;
declare function Native(destructor: string): new () => object;
declare function print(...values: unknown[]): void;
declare const scriptArgs: readonly string[];
