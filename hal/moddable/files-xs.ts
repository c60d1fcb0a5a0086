/** FlashFiles (flash-storage.ts) on an XS host: the file primitives of native/host/io.c on a directory. */
import type { FlashFiles } from './flash-storage.ts';

export function xsFlashFiles(dir: string): FlashFiles {
  const at = (name: string) => `${dir}/${name}`;
  const exists = native('xs_lv_file_exists'), readFile = native('xs_lv_read_file'), writeFile = native('xs_lv_file_write');
  const rename = native('xs_lv_file_rename'), del = native('xs_lv_file_delete'), list = native('xs_lv_file_list');
  return {
    read: (name) => (exists(at(name)) ? new Uint8Array(readFile(at(name)) as ArrayBuffer) : undefined),
    write: (name, data) => writeFile(at(name), data),
    rename: (from, to) => rename(at(from), at(to)),
    delete: (name) => del(at(name)),
    list: () => (list(dir) as string).split('\n').filter((n) => n.length > 0),
  };
}
