// Which native file better-sqlite3 loads. Tests, the CLI and headless mode use the Node build in
// node_modules (the default). The desktop app's main process names its Electron-ABI build once at
// start-up, before any database opens; every connection (the workers' too) then passes it to
// better-sqlite3 as its `nativeBinding` option.
let nativeBinding: string | undefined;

/** Sets the `.node` file every later connection loads; undefined goes back to node_modules'. */
export function useNativeBinding(file: string | undefined): void {
  nativeBinding = file;
}

/** better-sqlite3 options naming the chosen native file, when one was chosen. */
export function bindingOptions(): { nativeBinding?: string } {
  return nativeBinding ? { nativeBinding } : {};
}
