/** The part of better-sqlite3's API that hal/node/sqlite-storage.ts uses (the package ships no types). */
declare module 'better-sqlite3' {
  interface Statement {
    run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
    get(...params: unknown[]): any;
    all(...params: unknown[]): any[];
    iterate(...params: unknown[]): IterableIterator<any>;
  }
  interface TransactionFunction<F extends (...args: any[]) => any> {
    (...args: Parameters<F>): ReturnType<F>;
    immediate(...args: Parameters<F>): ReturnType<F>;
  }
  interface Database {
    prepare(sql: string): Statement;
    pragma(source: string, options?: { simple?: boolean }): any;
    exec(sql: string): Database;
    transaction<F extends (...args: any[]) => any>(fn: F): TransactionFunction<F>;
    close(): void;
    readonly open: boolean;
  }
  interface DatabaseConstructor {
    new (filename: string, options?: { readonly?: boolean; fileMustExist?: boolean }): Database;
  }
  const Database: DatabaseConstructor;
  export default Database;
}
